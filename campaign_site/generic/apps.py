from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GenericConfig(AppConfig):
    name = "campaign_site.generic"
    label = "generic"
    verbose_name = _("Shared records")

    def ready(self):
        from . import periodic

        periodic.register(
            name="heartbeat", task="campaign_site.generic.tasks.heartbeat", every_seconds=60,
            description="Records that beat and a worker are alive (health page).",
        )
