"""manage.py import_fleet --school <code> --kind vehicles|drivers [--dry-run] FILE

Imports a school's school buses or drivers from Excel with exactly the rules of the web import:
all rows or none; each problem printed with its Excel row number; exit status 1 when nothing was
written because of an error."""
from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from campaign_site.accounts.models import Organisation, OrgKind
from schoolbus.fleet import IMPORTERS


class Command(BaseCommand):
    help = "Import a school's school buses or drivers from Excel (all rows or none)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx (or .csv) file")
        parser.add_argument("--school", required=True, help="institution code of the school")
        parser.add_argument("--kind", required=True, choices=sorted(IMPORTERS), help="what the file lists")
        parser.add_argument("--dry-run", action="store_true", help="check the file, write nothing")

    def handle(self, *args, file, school, kind, dry_run, **options):
        org = Organisation.objects.filter(code=school, kind=OrgKind.SCHOOL).first()
        if org is None:
            raise CommandError(f"No school has the code {school!r}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"File not found: {file}")
        importer = IMPORTERS[kind](user=None, options={"school": org})
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
        if dry_run:
            self.stdout.write(f"Dry run: {result.new_count} new {kind} would be imported into {org.code} {org.name}, "
                              f"{skipped} already on file (skipped). Nothing was written.")
            return
        self.stdout.write(self.style.SUCCESS(
            f"Imported {result.saved} {kind} into {org.code} {org.name}; {skipped} already on file (skipped)."))
