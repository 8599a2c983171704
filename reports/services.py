"""Writes of the reports app. Every rule is here, so pages, tasks and the admin obey the same ones."""
from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign_site.accounts.models import Organisation, Role
from campaign_site.campaigns.models import Campaign, CampaignStatus
from campaign_site.generic import notices
from campaign_site.generic.errors import DomainError
from campaign_site.generic.services import model_update

from . import permissions, selectors, statistics
from .models import (
    MIN_TYPICAL_CASES,
    MIN_WORK_INFO,
    REPORT_FLOW,
    BullyingScreening,
    ItemKind,
    MonthlyReport,
    ReportItem,
    ReportStatus,
    Summary,
)


def _locked(report: MonthlyReport) -> MonthlyReport:
    return (MonthlyReport.objects.select_for_update(of=("self",))
            .select_related("organisation", "campaign__organisation").get(pk=report.pk))


def report_open(*, school: Organisation, campaign: Campaign, month: datetime.date, actor) -> MonthlyReport:
    """This month's report of `school` (created on first use, once however many people open it)."""
    month = month.replace(day=1)
    if not permissions.can_open_report(actor, school):
        raise DomainError(_("Only the school's safety officer and leaders prepare its monthly report."))
    if campaign.status != CampaignStatus.ACTIVE or campaign.is_template:
        raise DomainError(_("Monthly reports are made only for a campaign in progress."))
    if not school.path.startswith(campaign.organisation.path):
        raise DomainError(_("This campaign does not apply to the school."))
    if not selectors.asking_monthly_reports(Campaign.objects.filter(pk=campaign.pk)).exists():
        raise DomainError(_("This campaign does not ask for monthly reports."))
    if month not in selectors.campaign_months(campaign):
        raise DomainError(_("%(month)s is not a month of the campaign so far.") % {"month": f"{month:%Y-%m}"})
    existing = MonthlyReport.objects.filter(organisation=school, campaign=campaign, month=month).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return MonthlyReport.objects.create(organisation=school, campaign=campaign, month=month,
                                                due_date=selectors.due_date(campaign, month), created_by=actor)
    except IntegrityError:
        return MonthlyReport.objects.get(organisation=school, campaign=campaign, month=month)


def clean_manual_figures(values: dict) -> dict:
    """The figures the school enters: known keys only, whole non-negative numbers (or empty)."""
    out = {}
    for figure in statistics.MANUAL:
        raw = values.get(figure.key)
        if raw in (None, ""):
            continue
        try:
            number = Decimal(str(raw))
        except (InvalidOperation, ValueError):
            raise DomainError(_("“%(figure)s” must be a number.") % {"figure": figure.label})
        if number < 0 or number != number.to_integral_value():
            raise DomainError(_("“%(figure)s” must be a whole number, 0 or more.") % {"figure": figure.label})
        out[figure.key] = int(number)
    return out


@transaction.atomic
def report_update(*, report: MonthlyReport, actor, progress: str, manual_figures: dict) -> MonthlyReport:
    report = _locked(report)
    if not permissions.can_edit_report(actor, report):
        raise DomainError(_("This report can be changed only by the school's safety officer and leaders, "
                            "while it is a draft or returned."))
    model_update(instance=report, data={"progress": progress.strip(),
                                        "manual_figures": clean_manual_figures(manual_figures)},
                 actor=actor)
    return report


@transaction.atomic
def item_save(*, report: MonthlyReport, actor, kind: str, title: str, body: str,
              item: ReportItem | None = None) -> ReportItem:
    report = _locked(report)
    if not permissions.can_edit_report(actor, report):
        raise DomainError(_("Work information and cases can be changed only while the report is a draft or returned."))
    if kind not in ItemKind.values:
        raise DomainError(_("Choose work information or a typical case."))
    if not title.strip() or not body.strip():
        raise DomainError(_("Give the item a title and its text."))
    if item is None:
        return ReportItem.objects.create(organisation=report.organisation, report=report, kind=kind,
                                         title=title.strip(), body=body.strip(), created_by=actor)
    if item.report_id != report.pk:
        raise DomainError(_("This item belongs to another report."))
    model_update(instance=item, data={"kind": kind, "title": title.strip(), "body": body.strip()}, actor=actor)
    return item


