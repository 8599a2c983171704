"""manage.py draft_circular --bureau CODE --month YYYY-MM [--campaign ID] OUT.docx

Drafts (or replaces the draft of) the bureau's circular for the month with the same service as the
monthly task and the bureau's button, and writes its Word document to OUT.docx."""
from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from campaign_site.accounts.models import Organisation, OrgKind
from campaign_site.campaigns.models import Campaign, CampaignStatus
from campaign_site.generic.errors import DomainError
from reports.circular import draft_circular
from reports.selectors import asking_monthly_reports


class Command(BaseCommand):
    help = "Draft a bureau's monthly circular from the records and write it as a Word document."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .docx file to write")
        parser.add_argument("--bureau", required=True, help="institution code of the bureau")
        parser.add_argument("--month", required=True, help="the month, YYYY-MM")
        parser.add_argument("--campaign", type=int, help="the campaign's id (default: the newest one in progress "
                                                          "that applies to the bureau)")

    def handle(self, *args, file, bureau, month, campaign=None, **options):
        org = Organisation.objects.filter(code=bureau).exclude(kind=OrgKind.SCHOOL).first()
        if org is None:
            raise CommandError(f"No bureau has the code {bureau!r}.")
        try:
            first = datetime.date.fromisoformat(f"{month}-01")
        except ValueError:
            raise CommandError(f"--month must be YYYY-MM, not {month!r}.")
        campaigns = asking_monthly_reports(Campaign.objects.live()).filter(
            status__in=[CampaignStatus.ACTIVE, CampaignStatus.CLOSED], start__lte=first.replace(day=28),
            end__gte=first).filter(Q(organisation__path__in=_ancestor_paths(org)))
        if campaign is not None:
            campaigns = asking_monthly_reports(Campaign.objects.live()).filter(pk=campaign)
        chosen = campaigns.select_related("organisation").order_by("-start", "-pk").first()
        if chosen is None:
            raise CommandError(f"No campaign applies to {org.name} in {month}." if campaign is None
                               else f"No campaign has the id {campaign}.")
        try:
            circular = draft_circular(bureau=org, campaign=chosen, month=first)
        except DomainError as exc:
            raise CommandError(exc.message)
        try:
            with circular.document.open("rb") as src, open(file, "wb") as out:
                out.write(src.read())
        except OSError as exc:
            raise CommandError(f"Cannot write {file}: {exc}")
        self.stdout.write(self.style.SUCCESS(f"Drafted “{circular.title}” ({circular.number}) and wrote {file}."))


def _ancestor_paths(org) -> list[str]:
    from campaign_site.accounts.models import PATH_STEP

    step = PATH_STEP + 1
    return [org.path[: i + step] for i in range(0, len(org.path), step)]
