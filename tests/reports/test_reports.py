"""The monthly report: statistics from the records, the 3 + 1 rule, frozen figures, the workflow,
on time / late / missing, and reminders."""
import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from campaign_site.accounts.models import Role
from campaign_site.campaigns import services as campaign_services
from campaign_site.campaigns.models import ActivityKind
from campaign_site.generic.errors import DomainError
from campaign_site.notifications.models import Notice
from hazards.models import Hazard, HazardStatus, InspectionKind
from reports import selectors, services, statistics
from reports.models import ItemKind, MonthlyReport, ReportStatus
from tests import factories as f
from tests.hazards import factories as hf

from . import factories as rf

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
APRIL_20 = datetime.datetime(2026, 4, 20, 10, 0, tzinfo=SH)


@pytest.fixture
def at_april_20():
    with time_machine.travel(APRIL_20, tick=False):
        yield


def _close(hazard, *, when, funds):
    Hazard.objects.filter(pk=hazard.pk).update(status=HazardStatus.CLOSED, closed_at=when, funds=funds)


@pytest.mark.django_db
def test_statistics_are_counted_from_the_school_records(at_april_20, school_a, school_b, officer_a, principal_a,
                                                        leader_a):
    """Hand-computed: April 2026 at 实验小学 (school B's records must not count)."""
    d = datetime.date
    hf.inspection(school_a, actor=officer_a, kind=InspectionKind.SELF, planned_for=d(2026, 4, 3))
    hf.inspection(school_a, actor=officer_a, kind=InspectionKind.SELF, planned_for=d(2026, 3, 30))  # March
    hf.inspection(school_a, actor=principal_a, kind=InspectionKind.LEADER, planned_for=d(2026, 4, 8))
    hf.inspection(school_a, actor=leader_a, kind=InspectionKind.LEADER, planned_for=d(2026, 4, 9))
    hf.inspection(school_b, actor=f.member(school_b, Role.SAFETY_OFFICER), planned_for=d(2026, 4, 3))
    g1 = hf.hazard(school_a, found_on=d(2026, 4, 2), deadline=d(2026, 4, 10))
    hf.hazard(school_a, found_on=d(2026, 4, 5), deadline=d(2026, 4, 30))
    hf.major_hazard(school_a, found_on=d(2026, 4, 6), deadline=d(2026, 5, 30))
    march = hf.hazard(school_a, found_on=d(2026, 3, 10), deadline=d(2026, 3, 20))  # open, overdue
    hf.hazard(school_b, found_on=d(2026, 4, 2))
    _close(g1, when=datetime.datetime(2026, 4, 9, 15, tzinfo=SH), funds=Decimal("1200.50"))
    for kind, people in ((ActivityKind.TRAINING, 40), (ActivityKind.TRAINING, 12), (ActivityKind.DRILL, 300)):
        campaign_services.activity_record(organisation=school_a, actor=officer_a, kind=kind, date=d(2026, 4, 7),
                                          topic="消防", participants=people)
    hf.accountability(school_a, decided_on=d(2026, 4, 12))

    rep = rf.report(school_a, items=False)
    figures = statistics.compute(type(school_a).objects.filter(pk=school_a.pk), rep.month, rep.campaign)[school_a.pk]

    assert figures["inspections_self"] == 1
    assert figures["inspections_leader"] == 2
    assert (figures["leader_principal"], figures["leader_other"]) == (1, 1)
    assert figures["leader_halves_short"] == 1  # 1st–15th ended with one other leader, not two
    assert (figures["hazards_general"], figures["hazards_major"]) == (2, 1)
    assert figures["hazards_rectified"] == 1
    assert figures["funds"] == 1200.5
    assert figures["hazards_open"] == 3
    assert figures["hazards_overdue"] == 1  # the March one; the others are still within their deadline
    assert figures["rectification_rate"] == 25.0  # 1 closed of 4 found since the campaign began (1 March)
    assert (figures["trainings"], figures["training_participants"]) == (2, 52)
    assert (figures["drills"], figures["drill_participants"]) == (1, 300)
    assert figures["accountability"] == 1
    assert figures["bus_trips"] == 0
    assert march.status == HazardStatus.REGISTERED


