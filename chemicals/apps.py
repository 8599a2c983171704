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
