from django.core.management.base import BaseCommand

from campaign_site.campaigns.templates_loader import templates_load_all


class Command(BaseCommand):
    help = "Load or update the shipped campaign templates (seed_templates/*.json). Safe to run again."

    def handle(self, *args, **options):
        for campaign, created in templates_load_all():
            items = sum(area.items.count() for area in campaign.focus_areas.all())
            verb = "created" if created else "up to date"
            self.stdout.write(f"campaign template {campaign.slug}: {verb} ({items} check items)")
