import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from campaign_site.campaigns import services
from campaign_site.campaigns.models import Campaign, CampaignStatus, CheckItem, DeadlineKind
from campaign_site.generic.errors import DomainError

from . import factories as cf


@pytest.fixture
def zhengdong(db):
    call_command("load_campaign_templates")
    return Campaign.objects.get(slug="zhengdong-2019", is_template=True)


@pytest.fixture
def qingdao(db):
    call_command("load_campaign_templates")
    return Campaign.objects.get(slug="qingdao-2019", is_template=True)


def test_start_from_template_deep_copies_and_shifts_dates(qingdao, district, bureau_staff):
    start = dt.date(2026, 12, 1)  # template starts 2019-12-01
    offset = start - qingdao.start
    c = services.campaign_start_from_template(template=qingdao, organisation=district, actor=bureau_staff,
                                              title="测试区安全隐患集中整治", document_number="测教〔2026〕1号",
                                              start=start)
    assert c.status == CampaignStatus.DRAFT and not c.is_template and c.source == qingdao
    assert (c.start, c.end) == (start, qingdao.end + offset)
    assert c.document_number == "测教〔2026〕1号" and c.organisation == district
    assert CheckItem.objects.filter(focus_area__campaign=c).count() == 43
    assert c.plan_text == qingdao.plan_text
    plan = c.deadlines.get(kind=DeadlineKind.PLAN)
    assert plan.date == dt.date(2026, 12, 30)
    fire = c.deadlines.get(kind=DeadlineKind.FIRE_SUMMARY)
    assert fire.day_of_month == 27 and fire.date is None
    assert [(p.start, p.end) for p in c.phases.all()] == [
        (p.start + offset, p.end + offset) for p in qingdao.phases.all()]
    # the template itself is untouched
    assert qingdao.deadlines.get(kind=DeadlineKind.PLAN).date == dt.date(2019, 12, 30)


def test_school_user_cannot_start_a_campaign(zhengdong, school_a, officer_a):
    with pytest.raises(DomainError):
        services.campaign_start_from_template(template=zhengdong, organisation=school_a, actor=officer_a)


def test_start_view_creates_draft_then_activate(client_for, zhengdong, district, bureau_staff):
    client = client_for(bureau_staff)
    page = client.get(reverse("campaigns:list"))
    assert "start-from-template" in page.content.decode()
    response = client.post(reverse("campaigns:start", args=[zhengdong.pk]), {
        "organisation": district.pk, "title": "测试区攻坚行动", "document_number": "", "start": "2026-07-01"})
    c = Campaign.objects.get(title="测试区攻坚行动")
    assert response.status_code == 302 and response.url == c.get_absolute_url()
    assert c.deadlines.get(kind=DeadlineKind.PLAN).date == dt.date(2026, 7, 19)
    client.post(reverse("campaigns:activate", args=[c.pk]))
    c.refresh_from_db()
    assert c.status == CampaignStatus.ACTIVE
    detail = client.get(c.get_absolute_url()).content.decode()
    assert 'data-testid="timeline"' in detail


def test_school_sees_only_campaigns_applying_to_it(client_for, district, other_district, school_a, officer_a):
    mine = cf.campaign(district, title="本区行动")
    other = cf.campaign(other_district, title="邻区行动")
    draft = cf.campaign(district, title="本区草稿", status=CampaignStatus.DRAFT)
    client = client_for(officer_a)
    body = client.get(reverse("campaigns:list")).content.decode()
    assert "本区行动" in body and "邻区行动" not in body and "本区草稿" not in body
    assert client.get(mine.get_absolute_url()).status_code == 200
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("campaigns:plan_submit", args=[other.pk])).status_code == 404


def test_outsider_gets_404_on_other_district_campaign_parts(client_for, district, outsider):
    c = cf.campaign(district)
    area = c.focus_areas.first()
    client = client_for(outsider)
    assert client.get(c.get_absolute_url()).status_code == 404
    assert client.get(reverse("campaigns:plan_overview", args=[c.pk])).status_code == 404
    assert client.get(reverse("campaigns:focus_area_edit", args=[area.pk])).status_code == 404
    assert client.get(reverse("campaigns:check_item_create", args=[area.pk])).status_code == 404


def test_bureau_edits_its_copy_focus_areas_and_items(client_for, district, bureau_staff, officer_a):
    c = cf.campaign(district)
    client = client_for(bureau_staff)
    client.post(reverse("campaigns:focus_area_create", args=[c.pk]),
                {"code": "bullying", "order": 2, "name": "校园欺凌", "name_en": "Bullying"})
    area = c.focus_areas.get(code="bullying")
    client.post(reverse("campaigns:check_item_create", args=[area.pk]),
                {"number": "1", "text": "是否每周开展欺凌排查", "text_en": ""})
    response = client.post(reverse("campaigns:check_item_create", args=[area.pk]),
                           {"number": "1", "text": "重复编号", "text_en": ""})
    assert "already used" in response.content.decode() or "已" in response.content.decode()
    assert list(area.items.values_list("text", flat=True)) == ["是否每周开展欺凌排查"]
    body = client.get(c.get_absolute_url()).content.decode()
    assert "是否每周开展欺凌排查" in body
    # a school user may read but not edit
    assert client_for(officer_a).get(reverse("campaigns:focus_area_edit", args=[area.pk])).status_code == 403


def test_template_cannot_be_edited(zhengdong, bureau_staff):
    with pytest.raises(DomainError):
        services.campaign_update(campaign=zhengdong, actor=bureau_staff, title="x")


def test_closed_campaign_is_read_only(district, bureau_staff):
    c = cf.campaign(district)
    services.campaign_close(campaign=c, actor=bureau_staff)
    with pytest.raises(DomainError):
        services.focus_area_save(campaign=c, actor=bureau_staff, code="x", name="新增")
