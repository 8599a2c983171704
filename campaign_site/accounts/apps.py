from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "campaign_site.accounts"
    label = "accounts"
    verbose_name = _("Organisations and people")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from campaign_site.generic.navigation import NavItem, register

        from . import demo, home  # noqa: F401  (registers the demo builder and the home widget)
        from .permissions import AUDIT_READER_ROLES, BUREAU_ROLES, STAFF_MANAGER_ROLES
        from .security import on_logged_in, on_login_failed

        user_login_failed.connect(on_login_failed, dispatch_uid="audit_login_failed")
        user_logged_in.connect(on_logged_in, dispatch_uid="audit_logged_in")
        from axes.signals import user_locked_out

        from .security import on_locked_out

        user_locked_out.connect(on_locked_out, dispatch_uid="audit_locked_out")

        register(
            NavItem(_("Schools"), "accounts:organisation_list", icon="building", order=80,
                    roles=frozenset(BUREAU_ROLES)),
            NavItem(_("Staff"), "accounts:person_list", icon="people", order=82,
                    roles=frozenset(STAFF_MANAGER_ROLES | BUREAU_ROLES)),
            NavItem(_("Users"), "accounts:user_list", icon="person-badge", order=84,
                    roles=frozenset(BUREAU_ROLES)),
            NavItem(_("Security audit log"), "accounts:audit_log", icon="shield-lock", order=86,
                    roles=frozenset(AUDIT_READER_ROLES)),
        )