@pytest.mark.django_db
def test_a_report_is_not_submitted_short_of_3_work_items_and_1_case(at_april_20, school_a, officer_a, principal_a):
    rep = rf.report(school_a, items=False)
    rf.add_items(rep, officer_a, info=2, cases=0)
    with pytest.raises(DomainError) as refused:
        services.report_send_for_approval(report=rep, actor=officer_a)
    assert "Add 1 more piece(s) of work information and 1 more typical case(s)" in refused.value.message
    with pytest.raises(DomainError):
        services.report_approve(report=rep, actor=principal_a)
    rf.add_items(rep, officer_a, info=1, cases=1)
    services.report_send_for_approval(report=rep, actor=officer_a)
    assert MonthlyReport.objects.get(pk=rep.pk).status == ReportStatus.AWAITING_APPROVAL


@pytest.mark.django_db
def test_figures_are_frozen_at_submission(at_april_20, school_a, officer_a, principal_a, bureau_staff, client):
    hf.hazard(school_a, found_on=datetime.date(2026, 4, 2))
    rep = rf.report(school_a)
    services.report_approve(report=rep, actor=principal_a)
    rep.refresh_from_db()
    assert rep.status == ReportStatus.SUBMITTED and rep.figures["hazards_general"] == 1
    hf.hazard(school_a, found_on=datetime.date(2026, 4, 3))  # registered after submission
    services.report_accept(report=rep, actor=bureau_staff)
    rep.refresh_from_db()
    assert rep.figures["hazards_general"] == 1
    client.force_login(bureau_staff)
    page = client.get(rep.get_absolute_url())
    assert page.status_code == 200
    cell = page.content.decode().split('data-testid="figure-hazards_general"')[1].split("</td>")[0]
    assert ">1</a>" in cell


@pytest.mark.django_db
def test_only_the_principal_approves_and_only_the_bureau_reviews(at_april_20, school_a, officer_a, principal_a,
                                                                  bureau_staff, principal_b):
    rep = rf.report(school_a)
    for actor in (officer_a, principal_b, bureau_staff):
        with pytest.raises(DomainError):
            services.report_approve(report=rep, actor=actor)
    services.report_approve(report=rep, actor=principal_a)
    for actor in (officer_a, principal_a):
        with pytest.raises(DomainError):
            services.report_accept(report=rep, actor=actor)
    with pytest.raises(DomainError):  # a reason is required
        services.report_return(report=rep, actor=bureau_staff, reason=" ")
    services.report_return(report=rep, actor=bureau_staff, reason="典型案例过于简单，请补充整改过程。")
    rep.refresh_from_db()
    assert rep.status == ReportStatus.RETURNED and rep.is_editable
    assert Notice.objects.filter(recipient=officer_a, title="Monthly report returned for revision").exists()
    first = rep.first_submitted_at
    services.report_approve(report=rep, actor=principal_a)
    rep.refresh_from_db()
    assert rep.first_submitted_at == first  # on time or late is judged by the first submission


@pytest.mark.django_db
def test_typical_cases_are_chosen_for_the_circular_by_the_bureau(at_april_20, school_a, principal_a, bureau_staff,
                                                                 officer_a):
    rep = rf.report(school_a)
    case = rep.items.get(kind=ItemKind.TYPICAL_CASE)
    with pytest.raises(DomainError):  # not submitted yet
        services.item_select_for_circular(item=case, actor=bureau_staff, selected=True)
    services.report_approve(report=rep, actor=principal_a)
    with pytest.raises(DomainError):
        services.item_select_for_circular(item=case, actor=officer_a, selected=True)
    with pytest.raises(DomainError):
        services.item_select_for_circular(item=rep.items.filter(kind=ItemKind.WORK_INFO).first(),
                                          actor=bureau_staff, selected=True)
    services.item_select_for_circular(item=case, actor=bureau_staff, selected=True)
    case.refresh_from_db()
    assert case.for_circular
    with pytest.raises(DomainError):  # items of a submitted report are fixed
        services.item_save(report=rep, actor=officer_a, kind=ItemKind.WORK_INFO, title="补充", body="补充")


