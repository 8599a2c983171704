"""The curated set of reagents a Chinese middle-school lab stocks, with their national flags
(chemicals/data/curated_reagents.json names its sources). Existing entries (same CAS) are kept."""
import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "curated_reagents.json"


def load(apps, schema_editor):
    Chemical = apps.get_model("chemicals", "Chemical")
    with DATA.open(encoding="utf-8") as fh:
        reagents = json.load(fh)["reagents"]
    existing = set(Chemical.objects.values_list("cas", flat=True))
    Chemical.objects.bulk_create([Chemical(**r) for r in reagents if r["cas"] not in existing])


class Migration(migrations.Migration):
    dependencies = [("chemicals", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
