"""manage.py load_chemical_list FILE --flag highly_toxic|explosive_precursor|drug_precursor [--category N]"""
from django.core.management.base import BaseCommand, CommandError

from chemicals.catalogue import ChemicalListImporter
from chemicals.models import ListFlag


class Command(BaseCommand):
    help = ("Load a national list (CSV or XLSX with 序号, 品名, 别名, CAS号, 备注) and set its flag on every chemical "
            "listed, clearing it on those no longer listed. All rows or none.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--flag", required=True, choices=ListFlag.values)
        parser.add_argument("--category", type=int, choices=[1, 2, 3],
                            help="drug precursors: the category of every row when the file has no 类别 column")

    def handle(self, *args, **options):
        importer = ChemicalListImporter(user=None, options={"flag": options["flag"], "category": options["category"]})
        try:
            with open(options["file"], "rb") as fh:
                result = importer.run(fh, dry_run=False)
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc}")
        if result.file_error:
            raise CommandError(result.file_error)
        if result.error_rows:
            lines = [f"row {r.number}: {'; '.join(r.errors)}" for r in result.error_rows[:50]]
            raise CommandError("Nothing was loaded. Fix these rows:\n" + "\n".join(lines))
        c = importer.counts
        self.stdout.write(f"{options['flag']}: {len(result.rows)} rows; flagged {c['flagged']}, added {c['added']}, "
                          f"unchanged {c['unchanged']}, cleared {c['cleared']}")
