"""Celery tasks of the school bus records: thin, idempotent wrappers around services."""
from __future__ import annotations

import datetime

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="schoolbus.tasks.send_expiry_reminders")
def send_expiry_reminders(today: str | None = None) -> int:
    """Documents running out within a month, or run out; each notice sent once."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return services.send_expiry_reminders(today=day)
