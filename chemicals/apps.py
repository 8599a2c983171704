from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChemicalsConfig(AppConfig):
    name = "chemicals"
    verbose_name = _("Hazardous chemicals")

    def ready(self):
        from campaign_site.accounts.models import Role
        from campaign_site.accounts.permissions import BUREAU_ROLES
        from campaign_site.generic.navigation import NavItem, register

        lab_roles = frozenset({Role.LAB_CUSTODIAN, Role.LAB_HEAD, Role.PRINCIPAL, Role.OTHER_LEADER,
                               Role.SAFETY_OFFICER, Role.TEACHER}) | BUREAU_ROLES
        register(
            NavItem(_("Chemicals"), "chemicals:container_list", icon="droplet-half", order=50, roles=lab_roles),
        )
        register(  # the bureau's view of its schools' chemicals
            NavItem(_("Schools' chemicals"), "chemicals:bureau", icon="clipboard2-data", order=51, roles=BUREAU_ROLES),
        )

        from campaign_site.generic import twoperson

        from . import (  # noqa: F401  (demo: registers the demo builders)
            demo,
            demo_counts,
            demo_disposal,
            demo_requisitions,
            permissions,
            services,
        )

        # 双人收发、双人记账: every movement of a controlled chemical waits for a second trained custodian.
        twoperson.register(
            services.MOVEMENT_KIND, handler=services.movement_confirmed, roles=permissions.CUSTODIAN_ROLES,
            label=_("Movement of a controlled chemical"), eligible=services.confirmer_eligible,
            on_close=services.movement_withdrawn,
        )

        from campaign_site.generic import periodic

        from . import home  # noqa: F401  (registers the overdue-requisitions widget)

        periodic.register(name="chemical requisition leftovers", task="chemicals.tasks.check_requisition_leftovers",
                          every_seconds=3600,
                          description="Requisitions whose leftovers fall due: a reminder, then the overdue flag "
                                      "(CHEMICAL_LEFTOVER_HOURS).")
        periodic.register(name="chemical stock counts", task="chemicals.tasks.check_stock_counts",
                          crontab="40 7 * * *",
                          description="Cabinets whose half-monthly stock count is due (a reminder) or overdue (the "
                                      "leaders told, a hazard opened once); 07:40, each notice once a day "
                                      "(CHEMICAL_COUNT_INTERVAL_DAYS).")
        periodic.register(name="chemical expiry and disposal", task="chemicals.tasks.check_expiry_and_disposal",
                          crontab="30 7 * * *",
                          description="Expired controlled chemicals open a hazard; reminders of containers expiring "
                                      "within 30 days and of contractor licences expiring within 60 days.")
