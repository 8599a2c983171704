"""Outside channels for notices. Add a channel (e.g. a group-chat webhook) by subclassing
`Channel` and listing it in settings.NOTIFICATION_CHANNELS."""
from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string


class Channel:
    name = ""

    def can_deliver(self, notice) -> bool:
        raise NotImplementedError

    def send(self, notice, *, delivery) -> None:
        """Send `notice`; `delivery` is its Delivery row (its id makes the send idempotent)."""
        raise NotImplementedError


def delivery_message_id(delivery) -> str:
    """The e-mail's Message-ID, derived from the Delivery row: a send repeated after a worker died
    between the mail server's acceptance and the database commit carries the same Message-ID,
    so mail servers and clients that de-duplicate by it show the message once."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<delivery-{delivery.pk}.notice-{delivery.notice_id}@{host}>"


def send_mail(*, subject: str, message: str, from_email: str, recipient_list: list[str],
              headers: dict | None = None) -> int:
    return EmailMessage(subject=subject, body=message, from_email=from_email, to=recipient_list,
                        headers=headers or {}).send()


class EmailChannel(Channel):
    name = "email"

    def can_deliver(self, notice) -> bool:
        return bool(notice.recipient.email)

    def send(self, notice, *, delivery) -> None:
        link = f"\n\n{settings.SITE_URL}{notice.url}" if notice.url else ""
        send_mail(
            subject=notice.title,
            message=f"{notice.body}{link}",
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[notice.recipient.email],
            headers={"Message-ID": delivery_message_id(delivery)},
        )


def channels() -> list[Channel]:
    paths = getattr(settings, "NOTIFICATION_CHANNELS", ["campaign_site.notifications.channels.EmailChannel"])
    return [import_string(p)() for p in paths]


def channel_by_name(name: str) -> Channel | None:
    return next((c for c in channels() if c.name == name), None)
