"""Reads of the reports app shared by its views, tasks, the workbook and the circular."""
from __future__ import annotations

import calendar
import datetime

from django.conf import settings
from django.db.models import Count, FilteredRelation, Q, QuerySet
from django.utils import timezone

from campaign_site.accounts.models import Organisation
from campaign_site.campaigns.models import Campaign, DeadlineKind
from campaign_site.campaigns.selectors import Timeliness, timeliness

from .models import ItemKind, MonthlyReport, ReportStatus


def due_date(campaign: Campaign, month: datetime.date) -> datetime.date:
    """The day a month's report is due: the campaign's monthly-report deadline (day of the month),
    else `settings.REPORT_DUE_DAY`; the last day of a shorter month when the day does not exist."""
    deadline = (campaign.deadlines.filter(kind=DeadlineKind.MONTHLY_REPORT, day_of_month__isnull=False)
                .order_by("day_of_month").first())
    day = deadline.day_of_month if deadline else settings.REPORT_DUE_DAY
    return month.replace(day=min(day, calendar.monthrange(month.year, month.month)[1]))


def campaign_months(campaign: Campaign, *, until: datetime.date | None = None) -> list[datetime.date]:
    """The first days of the campaign's months, up to `until` (default: today)."""
    until = min(until or timezone.localdate(), campaign.end)
    month, months = campaign.start.replace(day=1), []
    while month <= until:
        months.append(month)
        month = datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def report_timeliness(report: MonthlyReport | None, due: datetime.date, *, now=None) -> str:
    return timeliness(report.first_submitted_at if report else None, due, now=now)


def item_counts(report: MonthlyReport) -> dict:
    rows = report.items.order_by().values("kind").annotate(n=Count("pk"))
    counts = {r["kind"]: r["n"] for r in rows}
    return {"work_info": counts.get(ItemKind.WORK_INFO, 0), "typical_case": counts.get(ItemKind.TYPICAL_CASE, 0)}


def schools_of(campaign: Campaign, user=None) -> QuerySet:
    """The schools a campaign applies to (below its issuing bureau), limited to what `user` sees."""
    qs = Organisation.objects.schools().filter(path__startswith=campaign.organisation.path, is_active=True)
    return qs.visible_to(user) if user is not None else qs


def overview(campaign: Campaign, month: datetime.date, user, *, now=None) -> QuerySet:
    """Every school of the campaign that `user` sees, with its report of `month` (one LEFT JOIN)
    and whether it came on time, late, not at all, or is not yet due: `timeliness` annotated."""
    from django.db.models import Case, CharField, F, Value, When

    from campaign_site.campaigns.selectors import deadline_boundary

    now = now or timezone.now()
    boundary = deadline_boundary(due_date(campaign, month))
    qs = (schools_of(campaign, user)
          .annotate(rep=FilteredRelation("monthly_report", condition=Q(monthly_report__campaign=campaign,
                                                                       monthly_report__month=month)))
          .annotate(report_id=F("rep__pk"), report_status=F("rep__status"), submitted_at=F("rep__first_submitted_at"))
          .annotate(timeliness=Case(
              When(rep__first_submitted_at__lt=boundary, then=Value(Timeliness.ON_TIME)),
              When(rep__first_submitted_at__isnull=False, then=Value(Timeliness.LATE)),
              default=Value(Timeliness.MISSING if now >= boundary else Timeliness.NOT_DUE),
              output_field=CharField())))
    return qs.order_by("path")


def overview_counts(campaign: Campaign, month: datetime.date, user, *, now=None) -> dict:
    """{on_time, late, missing, not_due, returned, awaiting_review, total} in one query."""
    qs = overview(campaign, month, user, now=now)
    row = qs.aggregate(
        total=Count("pk"),
        **{t: Count("pk", filter=Q(timeliness=t)) for t, _label in Timeliness.choices},
        returned=Count("pk", filter=Q(report_status=ReportStatus.RETURNED)),
        awaiting_review=Count("pk", filter=Q(report_status=ReportStatus.SUBMITTED)),
    )
    return row


def campaigns_for(user) -> QuerySet:
    """Live, started campaigns the user sees (the reports' campaigns), newest first."""
    from campaign_site.campaigns.models import CampaignStatus

    return (Campaign.objects.visible_to(user).live()
            .filter(status__in=[CampaignStatus.ACTIVE, CampaignStatus.CLOSED])
            .select_related("organisation").order_by("-start"))
