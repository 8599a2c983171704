"""Inspections, tips, plan review and campaigns run on the one generic TransitionView: every flow
table is in its app's models.py, the page's buttons are `Workflow.available_for`, and no view
dispatches over action names by hand."""
from __future__ import annotations

import ast
import datetime
from pathlib import Path

from django.urls import reverse
from django.utils import timezone

from campaign_site.campaigns import services as campaign_services
from campaign_site.campaigns.models import CAMPAIGN_FLOW, PLAN_FLOW, CampaignStatus, PlanStatus
from campaign_site.generic.workflow import Workflow
from hazards import services as hazard_services
from hazards.models import INSPECTION_FLOW, TIP_FLOW, InspectionKind, InspectionStatus, ItemResult, TipStatus
from hazards.tips import tip_submit
from tests.campaigns import factories as cf

ROOT = Path(__file__).resolve().parent.parent
APP_DIRS = [ROOT / "hazards", ROOT / "campaign_site" / "campaigns", ROOT / "chemicals", ROOT / "schoolbus",
            ROOT / "reports"]


def _sources():
    for app in APP_DIRS:
        if app.exists():
            yield from sorted(p for p in app.glob("*.py"))


def test_every_flow_table_is_declared_in_a_models_module():
    misplaced = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Workflow" and path.name != "models.py":
                misplaced.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not misplaced, f"flow tables outside models.py: {misplaced}"
    for flow in (INSPECTION_FLOW, TIP_FLOW, PLAN_FLOW, CAMPAIGN_FLOW):
        assert isinstance(flow, Workflow)


def test_no_view_compares_the_action_by_hand():
    """`if action == "accept": ... elif action == "return": ...` is what TransitionView replaces."""
    offenders = []
    for path in _sources():
        if not path.name.startswith("views"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Compare) and isinstance(node.left, ast.Name) and node.left.id == "action":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, offenders


# -- inspections ------------------------------------------------------------------------------


def _inspection(school, actor, kind=InspectionKind.SELF):
    return hazard_services.inspection_create(organisation=school, actor=actor, kind=kind, title="消防自查",
                                             extra_items=["消防通道是否畅通", "灭火器是否有效"])


def test_checklist_forms_are_the_steps_the_person_may_take(client_for, school_a, officer_a, custodian_a):
    inspection = _inspection(school_a, officer_a)
    page = client_for(officer_a).get(inspection.get_absolute_url()).content.decode()
    assert 'name="result"' in page and 'data-testid="complete"' in page
    # a custodian reads the checklist but has no form on it, and a POST changes nothing
    page = client_for(custodian_a).get(inspection.get_absolute_url()).content.decode()
    assert 'name="result"' not in page and 'data-testid="complete"' not in page
    item = inspection.items.first()
    client_for(custodian_a).post(reverse("hazards:inspection_action", args=[inspection.pk, "record"]),
                                 {"item": item.pk, "result": "pass"})
    item.refresh_from_db()
    assert item.result == ItemResult.PENDING


def test_recording_lands_on_the_item_and_a_refusal_is_shown_on_the_checklist(client_for, school_a, officer_a):
    inspection = _inspection(school_a, officer_a)
    first, second = inspection.items.order_by("order")
    client = client_for(officer_a)
    response = client.post(reverse("hazards:inspection_action", args=[inspection.pk, "record"]),
                           {"item": first.pk, "result": "pass", "note": "畅通"})
    assert response.status_code == 302 and response.url == f"{inspection.get_absolute_url()}#item-{first.pk}"
    first.refresh_from_db()
    assert first.result == ItemResult.PASS and first.note == "畅通"

    # completing with an unchecked item: refused, the message is on the inspection's page
    response = client.post(reverse("hazards:inspection_action", args=[inspection.pk, "complete"]),
                           {"summary": "完成"}, follow=True)
    assert response.redirect_chain[-1][0] == inspection.get_absolute_url()
    assert "还有 1 个检查项未检查。" in response.content.decode()  # the officer's pages are in Chinese
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.IN_PROGRESS

    # an item of another inspection is not accepted through this one
    other = _inspection(school_a, officer_a)
    foreign = other.items.first()
    client.post(reverse("hazards:inspection_action", args=[inspection.pk, "record"]),
                {"item": foreign.pk, "result": "fail"})
    foreign.refresh_from_db()
    assert foreign.result == ItemResult.PENDING

    response = client.post(reverse("hazards:inspection_action", args=[inspection.pk, "add_item"]), {"text": "电箱上锁"})
    added = inspection.items.get(text="电箱上锁")
    assert response.url.endswith(f"#item-{added.pk}")
    for item in inspection.items.all():
        client.post(reverse("hazards:inspection_action", args=[inspection.pk, "record"]),
                    {"item": item.pk, "result": "na"})
    client.post(reverse("hazards:inspection_action", args=[inspection.pk, "complete"]), {"summary": "完成"})
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.COMPLETED and inspection.summary == "完成"
    page = client.get(inspection.get_absolute_url()).content.decode()
    assert 'name="result"' not in page and 'data-testid="complete"' not in page


