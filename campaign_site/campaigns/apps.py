from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaign_site.campaigns"
    label = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self):
        from campaign_site.generic.navigation import NavItem, register

        from . import demo, home  # noqa: F401  (registers the demo builder and the home widgets)

        register(
            NavItem(_("Campaigns"), "campaigns:list", icon="flag", order=10),
            NavItem(_("Trainings & drills"), "campaigns:activity_list", icon="people", order=50),
        )
