import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from campaign_site.campaigns import services
from campaign_site.campaigns.models import CampaignStatus, ImplementationPlan, PlanStatus
from campaign_site.generic.errors import DomainError
from campaign_site.generic.models import Attachment
from campaign_site.notifications.models import Notice

from . import factories as cf


@pytest.fixture
def campaign(district):
    return cf.campaign(district)


def submit(campaign, school, actor, paragraphs=None, **kwargs):
    return services.plan_submit(campaign=campaign, organisation=school, actor=actor, leader="校长甲",
                                deputy="副校长甲", office="保卫处", document=cf.docx_upload(paragraphs or cf.ORIGINAL_PLAN),
                                **kwargs)


def test_officer_submits_plan_text_read_and_bureau_notified(campaign, school_a, officer_a, bureau_staff):
    plan = submit(campaign, school_a, officer_a)
    assert plan.status == PlanStatus.SUBMITTED
    assert plan.text_extracted and "北侧围墙" in plan.text
    assert not plan.is_flagged
    assert Attachment.objects.filter(object_id=plan.pk, kind="plan").count() == 1
    assert Notice.objects.filter(recipient=bureau_staff, url=plan.get_absolute_url()).exists()


def test_only_officer_or_principal_of_the_school_submits(campaign, school_a, custodian_a, officer_b, principal_a):
    with pytest.raises(DomainError):
        submit(campaign, school_a, custodian_a)
    with pytest.raises(DomainError):
        submit(campaign, school_a, officer_b)
    assert submit(campaign, school_a, principal_a).status == PlanStatus.SUBMITTED


def test_plan_refused_for_campaign_not_applying(other_district, district, school_a, officer_a):
    other = cf.campaign(other_district)
    draft = cf.campaign(district, status=CampaignStatus.DRAFT)
    for c in (other, draft):
        with pytest.raises(DomainError):
            submit(c, school_a, officer_a)


def test_accept_and_return_rules(campaign, school_a, officer_a, principal_a, bureau_staff, bureau_inspector, outsider):
    plan = submit(campaign, school_a, officer_a)
    for who in (officer_a, principal_a, outsider, bureau_inspector):
        with pytest.raises(DomainError):
            services.plan_accept(plan=plan, actor=who)
    with pytest.raises(DomainError):
        services.plan_return(plan=plan, actor=bureau_staff, reason="  ")
    services.plan_return(plan=plan, actor=bureau_staff, reason="领导小组不完整")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED and plan.return_reason == "领导小组不完整"
    notice = Notice.objects.get(recipient=officer_a, url=plan.get_absolute_url())
    assert notice.level == "warning" and "领导小组不完整" in notice.body
    with pytest.raises(DomainError):  # nothing to accept until resubmitted
        services.plan_accept(plan=plan, actor=bureau_staff)
    again = submit(campaign, school_a, officer_a)
    assert again.pk == plan.pk and again.status == PlanStatus.SUBMITTED
    services.plan_accept(plan=plan, actor=bureau_staff)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACCEPTED and plan.reviewed_by == bureau_staff
    with pytest.raises(DomainError):
        submit(campaign, school_a, officer_a)
    assert ImplementationPlan.objects.count() == 1


def test_resubmission_keeps_first_submission_time(campaign, school_a, officer_a, bureau_staff):
    with time_machine.travel(dt.datetime(2026, 3, 18, 10, 0, tzinfo=dt.UTC), tick=False):
        plan = submit(campaign, school_a, officer_a)
        services.plan_return(plan=plan, actor=bureau_staff, reason="请补充")
    with time_machine.travel(dt.datetime(2026, 3, 25, 10, 0, tzinfo=dt.UTC), tick=False):
        plan = submit(campaign, school_a, officer_a)
    assert plan.first_submitted_at.date() == dt.date(2026, 3, 18)
    assert plan.submitted_at.date() == dt.date(2026, 3, 25)


def test_copied_plan_is_flagged_with_passages(client_for, campaign, school_a, officer_a, bureau_staff):
    copied = ["实验小学攻坚行动实施方案", cf.BUREAU_PLAN.replace("各学校", "各处室")]
    plan = submit(campaign, school_a, officer_a, paragraphs=copied)
    assert plan.is_flagged and plan.similarity > 0.8
    assert plan.overlap and plan.overlap[0]["length"] >= 30
    body = client_for(bureau_staff).get(plan.get_absolute_url()).content.decode()
    assert 'data-testid="copy-flag"' in body
    assert "<mark>" in body and plan.overlap[0]["text"][:20] in body


def test_pdf_without_text_is_compared_with_pasted_text(campaign, school_a, officer_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                             content_type="application/pdf")
    plan = services.plan_submit(campaign=campaign, organisation=school_a, actor=officer_a, leader="校长",
                                document=pdf, text=cf.BUREAU_PLAN)
    assert not plan.text_extracted and plan.is_flagged


def test_submit_and_review_through_pages(client_for, campaign, school_a, officer_a, bureau_staff, officer_b):
    client = client_for(officer_a)
    detail = client.get(campaign.get_absolute_url()).content.decode()
    assert 'data-testid="submit-plan"' in detail
    response = client.post(reverse("campaigns:plan_submit", args=[campaign.pk]), {
        "leader": "校长甲", "deputy": "", "office": "保卫处", "members": "", "known_major_hazards": "",
        "document": cf.docx_upload(cf.ORIGINAL_PLAN), "text": ""})
    plan = ImplementationPlan.objects.get()
    assert response.status_code == 302 and response.url == plan.get_absolute_url()
    # school B does not see school A's plan
    assert client_for(officer_b).get(plan.get_absolute_url()).status_code == 404
    # nor may school A review its own plan
    client.post(reverse("campaigns:plan_review", args=[plan.pk]), {"action": "accept"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    bureau = client_for(bureau_staff)
    page = bureau.get(plan.get_absolute_url()).content.decode()
    assert 'data-testid="review"' in page
    bureau.post(reverse("campaigns:plan_review", args=[plan.pk]), {"action": "return", "reason": ""})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED  # a reason is required
    bureau.post(reverse("campaigns:plan_review", args=[plan.pk]), {"action": "return", "reason": "缺少隐患清单"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED
    page = client_for(officer_a).get(plan.get_absolute_url()).content.decode()
    assert "缺少隐患清单" in page and 'data-testid="timeline"' in page


def test_submit_page_refused_to_custodian(client_for, campaign, custodian_a):
    assert client_for(custodian_a).get(reverse("campaigns:plan_submit", args=[campaign.pk])).status_code == 403


def test_non_document_upload_is_refused_with_message(client_for, campaign, officer_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(officer_a).post(reverse("campaigns:plan_submit", args=[campaign.pk]), {
        "leader": "校长", "document": SimpleUploadedFile("plan.exe", b"MZ\x90\x00" * 100)})
    assert response.status_code == 200
    assert not ImplementationPlan.objects.exists()
