from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolbusConfig(AppConfig):
    name = "schoolbus"
    verbose_name = _("School buses")

    def ready(self):
        from campaign_site.accounts.permissions import BUREAU_ROLES, SCHOOL_ROLES
        from campaign_site.generic import periodic
        from campaign_site.generic.audit import register_action
        from campaign_site.generic.navigation import NavItem, register

        from . import demo, home  # noqa: F401  (registers the demo builder and home widgets)
        from .permissions import READ_ROLES

        register(
            NavItem(_("School buses"), "schoolbus:vehicle_list", icon="bus-front", order=50,
                    roles=frozenset(READ_ROLES)),
            NavItem(_("School bus overview"), "schoolbus:fleet_overview", icon="bar-chart", order=51,
                    roles=frozenset(BUREAU_ROLES)),
            NavItem(_("Gate duty"), "schoolbus:gate_today", icon="door-open", order=52, roles=frozenset(SCHOOL_ROLES)),
            NavItem(_("Gate duty and unlicensed vehicles"), "schoolbus:gate_list", icon="door-open", order=53,
                    roles=frozenset(BUREAU_ROLES)),
        )
        periodic.register(name="school bus expiry reminders", task="schoolbus.tasks.send_expiry_reminders",
                          crontab="10 8 * * *",
                          description="Permits, inspections, insurance, endorsements, health checks and escort "
                                      "training running out within 30 days or expired (08:10, each notice once).")
        register_action("pupil_data_viewed", _("Viewed a pupil's full guardian phone or ID number"))