@pytest.mark.django_db
@pytest.mark.parametrize(("submitted", "now", "expected"), [
    (datetime.datetime(2026, 4, 25, 23, 59, tzinfo=SH), datetime.datetime(2026, 4, 28, 9, tzinfo=SH), "on_time"),
    (datetime.datetime(2026, 4, 26, 0, 0, tzinfo=SH), datetime.datetime(2026, 4, 28, 9, tzinfo=SH), "late"),
    (None, datetime.datetime(2026, 4, 26, 0, 0, tzinfo=SH), "missing"),
    (None, datetime.datetime(2026, 4, 25, 23, 59, tzinfo=SH), "not_due"),
])
def test_on_time_late_missing_at_the_due_day_boundary(school_a, school_b, bureau_staff, submitted, now, expected):
    rep = rf.report(school_a)
    assert rep.due_date == datetime.date(2026, 4, 25)  # no monthly deadline day in the campaign: the 25th
    if submitted:
        MonthlyReport.objects.filter(pk=rep.pk).update(status=ReportStatus.SUBMITTED, figures={},
                                                       first_submitted_at=submitted, submitted_at=submitted)
    with time_machine.travel(now, tick=False):
        rows = {o.pk: o for o in selectors.overview(rep.campaign, rep.month, bureau_staff)}
        counts = selectors.overview_counts(rep.campaign, rep.month, bureau_staff)
    assert rows[school_a.pk].timeliness == expected
    assert rows[school_b.pk].timeliness == ("missing" if now.day >= 26 else "not_due")
    assert counts["total"] == 2


@pytest.mark.django_db
def test_reminders_due_soon_then_overdue_each_once_a_day(school_a, officer_a, principal_a):
    rep = rf.report(school_a, items=False)
    assert services.send_report_reminders(today=datetime.date(2026, 4, 20)) == 0  # 5 days left
    assert services.send_report_reminders(today=datetime.date(2026, 4, 22)) == 1  # 3 days: the officer
    assert services.send_report_reminders(today=datetime.date(2026, 4, 22)) == 0  # once a day
    assert services.send_report_reminders(today=datetime.date(2026, 4, 26)) == 2  # overdue: officer + principal
    assert Notice.objects.filter(recipient=principal_a, title="Monthly report overdue").count() == 1
    MonthlyReport.objects.filter(pk=rep.pk).update(status=ReportStatus.SUBMITTED, figures={},
                                                   first_submitted_at=APRIL_20)
    assert services.send_report_reminders(today=datetime.date(2026, 4, 27)) == 0


@pytest.mark.django_db
def test_the_month_in_the_browser_officer_principal_bureau(school_a, officer_a, principal_a, bureau_staff, client):
    """Officer opens this month's report, writes 3 + 1 items, sends it; the principal approves; the
    bureau sees it on time in the overview and accepts it."""
    with time_machine.travel(APRIL_20, tick=False):
        campaign = rf.campaign_for(school_a)
        client.force_login(officer_a)
        listing = client.get(reverse("reports:report_list"))
        assert 'data-testid="this-month"' in listing.content.decode()
        opened = client.post(reverse("reports:report_open"), {"campaign": campaign.pk})
        rep = MonthlyReport.objects.get(organisation=school_a, month=datetime.date(2026, 4, 1))
        assert opened.url == rep.get_absolute_url()
        for n, kind in enumerate(["work_info"] * 3 + ["typical_case"]):
            r = client.post(reverse("reports:item_create", args=[rep.pk]), {"kind": kind, "title": f"第{n}条",
                                                                            "body": "内容"})
            assert r.status_code == 302, r.content.decode()[:2000]
        r = client.post(reverse("reports:report_edit", args=[rep.pk]),
                        {"progress": "本月完成消防自查。", "chemical_counts": "2", "publicity": ""})
        assert r.status_code == 302
        r = client.post(reverse("reports:report_step", args=[rep.pk, "send_for_approval"]))
        assert r.status_code == 302
        client.force_login(principal_a)
        r = client.post(reverse("reports:report_step", args=[rep.pk, "approve"]))
        assert r.status_code == 302
        client.force_login(bureau_staff)
        overview = client.get(reverse("reports:overview"), {"campaign": campaign.pk, "month": "2026-04"})
        assert overview.status_code == 200
        assert rep.get_absolute_url() in overview.content.decode()
        r = client.post(reverse("reports:report_step", args=[rep.pk, "accept"]))
        assert r.status_code == 302
    rep.refresh_from_db()
    assert rep.status == ReportStatus.ACCEPTED
    assert rep.manual_figures == {"chemical_counts": 2}
    assert rep.figures is not None and rep.progress == "本月完成消防自查。"
    assert selectors.report_timeliness(rep, rep.due_date) == "on_time"


