from django.urls import reverse

from . import factories as cf


def test_bureau_manager_edit_pages_render_and_save(client_for, district, bureau_staff):
    c = cf.campaign(district)
    area = c.focus_areas.first()
    item = area.items.first()
    deadline = c.deadlines.first()
    phase = c.phases.first()
    client = client_for(bureau_staff)
    for url in (reverse("campaigns:edit", args=[c.pk]), reverse("campaigns:deadline_create", args=[c.pk]),
                reverse("campaigns:deadline_edit", args=[deadline.pk]), reverse("campaigns:phase_edit", args=[phase.pk]),
                reverse("campaigns:focus_area_edit", args=[area.pk]), reverse("campaigns:check_item_edit", args=[item.pk]),
                reverse("campaigns:start", args=[c.pk]), reverse("campaigns:activity_list")):
        assert client.get(url).status_code == 200, url
    client.post(reverse("campaigns:deadline_edit", args=[deadline.pk]), {
        "kind": "plan", "name": "报送实施方案", "name_en": "", "date": "2026-03-25", "day_of_month": "", "note": ""})
    deadline.refresh_from_db()
    assert str(deadline.date) == "2026-03-25"
    response = client.post(reverse("campaigns:edit", args=[c.pk]), {
        "title": "改名后的行动", "title_en": "", "document_number": "测教〔2026〕9号", "parent_document": "",
        "start": "2026-03-01", "end": "2026-02-01", "summary": "", "summary_en": "", "plan_text": c.plan_text})
    assert response.status_code == 200  # end before start is refused
    c.refresh_from_db()
    assert c.title == "测试攻坚行动"
    client.post(reverse("campaigns:edit", args=[c.pk]), {
        "title": "改名后的行动", "title_en": "", "document_number": "测教〔2026〕9号", "parent_document": "",
        "start": "2026-03-01", "end": "2026-06-30", "summary": "", "summary_en": "", "plan_text": c.plan_text})
    c.refresh_from_db()
    assert c.title == "改名后的行动" and c.document_number == "测教〔2026〕9号"


def test_school_user_pages(client_for, district, officer_a):
    c = cf.campaign(district)
    client = client_for(officer_a)
    assert client.get(reverse("campaigns:plan_submit", args=[c.pk])).status_code == 200
    assert client.get(reverse("campaigns:activity_create")).status_code == 200
    assert client.get(reverse("campaigns:edit", args=[c.pk])).status_code == 403
    assert client.get(reverse("campaigns:start", args=[c.pk])).status_code == 403
    body = client.get(reverse("campaigns:list")).content.decode()
    assert 'data-testid="campaign-templates"' not in body


def test_superuser_without_membership_sees_everything(client_for, district, superuser):
    c = cf.campaign(district, title="全市可见行动")
    client = client_for(superuser)
    assert client.get(reverse("home")).status_code == 200
    assert "全市可见行动" in client.get(reverse("campaigns:list")).content.decode()
    for url in (c.get_absolute_url(), reverse("campaigns:plan_overview", args=[c.pk]),
                reverse("campaigns:activity_list")):
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("campaigns:activity_create")).status_code == 403  # acts for no organisation
