from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "campaign_site.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from campaign_site.generic import notices
        from campaign_site.generic.navigation import NavItem, register

        from .services import notify

        register(NavItem(_("Notices"), "notifications:list", icon="bell", order=900))
        notices.register_sender(notify)