@pytest.mark.django_db
def test_entered_figures_must_be_whole_and_not_negative(at_april_20, school_a, officer_a, client):
    rep = rf.report(school_a, items=False)
    with pytest.raises(DomainError):
        services.report_update(report=rep, actor=officer_a, progress="", manual_figures={"publicity": "-1"})
    client.force_login(officer_a)
    r = client.post(reverse("reports:report_edit", args=[rep.pk]), {"progress": "", "publicity": "abc"})
    assert r.status_code == 200  # the form again, with the error
    rep.refresh_from_db()
    assert rep.manual_figures == {}


@pytest.mark.django_db
def test_only_a_campaign_asking_for_monthly_reports_has_them(at_april_20, district, school_a, officer_a,
                                                            bureau_staff, client):
    from tests.campaigns.factories import campaign as make_campaign

    fire_only = make_campaign(district, title="消防安全专项行动")  # no monthly-report deadline
    with pytest.raises(DomainError, match="does not ask for monthly reports"):
        services.report_open(school=school_a, campaign=fire_only, month=datetime.date(2026, 4, 1), actor=officer_a)
    asking = rf.campaign_for(school_a)
    report = services.report_open(school=school_a, campaign=asking, month=datetime.date(2026, 4, 20),
                                  actor=officer_a)
    assert report.month == datetime.date(2026, 4, 1) and report.due_date == datetime.date(2026, 4, 25)
    client.force_login(bureau_staff)
    page = client.get(reverse("reports:overview"))
    # the campaign asking for reports, and the last month already due (March; April is due on the 25th)
    assert page.context["campaign"] == asking and page.context["month"] == datetime.date(2026, 3, 1)


@pytest.mark.django_db
def test_edit_pages_open_with_the_record_filled_in(at_april_20, client_for, school_a, officer_a, principal_a):
    """The edit forms that fill themselves from the record (report, item; also accountability) open
    with its values, not empty: the generic edit view no longer hands them an empty `initial`."""
    rep = rf.report(school_a, items=False)
    services.report_update(report=rep, actor=officer_a, progress="本月完成三轮自查。", manual_figures={})
    rf.add_items(rep, officer_a, info=1, cases=0)
    item = rep.items.get()
    client = client_for(officer_a)
    form = client.get(reverse("reports:item_edit", args=[item.pk])).context["form"]
    assert (form["title"].value(), form["body"].value()) == ("工作信息1", "本月开展消防安全自查，整改隐患。")
    form = client.get(reverse("reports:report_edit", args=[rep.pk])).context["form"]
    assert form["progress"].value() == "本月完成三轮自查。"
    record = hf.accountability(school_a, decided_on=datetime.date(2026, 4, 12))
    form = client_for(principal_a).get(reverse("hazards:accountability_edit", args=[record.pk])).context["form"]
    assert form["reason"].value() == record.reason and form["decided_by"].value() == record.decided_by
