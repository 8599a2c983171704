"""Reads of the reports app shared by its views, tasks, the workbook and the circular."""
from __future__ import annotations

import calendar
import datetime

from django.conf import settings
from django.db.models import Count, FilteredRelation, Q, QuerySet
from django.utils import timezone

from campaign_site.accounts.models import Organisation
from campaign_site.campaigns.models import Campaign, Deadline, DeadlineKind
from campaign_site.campaigns.selectors import Timeliness, timeliness

from .models import ItemKind, MonthlyReport, ReportStatus, Summary, SummaryKind


def report_due_day(campaign: Campaign) -> int:
    """The day of the month reports are due: the campaign's monthly-report deadline, else
    `settings.REPORT_DUE_DAY` (one query)."""
    deadline = (campaign.deadlines.filter(kind=DeadlineKind.MONTHLY_REPORT, day_of_month__isnull=False)
                .order_by("day_of_month").first())
    return deadline.day_of_month if deadline else settings.REPORT_DUE_DAY


def due_date(campaign: Campaign, month: datetime.date, *, day: int | None = None) -> datetime.date:
    """The day a month's report is due (`report_due_day`, or `day` when the caller read it already);
    the last day of a shorter month when the day does not exist."""
    day = report_due_day(campaign) if day is None else day
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


def _timeliness(first_submitted: str, boundary, now):
    """On time / late / missing / not yet due of a LEFT-JOINed submission time, in SQL."""
    from django.db.models import Case, CharField, Value, When

    return Case(
        When(**{f"{first_submitted}__lt": boundary}, then=Value(Timeliness.ON_TIME)),
        When(**{f"{first_submitted}__isnull": False}, then=Value(Timeliness.LATE)),
        default=Value(Timeliness.MISSING if now >= boundary else Timeliness.NOT_DUE), output_field=CharField())


def overview(campaign: Campaign, month: datetime.date, user, *, now=None) -> QuerySet:
    """Every school of the campaign that `user` sees, with its report of `month` (one LEFT JOIN)
    and whether it came on time, late, not at all, or is not yet due: `timeliness` annotated."""
    from django.db.models import F

    from campaign_site.campaigns.selectors import deadline_boundary

    now = now or timezone.now()
    boundary = deadline_boundary(due_date(campaign, month))
    qs = (schools_of(campaign, user)
          .annotate(rep=FilteredRelation("monthly_report", condition=Q(monthly_report__campaign=campaign,
                                                                       monthly_report__month=month)))
          .annotate(report_id=F("rep__pk"), report_status=F("rep__status"), submitted_at=F("rep__first_submitted_at"))
          .annotate(timeliness=_timeliness("rep__first_submitted_at", boundary, now)))
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


def asking_monthly_reports(campaigns: QuerySet) -> QuerySet:
    """The campaigns whose document asks for monthly reports (a monthly-report deadline)."""
    from django.db.models import Exists, OuterRef

    return campaigns.filter(Exists(Deadline.objects.filter(campaign=OuterRef("pk"),
                                                           kind=DeadlineKind.MONTHLY_REPORT)))


def campaigns_for(user, *, monthly_reports: bool = False) -> QuerySet:
    """Live, started campaigns the user sees (the reports' campaigns), newest first; with
    `monthly_reports` only those that ask for monthly reports."""
    from campaign_site.campaigns.models import CampaignStatus

    qs = (Campaign.objects.visible_to(user).live()
          .filter(status__in=[CampaignStatus.ACTIVE, CampaignStatus.CLOSED])
          .select_related("organisation").order_by("-start"))
    return asking_monthly_reports(qs) if monthly_reports else qs


def latest_due_month(campaign: Campaign, *, today: datetime.date | None = None) -> datetime.date | None:
    """The last campaign month whose report is already due (else the first month)."""
    today = today or timezone.localdate()
    months = campaign_months(campaign, until=today)
    day = report_due_day(campaign)  # once, not once per month
    due = [m for m in months if due_date(campaign, m, day=day) < today]
    return due[-1] if due else (months[0] if months else None)


# Summaries: phase summaries on the campaign's dates, the fire-safety summary each month ---------------------


def summary_periods(deadline: Deadline, *, until: datetime.date | None = None) -> list[tuple[datetime.date,
                                                                                            datetime.date]]:
    """(period, due date) pairs a summary deadline asks for: its date once, or each campaign month
    up to `until` for a monthly one (by its day of the month)."""
    if deadline.date is not None:
        return [(deadline.date, deadline.date)]
    out = []
    for month in campaign_months(deadline.campaign, until=until):
        last = calendar.monthrange(month.year, month.month)[1]
        out.append((month, month.replace(day=min(deadline.day_of_month or last, last))))
    return out


def summary_kind(deadline: Deadline) -> str:
    return SummaryKind.FIRE if deadline.kind == DeadlineKind.FIRE_SUMMARY else SummaryKind.PHASE


def summary_deadlines(campaign: Campaign) -> QuerySet:
    return campaign.deadlines.filter(kind__in=[DeadlineKind.SUMMARY, DeadlineKind.FIRE_SUMMARY]) \
        .filter(Q(date__isnull=False) | Q(day_of_month__isnull=False))


def summaries_due(school: Organisation, *, today: datetime.date | None = None, window: int = 31) -> list[dict]:
    """The summaries `school` owes now: dated ones due within `window` days either side of today,
    this month's fire-safety summary; each with the summary already written (or None)."""
    today = today or timezone.localdate()
    out = []
    for campaign in Campaign.objects.applying_to(school).order_by("-start"):
        for deadline in summary_deadlines(campaign):
            for period, due in summary_periods(deadline, until=today):
                if abs((due - today).days) > window or (deadline.date is None and period != today.replace(day=1)):
                    continue
                done = Summary.objects.filter(organisation=school, deadline=deadline, period=period).first()
                out.append({"campaign": campaign, "deadline": deadline, "period": period, "due": due, "summary": done,
                            "timeliness": timeliness(done.first_submitted_at if done else None, due)})
    return out


def summary_overview(deadline: Deadline, period: datetime.date, user, *, now=None) -> QuerySet:
    """Every school of the deadline's campaign that `user` sees, with its summary for `period` and
    its timeliness (on time / late / missing / not yet due)."""
    from django.db.models import F

    from campaign_site.campaigns.selectors import deadline_boundary

    now = now or timezone.now()
    due = dict(summary_periods(deadline, until=period)).get(period, period)
    qs = (schools_of(deadline.campaign, user)
          .annotate(sm=FilteredRelation("summary", condition=Q(summary__deadline=deadline, summary__period=period)))
          .annotate(summary_id=F("sm__pk"), submitted_at=F("sm__first_submitted_at"))
          .annotate(timeliness=_timeliness("sm__first_submitted_at", deadline_boundary(due), now)))
    return qs.order_by("path")
