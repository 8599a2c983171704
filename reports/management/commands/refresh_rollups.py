from django.core.management.base import BaseCommand

from reports.rollups import rollups_refresh


class Command(BaseCommand):
    help = "Recompute today's per-school dashboard figures (the periodic task does it every 10 minutes)."

    def handle(self, *args, **options):
        count = rollups_refresh()
        self.stdout.write(f"{count} schools' figures recomputed.")
