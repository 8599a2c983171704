"""The one service that notifies people. Domain apps call `notify(...)`."""
from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from campaign_site.accounts.models import User

from .channels import channels
from .models import Delivery, Notice


def users_with_role(*, organisation, roles: Iterable[str]) -> list[User]:
    """Active users holding one of `roles` at exactly `organisation`."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation=organisation,
            memberships__role__in=list(roles),
            memberships__is_active=True,
        ).distinct()
    )


def notify(
    *,
    key: str,
    title: str,
    body: str = "",
    url: str = "",
    level: str = "info",
    users: Iterable[User] = (),
    organisation=None,
    roles: Iterable[str] = (),
) -> list[Notice]:
    """Send an in-app notice (and every outside channel) to `users` plus the holders of `roles`
    at `organisation`. A recipient who already has a notice with `key` gets nothing new: the
    unique constraint decides, so concurrent runs of the same reminder send it once.
    Returns the notices created now.
    """
    recipients = {u.pk: u for u in users if u is not None and u.is_active}
    if roles:
        recipients.update({u.pk: u for u in users_with_role(organisation=organisation, roles=roles)})
    created: list[Notice] = []
    for user in recipients.values():
        try:
            with transaction.atomic():
                notice = Notice.objects.create(
                    recipient=user, organisation=organisation, key=key[:200], title=str(title)[:200],
                    body=str(body), url=url, level=level,
                )
        except IntegrityError:
            continue  # already notified for this key
        created.append(notice)
        for channel in channels():
            if channel.can_deliver(notice):
                delivery = Delivery.objects.create(notice=notice, channel=channel.name)
                transaction.on_commit(_queue_delivery(delivery.pk))
    return created


def _queue_delivery(delivery_id: int):
    def queue():
        from .tasks import deliver_notice

        deliver_notice.delay(delivery_id)

    return queue


def delivery_send(*, delivery_id: int) -> str:
    """Send one delivery once. Locks the row so that two workers never both send it."""
    from .channels import channel_by_name

    with transaction.atomic():
        delivery = Delivery.objects.select_for_update(of=("self",)).select_related("notice__recipient").get(pk=delivery_id)
        if delivery.status != "pending":
            return delivery.status
        channel = channel_by_name(delivery.channel)
        delivery.attempts += 1
        if channel is None:
            delivery.status = "skipped"
            delivery.error = "channel not configured"
        else:
            channel.send(delivery.notice, delivery=delivery)  # an exception rolls back; the task retries
            delivery.status = "sent"
            delivery.sent_at = timezone.now()
        delivery.save(update_fields=["status", "attempts", "sent_at", "error"])
        return delivery.status


def notice_mark_read(*, user: User, notice_ids: Iterable[int] | None = None) -> int:
    qs = Notice.objects.filter(recipient=user, read_at__isnull=True)
    if notice_ids is not None:
        qs = qs.filter(pk__in=list(notice_ids))
    return qs.update(read_at=timezone.now())
