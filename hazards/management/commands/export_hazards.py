"""manage.py export_hazards --school <code> FILE

Writes the school's hazard register as .xlsx in the layout import_hazards reads."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from campaign_site.accounts.models import Organisation, OrgKind
from hazards.ledger import ledger_write


class Command(BaseCommand):
    help = "Export a school's hazard register as an Excel file (the import layout)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx file to write")
        parser.add_argument("--school", required=True, help="institution code of the school")

    def handle(self, *args, file, school, **options):
        org = Organisation.objects.filter(code=school, kind=OrgKind.SCHOOL).first()
        if org is None:
            raise CommandError(f"No school has the code {school!r}.")
        try:
            with open(file, "wb") as fh:
                count = ledger_write(fh, school=org)
        except OSError as exc:
            raise CommandError(f"Cannot write {file}: {exc}")
        self.stdout.write(self.style.SUCCESS(f"Exported {count} hazard(s) of {org.code} {org.name} to {file}."))
