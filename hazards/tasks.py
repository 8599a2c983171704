"""Celery tasks of the hazards app: thin, idempotent wrappers around services (names fixed in apps.py)."""
from __future__ import annotations

import datetime

from celery import shared_task
from django.utils import timezone

from . import services
from .models import InspectionSchedule


def _date(value: str | None) -> datetime.date:
    return datetime.date.fromisoformat(value) if value else timezone.localdate()


@shared_task(name="hazards.tasks.send_deadline_reminders")
def send_deadline_reminders(today: str | None = None) -> int:
    """Due-soon, overdue and escalation notices; each sent once per recipient and day."""
    return services.hazard_send_deadline_reminders(today=_date(today))


@shared_task(name="hazards.tasks.open_scheduled_inspections")
def open_scheduled_inspections(today: str | None = None) -> int:
    day = _date(today)
    opened = 0
    ids = list(InspectionSchedule.objects.filter(is_active=True, next_due__lte=day).values_list("pk", flat=True))
    for schedule_id in ids:
        if services.inspection_schedule_open_due(schedule_id=schedule_id, today=day) is not None:
            opened += 1
    return opened


@shared_task(name="hazards.tasks.check_leader_inspections")
def check_leader_inspections(today: str | None = None) -> int:
    """Leaders short of inspections in the past half month: the leader and the principal are told."""
    return services.leader_inspection_warn(today=_date(today))
