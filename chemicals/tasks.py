"""Celery tasks of the chemicals app: thin, idempotent wrappers around services."""
from __future__ import annotations

import datetime

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="chemicals.tasks.check_requisition_leftovers")
def check_requisition_leftovers() -> dict:
    """Requisitions whose leftovers fall due: remind once, then mark overdue once (hourly)."""
    return services.requisition_leftover_check()


@shared_task(name="chemicals.tasks.check_stock_counts")
def check_stock_counts(today: str | None = None) -> dict:
    """Cabinets whose stock count falls due: a reminder, then the overdue notice and hazard (daily)."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return services.stock_count_check(today=day)
@shared_task(name="chemicals.tasks.check_expiry_and_disposal")
def check_expiry_and_disposal() -> dict:
    """Daily: expired controlled chemicals open a hazard once; containers expiring within 30 days and
    contractor licences expiring within 60 days are reminded once each."""
    from . import disposal

    return disposal.disposal_daily_check()
