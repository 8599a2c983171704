from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from campaign_site.generic.periodic import ensure_periodic_tasks


class Command(BaseCommand):
    help = "Migrate, load the campaign templates, the periodic tasks and (with --demo) the demo district."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="also build the demo district")

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_campaign_templates")
        created = ensure_periodic_tasks()
        self.stdout.write(f"periodic tasks: {created} created")
        if options["demo"] and settings.PRODUCTION:
            raise CommandError("The demo district (with its printed password) cannot be built in the production profile.")
        if options["demo"]:
            call_command("seed_demo")
