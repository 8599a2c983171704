"""Outside channels for notices. Add a channel (e.g. a group-chat webhook) by subclassing
`Channel` and listing it in settings.NOTIFICATION_CHANNELS."""
from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string


class Channel:
    name = ""

    def can_deliver(self, notice) -> bool:
        raise NotImplementedError

    def send(self, notice) -> None:
        raise NotImplementedError


class EmailChannel(Channel):
    name = "email"

    def can_deliver(self, notice) -> bool:
        return bool(notice.recipient.email)

    def send(self, notice) -> None:
        link = f"\n\n{settings.SITE_URL}{notice.url}" if notice.url else ""
        send_mail(
            subject=notice.title,
            message=f"{notice.body}{link}",
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[notice.recipient.email],
        )


def channels() -> list[Channel]:
    paths = getattr(settings, "NOTIFICATION_CHANNELS", ["campaign_site.notifications.channels.EmailChannel"])
    return [import_string(p)() for p in paths]


def channel_by_name(name: str) -> Channel | None:
    return next((c for c in channels() if c.name == name), None)
