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


@shared_task(name="reports.tasks.draft_monthly_circulars")
def draft_monthly_circulars(month: str | None = None) -> int:
    """Monthly: the circular of the month just ended for each live campaign's bureau (a draft for
    its leader to approve; an approved or published circular is left alone)."""
    from .circular import draft_monthly_circulars as draft

    if month:
        first = datetime.date.fromisoformat(month).replace(day=1)
    else:
        first = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    return draft(month=first)


@shared_task(name="reports.tasks.draft_circular")
def draft_circular(bureau_id: int, campaign_id: int, month: str, actor_id: int | None = None) -> int | None:
    """On demand (the bureau's "Draft the circular" button): draft or replace one month's circular."""
    from django.contrib.auth import get_user_model

    from campaign_site.accounts.models import Organisation
    from campaign_site.campaigns.models import Campaign
    from campaign_site.generic.errors import DomainError

    from .circular import draft_circular as draft

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    try:
        circular = draft(bureau=Organisation.objects.get(pk=bureau_id), campaign=Campaign.objects.get(pk=campaign_id),
                         month=datetime.date.fromisoformat(month), actor=actor)
    except DomainError:
        return None
    return circular.pk


@shared_task(name="reports.tasks.build_workbook_job")
def build_workbook_job(job_id: str) -> str:
    """The bureau's monthly statistics workbook, built in the background (workbook.workbook_job_run)."""
    from .workbook import workbook_job_run

    return workbook_job_run(job_id)


@shared_task(name="reports.tasks.purge_workbooks")
def purge_workbooks() -> int:
    """Nightly: remove the files of workbooks older than WORKBOOK_KEEP_DAYS (workbook.workbook_files_purge)."""
    from .workbook import workbook_files_purge

    return workbook_files_purge()


@shared_task(name="reports.tasks.notify_circular")
def notify_circular(circular_id: int) -> int:
    """After publication: every school below the bureau is told (each person once)."""
    from .circular import notify_circular as notify
    from .models import Circular

    circular = Circular.objects.select_related("organisation").filter(pk=circular_id).first()
    return notify(circular) if circular is not None else 0
