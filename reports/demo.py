"""Demo data of the monthly reports (registered with campaign_site.generic.demo, order 70).

For the district's first campaign: the months before this one reported by most schools (on time,
one late, one returned by the bureau with its reason, two missing), each with three pieces of work
information and a typical case, one case chosen for the circular; this month's report of demo
school 1 left as a draft with two items for `officer1` to finish. Schools with demo logins go
through the services; the others' reports are written directly with the figures the statistics
compute (they have nobody to log in as). Idempotent: skipped once the campaign has reports.
"""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from campaign_site.accounts.models import Membership, Organisation, OrgKind, Role
from campaign_site.campaigns.models import Campaign, CampaignStatus
from campaign_site.generic import demo

from . import selectors, services, statistics
from .models import ItemKind, MonthlyReport, ReportItem, ReportStatus

WORK_INFO = [
    ("开展校园消防安全大排查", "本月组织安全员对教学楼、宿舍楼、食堂进行消防设施逐项检查，更换过期灭火器12具，疏通安全出口2处。"),
    ("校领导带队开展上下学时段巡查", "校长、分管副校长每周带队在上下学时段巡查校门口及周边交通秩序，联合交警设置护学岗。"),
    ("实验室危化品专项清查", "对化学实验室危化品逐瓶清点，核对总账与明细账，落实双人双锁管理，清理过期试剂3瓶。"),
]
CASE = ("食堂燃气管线老化隐患整改", "自查发现食堂燃气管线接口老化、存在漏气风险，学校当日停用并设置警示，"
        "三日内完成更换，经燃气公司检测合格后恢复使用，已在全校安全例会上通报。")


def _user(org, role):
    m = (Membership.objects.filter(organisation=org, role=role, is_active=True, user__is_active=True)
         .select_related("user").order_by("pk").first())
    return m.user if m else None


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)), timezone.get_current_timezone())


def _fill(report, actor, n_info=3, case=True):
    for title, body in WORK_INFO[:n_info]:
        ReportItem.objects.create(organisation=report.organisation, report=report, kind=ItemKind.WORK_INFO,
                                  title=title, body=body, created_by=actor)
    if case:
        ReportItem.objects.create(organisation=report.organisation, report=report, kind=ItemKind.TYPICAL_CASE,
                                  title=CASE[0], body=CASE[1], created_by=actor)


def _submitted(campaign, school, month, when, *, bureau_user, status=ReportStatus.ACCEPTED, note=""):
    """A past month's report, submitted at `when` (through the services where the school has logins)."""
    officer, principal = _user(school, Role.SAFETY_OFFICER), _user(school, Role.PRINCIPAL)
    report = MonthlyReport.objects.create(organisation=school, campaign=campaign, month=month,
                                          due_date=selectors.due_date(campaign, month), created_by=officer,
                                          progress="本月按攻坚行动方案开展隐患排查整治，重点检查消防、食堂、实验室和校车。")
    _fill(report, officer)
    if officer and principal:
        services.report_send_for_approval(report=report, actor=officer)
        services.report_approve(report=report, actor=principal)
        if status == ReportStatus.ACCEPTED:
            services.report_accept(report=report, actor=bureau_user)
        elif status == ReportStatus.RETURNED:
            services.report_return(report=report, actor=bureau_user, reason=note)
    else:
        figures = statistics.compute(Organisation.objects.filter(pk=school.pk), month, campaign)[school.pk]
        MonthlyReport.objects.filter(pk=report.pk).update(status=status, figures=figures, review_note=note)
    MonthlyReport.objects.filter(pk=report.pk).update(first_submitted_at=when, submitted_at=when, figures_at=when)
    return report


@demo.register(70, "reports")
def build(stdout=None):
    from campaign_site.accounts.demo import DISTRICT_CODE

    district = Organisation.objects.filter(code=DISTRICT_CODE, kind=OrgKind.DISTRICT_BUREAU).first()
    campaign = (selectors.asking_monthly_reports(
        Campaign.objects.filter(organisation=district, status=CampaignStatus.ACTIVE, is_template=False))
        .order_by("start").first()) if district else None
    if campaign is None:
        if stdout is not None:
            stdout.write("reports: no campaign in progress at the demo district; skipped")
        return
    if MonthlyReport.objects.filter(campaign=campaign).exists():
        if stdout is not None:
            stdout.write("reports: demo reports already there; skipped")
        return
    bureau_user = _user(district, Role.BUREAU_SAFETY)
    schools = list(Organisation.objects.schools().below(district).filter(is_active=True).order_by("code"))
    today = timezone.localdate()
    months = selectors.campaign_months(campaign)
    with transaction.atomic():
        for month in months[:-1]:
            due = selectors.due_date(campaign, month)
            for i, school in enumerate(schools):
                if i >= len(schools) - 2:
                    continue  # missing
                late = i == len(schools) - 3
                when = _at(due + dt.timedelta(days=2) if late else due - dt.timedelta(days=1 + i % 5), 10 + i % 6)
                returned = i == 1 and month == months[-2]
                report = _submitted(
                    campaign, school, month, when, bureau_user=bureau_user,
                    status=ReportStatus.RETURNED if returned else ReportStatus.ACCEPTED,
                    note="典型案例只写了结果，请补充发现隐患后的整改过程和责任落实情况。" if returned else "")
                if i == 0:
                    case = report.items.get(kind=ItemKind.TYPICAL_CASE)
                    services.item_select_for_circular(item=case, actor=bureau_user, selected=True)
        if schools and months and months[-1] <= today:
            officer = _user(schools[0], Role.SAFETY_OFFICER)
            if officer is not None:
                report = services.report_open(school=schools[0], campaign=campaign, month=months[-1], actor=officer)
                _fill(report, officer, n_info=2, case=False)
    if stdout is not None:
        qs = MonthlyReport.objects.filter(campaign=campaign)
        stdout.write(f"reports: {qs.count()} monthly reports ({qs.filter(status=ReportStatus.RETURNED).count()} "
                     f"returned) over {len(months)} months")
