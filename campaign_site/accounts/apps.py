from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "campaign_site.accounts"
    label = "accounts"
    verbose_name = _("Organisations and people")

    def ready(self):
        from campaign_site.generic.navigation import NavItem, register

        from . import demo, home  # noqa: F401  (registers the demo builder and the home widget)
        from .models import BUREAU_ROLES, STAFF_MANAGER_ROLES

        register(
            NavItem(_("Schools"), "accounts:organisation_list", icon="building", order=80,
                    roles=frozenset(BUREAU_ROLES)),
            NavItem(_("Staff"), "accounts:person_list", icon="people", order=82,
                    roles=frozenset(STAFF_MANAGER_ROLES | BUREAU_ROLES)),
            NavItem(_("Users"), "accounts:user_list", icon="person-badge", order=84,
                    roles=frozenset(BUREAU_ROLES)),
        )