@transaction.atomic
def item_delete(*, item: ReportItem, actor) -> None:
    report = _locked(item.report)
    if not permissions.can_edit_report(actor, report):
        raise DomainError(_("Work information and cases can be removed only while the report is a draft or returned."))
    item._change_reason = _("Removed from the draft report")
    item.delete()


def _require_items(report: MonthlyReport) -> None:
    counts = selectors.item_counts(report)
    missing = []
    if counts["work_info"] < MIN_WORK_INFO:
        missing.append(_("%(n)s more piece(s) of work information") % {"n": MIN_WORK_INFO - counts["work_info"]})
    if counts["typical_case"] < MIN_TYPICAL_CASES:
        missing.append(_("%(n)s more typical case(s)") % {"n": MIN_TYPICAL_CASES - counts["typical_case"]})
    if missing:
        raise DomainError(_("A monthly report needs at least %(info)s pieces of work information and %(cases)s "
                            "typical case. Add %(missing)s, then submit again.")
                          % {"info": MIN_WORK_INFO, "cases": MIN_TYPICAL_CASES, "missing": _(" and ").join(missing)})


def _notify(report: MonthlyReport, *, key: str, title: str, body: str, level: str = "info", roles=(), org=None,
            users=()):
    notices.send(key=key, title=title, body=body, url=report.get_absolute_url(), level=level,
                 users=list(users), organisation=org or report.organisation, roles=list(roles))


@transaction.atomic
def report_send_for_approval(*, report: MonthlyReport, actor, note: str = "") -> MonthlyReport:
    report = _locked(report)
    if not permissions.can_edit_report(actor, report):
        raise DomainError(_("Only the school's safety officer and leaders send its report for approval."))
    _require_items(report)
    log = REPORT_FLOW.apply(report, "send_for_approval", actor=actor, note=note)
    _notify(report, key=f"reports:approve:{report.pk}:{log.pk}", roles=[Role.PRINCIPAL],
            title=_("Monthly report to approve"),
            body=_("The monthly report %(report)s waits for your approval.") % {"report": report})
    return report


@transaction.atomic
def report_approve(*, report: MonthlyReport, actor, note: str = "") -> MonthlyReport:
    """The principal approves: the report goes to the bureau with its figures fixed as of now."""
    report = _locked(report)
    if not permissions.can_approve_report(actor, report):
        raise DomainError(_("Only the school's principal approves its monthly report."))
    _require_items(report)
    now = timezone.now()
    schools = Organisation.objects.filter(pk=report.organisation_id)
    figures = statistics.compute(schools, report.month, report.campaign)[report.organisation_id]
    log = REPORT_FLOW.apply(report, "approve", actor=actor, note=note, fields={
        "figures": figures, "figures_at": now, "submitted_at": now, "approved_by": actor,
        "first_submitted_at": report.first_submitted_at or now,
    })
    _notify(report, key=f"reports:submitted:{report.pk}:{log.pk}", org=report.campaign.organisation,
            roles=[Role.BUREAU_SAFETY], title=_("Monthly report submitted"),
            body=_("%(report)s was submitted for review.") % {"report": report})
    return report


@transaction.atomic
def report_send_back(*, report: MonthlyReport, actor, reason: str) -> MonthlyReport:
    report = _locked(report)
    if not permissions.can_approve_report(actor, report):
        raise DomainError(_("Only the school's principal approves its monthly report."))
    log = REPORT_FLOW.apply(report, "send_back", actor=actor, note=(reason or "").strip())
    _notify(report, key=f"reports:sent-back:{report.pk}:{log.pk}", roles=[Role.SAFETY_OFFICER], level="warning",
            title=_("Monthly report sent back by the principal"), body=reason)
    return report


def _require_reviewer(report, actor):
    if not permissions.can_review_report(actor, report):
        raise DomainError(_("Only the safety staff of a bureau above the school review its monthly reports."))


@transaction.atomic
def report_accept(*, report: MonthlyReport, actor, note: str = "") -> MonthlyReport:
    report = _locked(report)
    _require_reviewer(report, actor)
    REPORT_FLOW.apply(report, "accept", actor=actor, note=note,
                      fields={"reviewed_by": actor, "reviewed_at": timezone.now(), "review_note": note})
    _notify(report, key=f"reports:accepted:{report.pk}", roles=[Role.SAFETY_OFFICER, Role.PRINCIPAL],
            level="success", title=_("Monthly report accepted"),
            body=_("The bureau accepted the monthly report %(report)s.") % {"report": report})
    return report


