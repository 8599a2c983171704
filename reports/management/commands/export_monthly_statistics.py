"""manage.py export_monthly_statistics --bureau CODE --month YYYY-MM [--campaign ID] OUT.xlsx

Writes a bureau's monthly statistics workbook (the same as the overview's download)."""
from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from campaign_site.accounts.models import Organisation, OrgKind
from reports.workbook import build_workbook, campaigns_covering


class Command(BaseCommand):
    help = "Write a bureau's monthly statistics workbook (.xlsx) for a campaign month."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx file to write")
        parser.add_argument("--bureau", required=True, help="institution code of the bureau")
        parser.add_argument("--month", required=True, help="the month, YYYY-MM")
        parser.add_argument("--campaign", type=int, help="the campaign's id (needed when several cover the month)")

    def handle(self, *args, file, bureau, month, campaign=None, **options):
        org = Organisation.objects.filter(code=bureau).exclude(kind=OrgKind.SCHOOL).first()
        if org is None:
            raise CommandError(f"No bureau has the code {bureau!r}.")
        try:
            first = datetime.datetime.strptime(month, "%Y-%m").date()
        except ValueError:
            raise CommandError(f"--month must be YYYY-MM, not {month!r}.")
        candidates = list(campaigns_covering(org, first))
        if campaign is not None:
            chosen = next((c for c in candidates if c.pk == campaign), None)
            if chosen is None:
                raise CommandError(f"Campaign {campaign} does not cover {month} for {org.code}.")
        elif len(candidates) == 1:
            chosen = candidates[0]
        elif not candidates:
            raise CommandError(f"No campaign of {org.code} {org.name} covers {month}.")
        else:
            listed = "; ".join(f"{c.pk}: {c.title}" for c in candidates)
            raise CommandError(f"Several campaigns cover {month}, choose one with --campaign ({listed}).")

        def progress(done, total):
            if options.get("verbosity", 1) > 1:
                self.stdout.write(f"{done} / {total}")

        data = build_workbook(org, chosen, first, progress=progress)
        try:
            with open(file, "wb") as fh:
                fh.write(data)
        except OSError as exc:
            raise CommandError(f"Cannot write {file}: {exc}")
        self.stdout.write(self.style.SUCCESS(
            f"Wrote the statistics of {org.code} {org.name} for {month} ({chosen.title}) to {file}."))
