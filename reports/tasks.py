"""Celery tasks of the monthly reports: thin, idempotent wrappers around services."""
from __future__ import annotations

import datetime

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="reports.tasks.send_report_reminders")
def send_report_reminders(today: str | None = None) -> int:
    """Reports due within 3 days, overdue or returned, and (on Mondays) last week's missing bullying
    screening; each notice once a day."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return services.send_report_reminders(today=day) + services.send_screening_reminders(today=day)