@transaction.atomic
def report_return(*, report: MonthlyReport, actor, reason: str) -> MonthlyReport:
    report = _locked(report)
    _require_reviewer(report, actor)
    reason = (reason or "").strip()
    log = REPORT_FLOW.apply(report, "return", actor=actor, note=reason,
                            fields={"reviewed_by": actor, "reviewed_at": timezone.now(), "review_note": reason})
    _notify(report, key=f"reports:returned:{report.pk}:{log.pk}", roles=[Role.SAFETY_OFFICER, Role.PRINCIPAL],
            level="warning", title=_("Monthly report returned for revision"),
            body=_("The bureau returned the monthly report %(report)s: %(reason)s") % {"report": report,
                                                                                        "reason": reason})
    return report


@transaction.atomic
def item_select_for_circular(*, item: ReportItem, actor, selected: bool) -> ReportItem:
    """The bureau chooses (or drops) a typical case for its circular."""
    report = _locked(item.report)
    _require_reviewer(report, actor)
    if item.kind != ItemKind.TYPICAL_CASE:
        raise DomainError(_("Only typical cases go into the circular."))
    if report.status not in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED):
        raise DomainError(_("Cases are chosen from submitted reports."))
    item = ReportItem.objects.select_for_update().get(pk=item.pk)
    model_update(instance=item, data={"for_circular": bool(selected)}, actor=actor,
                 reason=_("Chosen for the circular") if selected else _("Dropped from the circular"))
    return item


def send_report_reminders(*, today: datetime.date) -> int:
    """Once a day: this month's report due within 3 days (safety officer), a report past its due
    day and not submitted (safety officer and principal, every day until it is), a returned report
    (safety officer). Each notice once per school, month and day (the notice key). Returns how
    many notices were created."""
    month = today.replace(day=1)
    sent = 0
    campaigns = Campaign.objects.live().filter(status=CampaignStatus.ACTIVE, start__lte=today, end__gte=month)
    for campaign in selectors.asking_monthly_reports(campaigns).select_related("organisation"):
        due = selectors.due_date(campaign, month)
        days_left = (due - today).days
        if days_left <= 3:
            submitted = set(MonthlyReport.objects.filter(campaign=campaign, month=month,
                                                         first_submitted_at__isnull=False)
                            .values_list("organisation_id", flat=True))
            late = days_left < 0
            for school in selectors.schools_of(campaign).only("pk", "name", "path"):
                if school.pk in submitted:
                    continue
                if late:
                    title = _("Monthly report overdue")
                    body = _("The monthly report %(month)s for “%(campaign)s” was due on %(due)s and has not been "
                             "submitted. Late and missing reports are listed in the bureau's circular.")
                    roles = [Role.SAFETY_OFFICER, Role.PRINCIPAL]
                else:
                    title = _("Monthly report due soon")
                    body = _("The monthly report %(month)s for “%(campaign)s” is due on %(due)s.")
                    roles = [Role.SAFETY_OFFICER]
                sent += len(notices.send(
                    key=f"reports:due:{campaign.pk}:{month:%Y-%m}:{today.isoformat()}", level="warning",
                    title=title, body=body % {"month": f"{month:%Y-%m}", "campaign": campaign.label,
                                              "due": due.isoformat()},
                    url=reverse("reports:report_list"), organisation=school, roles=roles))
    for report in MonthlyReport.objects.filter(status=ReportStatus.RETURNED).select_related("organisation", "campaign"):
        sent += len(notices.send(
            key=f"reports:returned-open:{report.pk}:{today.isoformat()}", level="warning",
            title=_("Returned monthly report waiting for revision"),
            body=_("%(report)s was returned by the bureau: %(reason)s") % {"report": report,
                                                                          "reason": report.review_note},
            url=report.get_absolute_url(), organisation=report.organisation, roles=[Role.SAFETY_OFFICER]))
    return sent


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def screening_save(*, school: Organisation, actor, screened_on: datetime.date, classes_covered: int,
                   risks_found: int, findings: str = "", measures: str = "",
                   screening: BullyingScreening | None = None) -> BullyingScreening:
    """Record (or correct) the week's bullying screening: once a week per school, not in the future,
    risks found need the measures taken."""
    if not permissions.can_open_report(actor, school):
        raise DomainError(_("Only the school's safety officer and leaders record its bullying screenings."))
    if screened_on > timezone.localdate():
        raise DomainError(_("A screening is recorded after it took place: the date is in the future."))
    if risks_found and not measures.strip():
        raise DomainError(_("Say what was done about the risks found."))
    data = {"week": monday_of(screened_on), "screened_on": screened_on, "classes_covered": classes_covered,
            "risks_found": risks_found, "findings": findings.strip(), "measures": measures.strip()}
    clash = BullyingScreening.objects.filter(organisation=school, week=data["week"])
    if screening is not None:
        clash = clash.exclude(pk=screening.pk)
    if clash.exists():
        raise DomainError(_("The week of %(week)s already has its screening; open it to correct it.")
                          % {"week": data["week"].isoformat()})
    try:
        with transaction.atomic():
            if screening is None:
                return BullyingScreening.objects.create(organisation=school, created_by=actor, **data)
            model_update(instance=screening, data=data, actor=actor)
            return screening
    except IntegrityError:
        raise DomainError(_("The week of %(week)s already has its screening; open it to correct it.")
                          % {"week": data["week"].isoformat()})


