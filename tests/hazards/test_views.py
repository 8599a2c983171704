"""The pages: register list (filters, summary, export), hazard page and its steps, inspections on a
phone, accountability register, home widgets."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign_site.accounts.models import Person
from hazards import services as s
from hazards.models import Hazard, HazardStatus, Inspection, ItemResult

from . import factories as hf


def test_list_shows_own_school_only(client_for, school_a, school_b, officer_a):
    a = hf.hazard(school_a, title="甲校灭火器过期")
    hf.hazard(school_b, title="乙校围墙裂缝")
    page = client_for(officer_a).get(reverse("hazards:hazard_list")).content.decode()
    assert a.number in page and "甲校灭火器过期" in page
    assert "乙校围墙裂缝" not in page


def test_bureau_sees_every_school_and_filters_by_school(client_for, school_a, school_b, other_school, bureau_staff):
    hf.hazard(school_a, title="甲校隐患")
    hf.hazard(school_b, title="乙校隐患")
    hf.hazard(other_school, title="邻区隐患")
    c = client_for(bureau_staff)
    page = c.get(reverse("hazards:hazard_list")).content.decode()
    assert "甲校隐患" in page and "乙校隐患" in page and "邻区隐患" not in page
    page = c.get(reverse("hazards:hazard_list"), {"organisation": school_b.pk}).content.decode()
    assert "乙校隐患" in page and "甲校隐患" not in page


def test_filters_overdue_level_and_status_and_summary(client_for, school_a, officer_a):
    today = timezone.localdate()
    late = hf.hazard(school_a, title="逾期隐患", found_on=today - datetime.timedelta(days=20),
                     deadline=today - datetime.timedelta(days=5))
    hf.major_hazard(school_a, title="重大隐患甲")
    hf.hazard(school_a, title="普通隐患乙")
    c = client_for(officer_a)
    resp = c.get(reverse("hazards:hazard_list"), {"overdue": "true"})
    page = resp.content.decode()
    assert "逾期隐患" in page and "普通隐患乙" not in page
    assert late.number in page
    page = c.get(reverse("hazards:hazard_list"), {"level": "major"}).content.decode()
    assert "重大隐患甲" in page and "普通隐患乙" not in page
    resp = c.get(reverse("hazards:hazard_list"), {"overdue": "true", "_summary": "1"})  # loaded by htmx
    summary = {item["label"]: item["count"] for item in resp.context["summary"]}
    assert summary[str(HazardStatus.REGISTERED.label)] == 1  # the summary follows the filter
    resp = c.get(reverse("hazards:hazard_list"), {"_summary": "1"})
    summary = {str(item["label"]): item["count"] for item in resp.context["summary"]}
    assert summary[str(HazardStatus.REGISTERED.label)] == 3


def test_deadline_range_and_responsible_filters(client_for, school_a, officer_a, responsible_a):
    today = timezone.localdate()
    hf.hazard(school_a, title="近期", deadline=today + datetime.timedelta(days=2),
              responsible_person=Person.objects.get(user=responsible_a))
    hf.hazard(school_a, title="远期", deadline=today + datetime.timedelta(days=40))
    c = client_for(officer_a)
    page = c.get(reverse("hazards:hazard_list"), {"deadline_to": (today + datetime.timedelta(days=10)).isoformat()})
    assert "近期" in page.content.decode() and "远期" not in page.content.decode()
    page = c.get(reverse("hazards:hazard_list"), {"responsible": "责任人甲"}).content.decode()
    assert "近期" in page and "远期" not in page


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export(client_for, school_a, bureau_staff, fmt):
    h = hf.hazard(school_a, title="=HYPERLINK(\"x\")")
    resp = client_for(bureau_staff).get(reverse("hazards:hazard_list"), {"export": fmt})
    assert resp.status_code == 200
    if fmt == "csv":
        text = resp.content.decode("utf-8-sig")
        assert h.number in text and "'=HYPERLINK" in text


def test_list_query_count_does_not_grow(client_for, school_a, bureau_staff, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(5):
        hf.hazard(school_a, responsible_person=hf.person(school_a))
    c = client_for(bureau_staff)
    c.get(reverse("hazards:hazard_list"))
    with CaptureQueriesContext(connection) as five:
        c.get(reverse("hazards:hazard_list"))
    for _ in range(20):
        hf.hazard(school_a, responsible_person=hf.person(school_a))
    with CaptureQueriesContext(connection) as many:
        c.get(reverse("hazards:hazard_list"))
    assert len(many) == len(five)


def test_detail_404_for_other_school_and_other_district(client_for, school_a, officer_b, outsider, bureau_staff):
    h = hf.hazard(school_a)
    url = reverse("hazards:hazard_detail", args=[h.pk])
    assert client_for(officer_b).get(url).status_code == 404
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(bureau_staff).get(url).status_code == 200
    step = reverse("hazards:hazard_action", args=[h.pk, "submit"])
    assert client_for(officer_b).post(step, {"note": "x"}).status_code == 404


def test_anonymous_goes_to_login(client, school_a):
    h = hf.hazard(school_a)
    resp = client.get(reverse("hazards:hazard_detail", args=[h.pk]))
    assert resp.status_code == 302 and "login" in resp.url


def test_whole_loop_through_the_pages(client_for, school_a, officer_a, responsible_a, principal_a):
    h = hf.hazard(school_a, actor=officer_a, responsible_person=Person.objects.get(user=responsible_a))
    detail = reverse("hazards:hazard_detail", args=[h.pk])

    c = client_for(responsible_a)
    page = c.get(detail).content.decode()
    assert 'data-testid="action-submit"' in page and 'data-testid="action-reinspect"' not in page
    form = c.get(reverse("hazards:hazard_action", args=[h.pk, "submit"])).content.decode()
    assert 'capture="environment"' in form
    resp = c.post(reverse("hazards:hazard_action", args=[h.pk, "submit"]), {"note": "已更换灭火器"})
    assert resp.status_code == 302
    h.refresh_from_db()
    assert h.status == HazardStatus.SUBMITTED
    # the rectifier is not offered the re-inspection, and the service refuses it
    assert 'action-reinspect' not in c.get(detail).content.decode()
    resp = c.post(reverse("hazards:hazard_action", args=[h.pk, "reinspect"]), {"result": "pass"})
    assert resp.status_code == 200 and resp.context["form"].non_field_errors()

    c = client_for(officer_a)
    resp = c.post(reverse("hazards:hazard_action", args=[h.pk, "reinspect"]), {"result": "fail", "note": ""})
    assert resp.status_code == 200  # a failed re-inspection needs the reason
    c.post(reverse("hazards:hazard_action", args=[h.pk, "reinspect"]), {"result": "pass", "note": "合格"})
    h.refresh_from_db()
    assert h.status == HazardStatus.AWAITING_SIGNOFF

    c = client_for(principal_a)
    page = c.get(detail).content.decode()
    assert 'action-sign_off' in page
    c.post(reverse("hazards:hazard_action", args=[h.pk, "sign_off"]), {"note": ""})
    h.refresh_from_db()
    assert h.status == HazardStatus.CLOSED
    page = c.get(detail).content.decode()
    assert 'data-testid="timeline"' in page and "合格" in page


def test_create_hazard_page(client_for, school_a, officer_a, bureau_staff):
    c = client_for(officer_a)
    page = c.get(reverse("hazards:hazard_create")).content.decode()
    assert 'capture="environment"' in page
    today = timezone.localdate()
    resp = c.post(reverse("hazards:hazard_create"), {
        "organisation": school_a.pk, "title": "围墙裂缝", "location": "北侧围墙", "level": "major",
        "found_on": today.isoformat(), "deadline": (today + datetime.timedelta(days=30)).isoformat(),
    })
    h = Hazard.objects.get(title="围墙裂缝")
    assert resp.status_code == 302 and resp.url == h.get_absolute_url()
    assert h.created_by == officer_a and h.source == "self"
    resp = c.post(reverse("hazards:hazard_create"), {
        "organisation": school_a.pk, "title": "x", "location": "y", "level": "general",
        "found_on": today.isoformat(), "deadline": (today - datetime.timedelta(days=1)).isoformat(),
    })
    assert resp.status_code == 200 and "deadline cannot be before" in resp.content.decode().replace("&#x27;", "'") \
        or "完成时限" in resp.content.decode() or resp.context["form"].errors


def test_custodian_cannot_open_create_page(client_for, custodian_a):
    assert client_for(custodian_a).get(reverse("hazards:hazard_create")).status_code == 403


def test_bureau_lists_through_the_page(client_for, school_a, bureau_staff, officer_a):
    h = hf.major_hazard(school_a)
    w = hf.person(school_a, name="盯防人")
    c = client_for(bureau_staff)
    assert "action-list" in c.get(reverse("hazards:hazard_detail", args=[h.pk])).content.decode()
    resp = c.post(reverse("hazards:hazard_action", args=[h.pk, "list"]), {
        "measure": "拆除重建", "owner": "总务处", "funds": "专项资金", "contingency_plan": "预案",
        "bureau_deadline": (timezone.localdate() + datetime.timedelta(days=10)).isoformat(),
        "interim_measures": "警戒线", "watcher": w.pk})
    assert resp.status_code == 302
    h.refresh_from_db()
    assert h.is_listed
    # the school's edit form cannot lower the level: the field is disabled, a posted level is ignored
    resp = client_for(officer_a).post(reverse("hazards:hazard_edit", args=[h.pk]), {
        "title": h.title, "location": h.location, "level": "general", "deadline": h.deadline.isoformat(),
        "interim_measures": "警戒线", "watcher": w.pk})
    assert resp.status_code == 302
    h.refresh_from_db()
    assert h.level == "major"


def test_inspection_on_the_phone(client_for, school_a, officer_a, focus_area, check_item):
    c = client_for(officer_a)
    resp = c.post(reverse("hazards:inspection_create"), {
        "organisation": school_a.pk, "kind": "self", "title": "消防自查",
        "planned_for": timezone.localdate().isoformat(), "focus_areas": [focus_area.pk], "extra_items": "",
    })
    insp = Inspection.objects.get(title="消防自查")
    assert resp.status_code == 302
    page = c.get(insp.get_absolute_url()).content.decode()
    assert check_item.text in page and 'capture="environment"' in page
    item = insp.items.get()
    resp = c.post(reverse("hazards:inspection_action", args=[insp.pk, "record"]), {
        "item": item.pk, "result": "fail", "note": "灭火器过期", "open_hazard": "on", "hazard_title": "灭火器过期",
        "location": "三楼", "deadline": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
        "level": "general"})
    assert resp.status_code == 302
    item.refresh_from_db()
    assert item.result == ItemResult.FAIL
    h = Hazard.objects.get(inspection_item=item)
    page = c.get(insp.get_absolute_url()).content.decode()
    assert h.number in page
    c.post(reverse("hazards:inspection_action", args=[insp.pk, "complete"]), {"summary": "发现1处隐患"})
    insp.refresh_from_db()
    assert insp.status == "completed"


def test_planned_unannounced_inspection_is_404_for_the_school(client_for, school_a, officer_a, bureau_inspector):
    insp = s.inspection_create(organisation=school_a, actor=bureau_inspector, kind="unannounced", title="暗访")
    assert client_for(officer_a).get(insp.get_absolute_url()).status_code == 404
    assert client_for(bureau_inspector).get(insp.get_absolute_url()).status_code == 200
    page = client_for(bureau_inspector).get(reverse("hazards:inspection_list")).content.decode()
    assert "暗访" in page


def test_accountability_pages(client_for, school_a, bureau_staff, officer_a, officer_b):
    h = hf.hazard(school_a)
    c = client_for(bureau_staff)
    resp = c.post(reverse("hazards:accountability_create"), {
        "organisation": school_a.pk, "person_name": "何建军", "hazard_numbers": h.number, "reason": "整改不力",
        "measure": "诫勉谈话", "decided_on": timezone.localdate().isoformat(), "decided_by": "区教育局"})
    assert resp.status_code == 302
    page = c.get(reverse("hazards:accountability_list")).content.decode()
    assert "何建军" in page and h.number in page
    export = c.get(reverse("hazards:accountability_list"), {"export": "csv"}).content.decode("utf-8-sig")
    assert "诫勉谈话" in export
    assert "何建军" in client_for(officer_a).get(reverse("hazards:accountability_list")).content.decode()
    assert "何建军" not in client_for(officer_b).get(reverse("hazards:accountability_list")).content.decode()
    c = client_for(bureau_staff)
    resp = c.post(reverse("hazards:accountability_create"), {
        "organisation": school_a.pk, "person_name": "x", "hazard_numbers": "NOPE-1", "reason": "r",
        "measure": "m", "decided_on": timezone.localdate().isoformat(), "decided_by": "d"})
    assert resp.status_code == 200 and "NOPE-1" in resp.content.decode()


def test_home_widgets(client_for, school_a, officer_a, responsible_a, bureau_staff):
    today = timezone.localdate()
    hf.major_hazard(school_a, title="待整改重大隐患", responsible_person=Person.objects.get(user=responsible_a),
                    found_on=today - datetime.timedelta(days=10), deadline=today - datetime.timedelta(days=1))
    page = client_for(responsible_a).get(reverse("home")).content.decode()
    assert 'data-testid="home-hazard-work"' in page and "待整改重大隐患" in page
    resp = client_for(bureau_staff).get(reverse("home"))
    page = resp.content.decode()
    assert 'data-testid="home-hazard-counts"' in page


def test_schedule_pages(client_for, school_a, officer_a):
    c = client_for(officer_a)
    resp = c.post(reverse("hazards:schedule_create"), {
        "organisation": school_a.pk, "title": "每周欺凌排查", "kind": "self", "frequency": "weekly",
        "next_due": timezone.localdate().isoformat()})
    assert resp.status_code == 302
    assert "每周欺凌排查" in c.get(reverse("hazards:schedule_list")).content.decode()


def test_a_step_not_open_to_the_user_sends_them_back_with_a_warning(client_for, school_a, principal_a):
    hazard = hf.hazard(school_a, title="未到签字阶段")
    c = client_for(principal_a)
    response = c.get(reverse("hazards:hazard_action", args=[hazard.pk, "sign_off"]), follow=True)
    assert response.redirect_chain[-1][0] == hazard.get_absolute_url()
    assert "当前阶段您不能办理" in response.content.decode()
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.REGISTERED
