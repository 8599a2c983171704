"""manage.py import_hazards --school <code> [--dry-run] [--create-missing] FILE

Imports a school's Excel hazard register (隐患治理台账) with exactly the rules of the web import:
all rows or none; each problem printed with its Excel row number; exit status 1 when nothing
was written because of an error."""
from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from campaign_site.accounts.models import Organisation, OrgKind
from hazards.ledger import LedgerImporter


class Command(BaseCommand):
    help = "Import a school's Excel hazard register (all rows or none)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx (or .csv) file")
        parser.add_argument("--school", required=True, help="institution code of the school")
        parser.add_argument("--dry-run", action="store_true", help="check the file, write nothing")
        parser.add_argument("--create-missing", action="store_true",
                            help="create unknown staff (without login) and departments instead of failing")

    def handle(self, *args, file, school, dry_run, create_missing, **options):
        org = Organisation.objects.filter(code=school, kind=OrgKind.SCHOOL).first()
        if org is None:
            raise CommandError(f"No school has the code {school!r}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"File not found: {file}")
        importer = LedgerImporter(user=None, options={"school": org, "create_missing": create_missing})
        with path.open("rb") as fh:
            result = importer.run(fh, dry_run=dry_run)
        if result.file_error:
            raise CommandError(f"{path.name}: {result.file_error}")
        errors = result.error_rows
        for row in errors:
            for message in row.errors:
                self.stderr.write(f"第 {row.number} 行 (row {row.number}): {message}")
        if errors:
            raise CommandError(f"{len(errors)} row(s) with errors; nothing was imported.")
        skipped = result.skipped_count
        new = len(result.rows) - skipped
        for number, text in result.footer:
            self.stdout.write(f"Row {number} is a line under the table (signature/date), ignored: {text}")
        if dry_run:
            self.stdout.write(f"Dry run: {new} new row(s) would be imported into {org.code} {org.name}, "
                              f"{skipped} already imported (skipped). Nothing was written.")
            return
        outcome = getattr(importer, "outcome", None)
        extra = ""
        if outcome is not None and (outcome.people_created or outcome.departments_created):
            extra = (f"; created {outcome.people_created} staff record(s) and "
                     f"{outcome.departments_created} department(s)")
        self.stdout.write(self.style.SUCCESS(
            f"Imported {result.saved} hazard(s) into {org.code} {org.name}; {skipped} already imported (skipped){extra}."
        ))
