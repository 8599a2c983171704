from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Monthly reports")

    def ready(self):
        from campaign_site.accounts.permissions import BUREAU_ROLES, SCHOOL_ROLES
        from campaign_site.generic import periodic
        from campaign_site.generic.navigation import NavItem, register

        from . import demo, demo_circular, home  # noqa: F401  (register the demo builders, home widgets)

        register(
            NavItem(_("Monthly reports"), "reports:report_list", icon="journal-text", order=60,
                    roles=frozenset(SCHOOL_ROLES)),
            NavItem(_("Monthly reports"), "reports:overview", icon="journal-text", order=60,
                    roles=frozenset(BUREAU_ROLES)),
            NavItem(_("Summaries"), "reports:summary_list", icon="file-earmark-text", order=62,
                    roles=frozenset(SCHOOL_ROLES | BUREAU_ROLES)),
            NavItem(_("Bullying screenings"), "reports:screening_list", icon="people", order=61,
                    roles=frozenset(SCHOOL_ROLES | BUREAU_ROLES)),
            NavItem(_("Circulars"), "reports:circular_list", icon="megaphone", order=63,
                    roles=frozenset(SCHOOL_ROLES | BUREAU_ROLES)),
        )
        periodic.register(name="monthly report reminders", task="reports.tasks.send_report_reminders",
                          crontab="20 8 * * *",
                          description="Monthly reports due within 3 days, late or returned (08:20, each notice once).")
        periodic.register(name="monthly circulars", task="reports.tasks.draft_monthly_circulars",
                          crontab="30 6 1 * *",
                          description="Drafts each campaign bureau's circular of the month just ended "
                                      "(06:30 on the 1st; an approved or published circular is kept).")
        periodic.register(name="purge statistics workbooks", task="reports.tasks.purge_workbooks",
                          crontab="50 3 * * *",
                          description="Removes the files of statistics workbooks built more than WORKBOOK_KEEP_DAYS "
                                      "(7) days ago; their pages offer to build them again (03:50).")
        # Dashboards: the menu entry (school staff are taken to their school's), the rollups'
        # periodic task (registered by importing the module) and the demo district's first rollups.
        from . import demo_dashboards, rollups  # noqa: F401
        from .permissions import can_view_school_dashboard

        register(NavItem(_("Dashboard"), "reports:dashboard", icon="speedometer2", order=5,
                         permission=can_view_school_dashboard))
        periodic.register(name="dashboard rollups", task="reports.refresh_rollups", every_seconds=600,
                          description="Recomputes today's per-school dashboard figures (every 10 minutes).")
