"""manage.py export_fleet --school <code> --kind vehicles|drivers FILE

Writes the school's school buses or drivers as .xlsx in the layout import_fleet reads."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from campaign_site.accounts.models import Organisation, OrgKind
from schoolbus.fleet import IMPORTERS, fleet_write


class Command(BaseCommand):
    help = "Export a school's school buses or drivers as an Excel file (the import layout)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx file to write")
        parser.add_argument("--school", required=True, help="institution code of the school")
        parser.add_argument("--kind", required=True, choices=sorted(IMPORTERS))

    def handle(self, *args, file, school, kind, **options):
        org = Organisation.objects.filter(code=school, kind=OrgKind.SCHOOL).first()
        if org is None:
            raise CommandError(f"No school has the code {school!r}.")
        try:
            with open(file, "wb") as fh:
                count = fleet_write(fh, school=org, kind=kind)
        except OSError as exc:
            raise CommandError(f"Cannot write {file}: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Exported {count} {kind} of {org.code} {org.name} to {file}."))
