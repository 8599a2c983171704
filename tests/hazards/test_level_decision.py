"""Lowering a major hazard to general is the bureau's decision (issue 11.1): the school may only
propose it, with the reason; the decision and its reason are on the timeline. Before this rule the
safety officer set an unlisted major hazard to general in the edit form and the principal closed it
without the bureau."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign_site.accounts.models import Person
from campaign_site.generic.errors import DomainError
from campaign_site.generic.workflow import transitions_for
from campaign_site.notifications.models import Notice
from hazards import services as s
from hazards.models import HAZARD_FLOW, HazardLevel, HazardStatus

from . import factories as hf


@pytest.fixture
def major(school_a, officer_a, responsible_a):
    return hf.major_hazard(school_a, actor=officer_a, responsible_person=Person.objects.get(user=responsible_a),
                           deadline=timezone.localdate() + datetime.timedelta(days=30))


def _buttons(user, hazard):
    return {b.name for b in HAZARD_FLOW.available_for(user, hazard)}


@pytest.mark.parametrize("who", ["officer_a", "principal_a"])
def test_school_cannot_lower_a_major_hazard_by_editing_it(request, major, who):
    with pytest.raises(DomainError, match="Only the bureau can lower"):
        s.hazard_update(hazard=major, actor=request.getfixturevalue(who), level=HazardLevel.GENERAL)
    major.refresh_from_db()
    assert major.level == HazardLevel.MAJOR


def test_the_walk_around_no_longer_closes_a_major_hazard(client, major, officer_a, responsible_a, principal_a):
    """The reported path: edit to general, then rectify, re-inspect and sign off -> still needs the bureau."""
    client.force_login(officer_a)
    form = client.get(reverse("hazards:hazard_edit", args=[major.pk])).context["form"]
    assert form.fields["level"].disabled
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(level=HazardLevel.GENERAL, deadline=major.deadline.isoformat())
    client.post(reverse("hazards:hazard_edit", args=[major.pk]), data)
    major.refresh_from_db()
    assert major.level == HazardLevel.MAJOR
    s.hazard_submit_rectification(hazard=major, actor=responsible_a, note="已整改")
    s.hazard_reinspect(hazard=major, actor=officer_a, passed=True, note="复查合格")
    assert s.hazard_sign_off(hazard=major, actor=principal_a).status == HazardStatus.AWAITING_DELISTING


def test_school_proposes_and_bureau_lowers(major, officer_a, principal_a, responsible_a, bureau_staff):
    assert "propose_general" in _buttons(officer_a, major)
    assert "decide_level" not in _buttons(officer_a, major)
    s.hazard_propose_general_level(hazard=major, actor=officer_a, note="经专家复核，危墙已加固，不构成重大隐患")
    major.refresh_from_db()
    assert major.level == HazardLevel.MAJOR and major.level_proposed_by == officer_a
    assert "propose_general" not in _buttons(officer_a, major)  # one proposal at a time
    assert Notice.objects.filter(recipient=bureau_staff, key__startswith=f"hazard:{major.pk}:level-proposal").exists()

    s.hazard_decide_level(hazard=major, actor=bureau_staff, lower=True, note="同意降为一般隐患")
    major.refresh_from_db()
    assert major.level == HazardLevel.GENERAL and major.level_proposed_at is None
    log = [(e.name, e.note, e.actor) for e in transitions_for(major)]
    assert ("propose_general", "经专家复核，危墙已加固，不构成重大隐患", officer_a) in log
    assert ("lower_level", "同意降为一般隐患", bureau_staff) in log
    assert Notice.objects.filter(recipient=principal_a, key__startswith=f"hazard:{major.pk}:level-decision").exists()
    # Now general: the school closes it without the bureau.
    s.hazard_submit_rectification(hazard=major, actor=responsible_a, note="已整改")
    s.hazard_reinspect(hazard=major, actor=officer_a, passed=True, note="复查合格")
    assert s.hazard_sign_off(hazard=major, actor=principal_a).status == HazardStatus.CLOSED


def test_bureau_refuses_the_proposal(major, officer_a, bureau_staff):
    s.hazard_propose_general_level(hazard=major, actor=officer_a, note="已设置围挡")
    s.hazard_decide_level(hazard=major, actor=bureau_staff, lower=False, note="围挡不能消除倒塌风险，维持重大")
    major.refresh_from_db()
    assert major.level == HazardLevel.MAJOR and major.level_proposed_at is None
    assert [e.name for e in transitions_for(major)][-1] == "keep_major"
    assert "propose_general" in _buttons(officer_a, major)  # the school may propose again with new facts


@pytest.mark.parametrize("who", ["officer_a", "principal_a", "bureau_inspector", "officer_b"])
def test_only_bureau_safety_staff_decide(request, major, officer_a, who):
    s.hazard_propose_general_level(hazard=major, actor=officer_a, note="已加固")
    with pytest.raises(DomainError):
        s.hazard_decide_level(hazard=major, actor=request.getfixturevalue(who), lower=True, note="同意")
    major.refresh_from_db()
    assert major.level == HazardLevel.MAJOR


def test_a_reason_is_required_both_ways(major, officer_a, bureau_staff):
    with pytest.raises(DomainError, match="no longer major"):
        s.hazard_propose_general_level(hazard=major, actor=officer_a, note="  ")
    with pytest.raises(DomainError, match="reason"):
        s.hazard_decide_level(hazard=major, actor=bureau_staff, lower=True, note="")


def test_nothing_to_refuse_without_a_proposal(major, bureau_staff):
    with pytest.raises(DomainError, match="no proposal"):
        s.hazard_decide_level(hazard=major, actor=bureau_staff, lower=False, note="维持")


def test_listed_hazard_keeps_its_level_and_listing_answers_the_proposal(major, officer_a, bureau_staff):
    s.hazard_propose_general_level(hazard=major, actor=officer_a, note="已加固")
    watcher = hf.person(major.organisation, name="韩卫东")
    s.hazard_list_for_supervision(
        hazard=major, actor=bureau_staff, measure="拆除重建", owner="总务处", funds="专项", contingency_plan="预案",
        bureau_deadline=timezone.localdate() + datetime.timedelta(days=10), interim_measures="警戒", watcher=watcher)
    major.refresh_from_db()
    assert major.level_proposed_at is None
    assert not {"propose_general", "decide_level"} & (_buttons(bureau_staff, major) | _buttons(officer_a, major))
    with pytest.raises(DomainError, match="listed"):
        s.hazard_decide_level(hazard=major, actor=bureau_staff, lower=True, note="降级")


def test_through_the_pages(client, major, officer_a, bureau_staff):
    step = lambda name: reverse("hazards:hazard_action", args=[major.pk, name])  # noqa: E731
    client.force_login(officer_a)
    client.post(step("propose_general"), {"note": "隐患已部分消除"})
    client.force_login(bureau_staff)
    page = client.get(major.get_absolute_url()).content.decode()
    assert "隐患已部分消除" in page and step("decide_level") in page
    client.post(step("decide_level"), {"decision": "lower", "note": "同意"})
    major.refresh_from_db()
    assert major.level == HazardLevel.GENERAL
