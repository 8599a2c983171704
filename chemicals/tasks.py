"""Celery tasks of the chemicals app: thin, idempotent wrappers around services."""
from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="chemicals.tasks.check_requisition_leftovers")
def check_requisition_leftovers() -> dict:
    """Requisitions whose leftovers fall due: remind once, then mark overdue once (hourly)."""
    return services.requisition_leftover_check()
