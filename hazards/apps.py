from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    name = "hazards"
    verbose_name = _("Hazards")

    def ready(self):
        from campaign_site.generic import periodic
        from campaign_site.generic.navigation import NavItem, register

        from . import demo, home  # noqa: F401  (registers the demo builder and home widgets)
        from .permissions import can_see_accountability, can_see_tips

        register(
            NavItem(_("Inspections"), "hazards:inspection_list", icon="clipboard-check", order=20),
            NavItem(_("Hazard register"), "hazards:hazard_list", icon="exclamation-triangle", order=30),
            NavItem(_("Accountability"), "hazards:accountability_list", icon="journal-text", order=40,
                    permission=can_see_accountability),
            NavItem(_("Public tips"), "hazards:tip_list", icon="megaphone", order=45, permission=can_see_tips),
        )
        periodic.register(name="hazard deadline reminders", task="hazards.tasks.send_deadline_reminders",
                          crontab="0 8 * * *", description="Due-soon, overdue and escalation notices (08:00).")
        periodic.register(name="recurring inspections", task="hazards.tasks.open_scheduled_inspections",
                          crontab="0 6 * * *", description="Opens the inspections that recurring schedules call for.")
        periodic.register(name="leader inspection check", task="hazards.tasks.check_leader_inspections",
                          crontab="30 8 1,16 * *",
                          description="Warns leaders short of inspections in the past half month.")