def send_screening_reminders(*, today: datetime.date) -> int:
    """On Mondays: schools of a campaign in progress without a screening for the week just ended."""
    if today.weekday() != 0:
        return 0
    last_week = today - datetime.timedelta(days=7)
    sent = 0
    done = set(BullyingScreening.objects.filter(week=last_week).values_list("organisation_id", flat=True))
    seen = set()
    for campaign in Campaign.objects.live().filter(status=CampaignStatus.ACTIVE, start__lte=today, end__gte=last_week) \
            .select_related("organisation"):
        for school in selectors.schools_of(campaign).only("pk", "name", "path"):
            if school.pk in done or school.pk in seen:
                continue
            seen.add(school.pk)
            sent += len(notices.send(
                key=f"reports:screening-missed:{last_week.isoformat()}", level="warning",
                title=_("Weekly bullying screening missing"),
                body=_("No bullying screening was recorded for the week of %(week)s (screened every week, "
                       "reported every month).") % {"week": last_week.isoformat()},
                url=reverse("reports:screening_list"), organisation=school, roles=[Role.SAFETY_OFFICER]))
    return sent


def summary_submit(*, school: Organisation, deadline, period: datetime.date, actor, title: str, text: str,
                   summary: Summary | None = None) -> Summary:
    """Hand in (or correct) the school's summary for a deadline and period. A correction keeps the
    first submission time, which decides on time or late."""
    if not permissions.can_open_report(actor, school):
        raise DomainError(_("Only the school's safety officer and leaders hand in its summaries."))
    campaign = deadline.campaign
    if campaign.is_template or not school.path.startswith(campaign.organisation.path):
        raise DomainError(_("This campaign does not apply to the school."))
    if deadline not in selectors.summary_deadlines(campaign):
        raise DomainError(_("This deadline does not ask for a written summary."))
    periods = dict(selectors.summary_periods(deadline, until=timezone.localdate()))
    if period not in periods:
        raise DomainError(_("There is no summary for %(period)s under this deadline.") % {"period": period.isoformat()})
    if not title.strip() or not text.strip():
        raise DomainError(_("Give the summary a title and its text."))
    data = {"title": title.strip(), "text": text.strip()}
    if summary is not None:
        if summary.organisation_id != school.pk or summary.deadline_id != deadline.pk or summary.period != period:
            raise DomainError(_("This summary belongs to another deadline."))
        model_update(instance=summary, data=data, actor=actor)
        return summary
    try:
        with transaction.atomic():
            return Summary.objects.create(
                organisation=school, deadline=deadline, period=period, due_date=periods[period],
                kind=selectors.summary_kind(deadline), first_submitted_at=timezone.now(), submitted_by=actor, **data)
    except IntegrityError:
        raise DomainError(_("This summary was already handed in; open it to correct it."))
