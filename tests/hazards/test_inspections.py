"""Inspections: checklists from a campaign or ad hoc, failed items open hazards, unannounced visits,
recurring schedules and the leaders' own inspections."""
import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from campaign_site.generic.attachments import attachments_for
from campaign_site.generic.errors import DomainError
from campaign_site.notifications.models import Notice
from hazards import services as s
from hazards import tasks
from hazards.models import (
    HazardSource,
    Inspection,
    InspectionKind,
    InspectionSchedule,
    InspectionStatus,
    ItemResult,
)


def _photo(name="fail.jpg"):
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buf, format="JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def test_checklist_from_focus_area(school_a, officer_a, focus_area, check_item, check_item_2):
    insp = s.inspection_create(organisation=school_a, actor=officer_a, kind=InspectionKind.SELF, title="消防自查",
                               focus_areas=[focus_area], extra_items=["食堂燃气管线"])
    texts = list(insp.items.values_list("text", flat=True))
    assert texts == [check_item.text, check_item_2.text, "食堂燃气管线"]
    assert insp.status == InspectionStatus.IN_PROGRESS and insp.campaign == focus_area.campaign


def test_failed_item_opens_prefilled_hazard_with_photos(school_a, officer_a, focus_area, check_item):
    insp = s.inspection_create(organisation=school_a, actor=officer_a, kind=InspectionKind.SELF, title="消防自查",
                               focus_areas=[focus_area])
    item = insp.items.get()
    item, hazard = s.inspection_record_item(
        item=item, actor=officer_a, result=ItemResult.FAIL, note="三楼灭火器过期", photos=[_photo()],
        hazard={"location": "教学楼三楼东侧", "deadline": datetime.date.today() + datetime.timedelta(days=3)})
    assert item.result == ItemResult.FAIL
    assert hazard.check_item == check_item and hazard.focus_area == focus_area and hazard.inspection_item == item
    assert hazard.source == HazardSource.SELF and hazard.description == "三楼灭火器过期"
    assert hazard.title == check_item.text
    assert [a.kind for a in attachments_for(hazard)] == ["before"]
    assert [a.kind for a in attachments_for(item)] == ["finding"]


def test_pass_cannot_open_hazard(school_a, officer_a):
    insp = s.inspection_create(organisation=school_a, actor=officer_a, kind="self", title="t", extra_items=["x"])
    with pytest.raises(DomainError):
        s.inspection_record_item(item=insp.items.get(), actor=officer_a, result=ItemResult.PASS,
                                 hazard={"location": "x", "deadline": datetime.date.today()})


def test_complete_refused_while_items_unchecked(school_a, officer_a):
    insp = s.inspection_create(organisation=school_a, actor=officer_a, kind="self", title="t", extra_items=["a", "b"])
    first, second = insp.items.all()
    s.inspection_record_item(item=first, actor=officer_a, result=ItemResult.PASS)
    with pytest.raises(DomainError, match="not checked"):
        s.inspection_complete(inspection=insp, actor=officer_a)
    s.inspection_record_item(item=second, actor=officer_a, result=ItemResult.NA)
    assert s.inspection_complete(inspection=insp, actor=officer_a, summary="无问题").status == InspectionStatus.COMPLETED
    with pytest.raises(DomainError):
        s.inspection_record_item(item=first, actor=officer_a, result=ItemResult.FAIL)


def test_custodian_and_other_school_cannot_inspect(school_a, custodian_a, officer_b, officer_a):
    for actor in (custodian_a, officer_b):
        with pytest.raises(DomainError):
            s.inspection_create(organisation=school_a, actor=actor, kind="self", title="t")
    insp = s.inspection_create(organisation=school_a, actor=officer_a, kind="self", title="t", extra_items=["a"])
    with pytest.raises(DomainError):
        s.inspection_record_item(item=insp.items.get(), actor=officer_b, result=ItemResult.PASS)


def test_leader_inspection_names_the_leader(school_a, principal_a, officer_a, leader_a):
    insp = s.inspection_create(organisation=school_a, actor=principal_a, kind=InspectionKind.LEADER, title="校长带队检查")
    assert insp.leader == principal_a and insp.leader_role == "principal"
    with pytest.raises(DomainError):
        s.inspection_create(organisation=school_a, actor=officer_a, kind=InspectionKind.LEADER, title="t")
    insp2 = s.inspection_create(organisation=school_a, actor=officer_a, kind=InspectionKind.LEADER, title="t",
                                leader=leader_a)
    assert insp2.leader_role == "other_leader"
    with pytest.raises(DomainError):
        s.inspection_create(organisation=school_a, actor=officer_a, kind=InspectionKind.LEADER, title="t",
                            leader=officer_a)


def test_bureau_kinds_only_by_bureau(school_a, officer_a, bureau_inspector):
    with pytest.raises(DomainError):
        s.inspection_create(organisation=school_a, actor=officer_a, kind=InspectionKind.BUREAU, title="督查")
    insp = s.inspection_create(organisation=school_a, actor=bureau_inspector, kind=InspectionKind.BUREAU, title="督查")
    assert insp.bureau.code == "DIST0001"