def test_a_planned_inspection_offers_start_not_complete(client_for, school_a, officer_a, bureau_inspector):
    inspection = hazard_services.inspection_create(organisation=school_a, actor=bureau_inspector,
                                                   kind=InspectionKind.BUREAU, title="督导检查")
    inspection.status = InspectionStatus.PLANNED
    inspection.save(update_fields=["status"])
    steps = {b.name for b in INSPECTION_FLOW.available_for(bureau_inspector, inspection)}
    assert "start" in steps and "complete" not in steps
    client = client_for(bureau_inspector)
    assert 'data-testid="start"' in client.get(inspection.get_absolute_url()).content.decode()
    client.post(reverse("hazards:inspection_action", args=[inspection.pk, "start"]))
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.IN_PROGRESS and inspection.started_at is not None


# -- tips ------------------------------------------------------------------------------------------


def test_tip_page_buttons_come_from_the_flow(client_for, school_a, bureau_staff, bureau_leader):
    tip = tip_submit(organisation=school_a, description="操场围栏倒塌，学生可能受伤", location="操场")
    assert [b.name for b in TIP_FLOW.available_for(bureau_staff, tip)] == ["accept", "reject"]
    assert TIP_FLOW.available_for(bureau_leader, tip) == []
    page = client_for(bureau_staff).get(tip.get_absolute_url()).content.decode()
    assert reverse("hazards:tip_accept", args=[tip.pk]) in page and reverse("hazards:tip_reject", args=[tip.pk]) in page
    client_for(bureau_staff).post(reverse("hazards:tip_reject", args=[tip.pk]), {"reason": "已核实不属实"})
    tip.refresh_from_db()
    assert tip.status == TipStatus.REJECTED
    assert TIP_FLOW.available_for(bureau_staff, tip) == []


# -- plan review and campaigns -----------------------------------------------------------------


def test_plan_review_posts_the_pressed_step_to_one_url(client_for, district, school_a, officer_a, bureau_staff):
    campaign = cf.campaign(district)
    plan = campaign_services.plan_submit(campaign=campaign, organisation=school_a, actor=officer_a, leader="校长甲",
                                         document=cf.docx_upload(cf.ORIGINAL_PLAN))
    client = client_for(bureau_staff)
    url = reverse("campaigns:plan_review", args=[plan.pk])
    assert client.get(url).url == plan.get_absolute_url()  # no step named: back to the plan
    assert client.post(url, {"action": "nonsense"}).status_code == 404
    response = client.post(url, {"action": "return", "reason": ""}, follow=True)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    assert response.redirect_chain[-1][0] == plan.get_absolute_url()  # the refusal is shown on the plan
    client.post(url, {"action": "return", "reason": "缺少应急预案"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED and plan.return_reason == "缺少应急预案"
    page = client.get(plan.get_absolute_url()).content.decode()
    assert 'data-testid="review"' not in page  # nothing left to review


def test_campaign_buttons_come_from_the_flow(client_for, district, bureau_staff, officer_a):
    today = timezone.localdate()
    campaign = cf.campaign(district, status=CampaignStatus.DRAFT, start=today, end=today + datetime.timedelta(days=30))
    assert [b.name for b in CAMPAIGN_FLOW.available_for(bureau_staff, campaign)] == ["activate"]
    page = client_for(bureau_staff).get(campaign.get_absolute_url()).content.decode()
    assert reverse("campaigns:activate", args=[campaign.pk]) in page
    assert reverse("campaigns:close", args=[campaign.pk]) not in page
    response = client_for(bureau_staff).post(reverse("campaigns:activate", args=[campaign.pk]), follow=True)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.ACTIVE
    assert "进行中" in response.content.decode() or "In progress" in response.content.decode()
    # a school's officer sees the active campaign without its buttons, and cannot close it
    assert CAMPAIGN_FLOW.available_for(officer_a, campaign) == []
    client_for(officer_a).post(reverse("campaigns:close", args=[campaign.pk]))
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.ACTIVE
