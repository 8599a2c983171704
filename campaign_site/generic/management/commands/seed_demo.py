from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from campaign_site.generic import demo


class Command(BaseCommand):
    help = "Build (or complete) the demo district. Safe to run again: nothing is duplicated."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("The demo district (with its printed password) cannot be built in the production profile.")
        for _order, name, build in demo.builders():
            with transaction.atomic():
                build(self.stdout)
            self.stdout.write(f"demo: {name} ready")