def test_unannounced_inspection_hidden_from_school_until_it_starts(school_a, officer_a, principal_a,
                                                                   bureau_inspector, bureau_staff):
    insp = s.inspection_create(organisation=school_a, actor=bureau_inspector, kind=InspectionKind.UNANNOUNCED,
                               title="四不两直暗访", extra_items=["校门口值守"])
    assert insp.status == InspectionStatus.PLANNED
    assert not Inspection.objects.visible_to(officer_a).filter(pk=insp.pk).exists()
    assert not Inspection.objects.visible_to(principal_a).filter(pk=insp.pk).exists()
    assert Inspection.objects.visible_to(bureau_staff).filter(pk=insp.pk).exists()
    with pytest.raises(DomainError):
        s.inspection_start(inspection=insp, actor=officer_a)
    item, hazard = s.inspection_record_item(
        item=insp.items.get(), actor=bureau_inspector, result=ItemResult.FAIL, note="无人值守",
        hazard={"location": "南校门", "deadline": datetime.date.today() + datetime.timedelta(days=2)})
    insp.refresh_from_db()
    assert insp.status == InspectionStatus.IN_PROGRESS
    assert Inspection.objects.visible_to(officer_a).filter(pk=insp.pk).exists()
    assert hazard.source == HazardSource.UNANNOUNCED


def test_schedule_opens_weekly_inspection_once(school_a, officer_a, focus_area, check_item):
    today = datetime.date(2026, 3, 2)
    with time_machine.travel(datetime.datetime(2026, 3, 1, 9, 0), tick=False):
        sched = s.inspection_schedule_create(organisation=school_a, actor=officer_a, title="欺凌排查",
                                             frequency="weekly", next_due=today, focus_areas=[focus_area],
                                             assignee=officer_a)
    with time_machine.travel(datetime.datetime(2026, 3, 2, 6, 0), tick=False):
        assert tasks.open_scheduled_inspections() == 1
        assert tasks.open_scheduled_inspections() == 0
    insp = Inspection.objects.get(schedule=sched)
    assert insp.planned_for == today and insp.items.count() == 1
    sched.refresh_from_db()
    assert sched.next_due == datetime.date(2026, 3, 9)
    assert Notice.objects.filter(recipient=officer_a, key=f"schedule:{sched.pk}:{today}").count() == 1
    # a missed week opens one inspection for the latest due date
    with time_machine.travel(datetime.datetime(2026, 3, 17, 6, 0), tick=False):
        assert tasks.open_scheduled_inspections() == 1
    assert list(Inspection.objects.filter(schedule=sched).values_list("planned_for", flat=True).order_by(
        "planned_for")) == [today, datetime.date(2026, 3, 16)]


def test_half_month_and_monthly_dates():
    assert s._next_due("half_month", datetime.date(2026, 1, 1)) == datetime.date(2026, 1, 16)
    assert s._next_due("half_month", datetime.date(2026, 1, 16)) == datetime.date(2026, 2, 1)
    assert s._next_due("monthly", datetime.date(2026, 1, 31)) == datetime.date(2026, 2, 28)
    assert s._next_due("monthly", datetime.date(2026, 12, 5)) == datetime.date(2027, 1, 5)


def test_schedule_refused_for_bureau_kinds_and_custodian(school_a, officer_a, custodian_a):
    with pytest.raises(DomainError):
        s.inspection_schedule_create(organisation=school_a, actor=officer_a, title="t", frequency="weekly",
                                     next_due=datetime.date.today(), kind=InspectionKind.UNANNOUNCED)
    with pytest.raises(DomainError):
        s.inspection_schedule_create(organisation=school_a, actor=custodian_a, title="t", frequency="weekly",
                                     next_due=datetime.date.today())


def test_inactive_schedule_opens_nothing(school_a, officer_a):
    sched = InspectionSchedule.objects.create(organisation=school_a, title="t", frequency="weekly",
                                              next_due=datetime.date.today(), is_active=False)
    assert tasks.open_scheduled_inspections() == 0
    assert not sched.inspections.exists()


def _leader_inspection(school, leader, day):
    insp = s.inspection_create(organisation=school, actor=leader, kind=InspectionKind.LEADER, title="带队检查",
                               planned_for=day, extra_items=["x"])
    s.inspection_record_item(item=insp.items.get(), actor=leader, result=ItemResult.PASS)
    return s.inspection_complete(inspection=insp, actor=leader)


def test_leader_shortfall_warns_leader_and_principal_once(school_a, principal_a, leader_a, campaign):
    with time_machine.travel(datetime.datetime(2026, 3, 10, 9, 0), tick=False):
        campaign.start, campaign.end = datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)
        campaign.save()
        _leader_inspection(school_a, principal_a, datetime.date(2026, 3, 3))
        _leader_inspection(school_a, leader_a, datetime.date(2026, 3, 4))
    with time_machine.travel(datetime.datetime(2026, 3, 16, 8, 30), tick=False):
        tasks.check_leader_inspections()
        tasks.check_leader_inspections()
    key = f"leader-inspections:{school_a.pk}:{leader_a.pk}:2026-03-01"
    # the principal led one (enough); the other leader led one of two
    assert list(Notice.objects.filter(recipient=leader_a).values_list("key", flat=True)) == [key]
    assert list(Notice.objects.filter(recipient=principal_a).values_list("key", flat=True)) == [key]
    assert "1" in Notice.objects.get(recipient=leader_a).title


def test_leader_check_on_the_first_covers_the_second_half_of_last_month(school_a, principal_a, campaign):
    campaign.start, campaign.end = datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)
    campaign.save()
    with time_machine.travel(datetime.datetime(2026, 3, 1, 8, 30), tick=False):
        tasks.check_leader_inspections()
    assert Notice.objects.filter(recipient=principal_a,
                                 key=f"leader-inspections:{school_a.pk}:{principal_a.pk}:2026-02-16").exists()


def test_no_campaign_no_leader_warning(school_a, principal_a):
    with time_machine.travel(datetime.datetime(2026, 3, 16, 8, 30), tick=False):
        assert tasks.check_leader_inspections() == 0
