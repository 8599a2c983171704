"""The closed loop: every allowed and every refused step (by role, same-person rule, state)."""
import datetime

import pytest
from django.utils import timezone

from campaign_site.accounts.models import Person
from campaign_site.generic.errors import DomainError, TransitionNotAllowed
from campaign_site.generic.workflow import transitions_for
from campaign_site.notifications.models import Notice
from hazards import services as s
from hazards.models import HazardStatus

from . import factories as hf


@pytest.fixture
def resp_person(responsible_a):
    return Person.objects.get(user=responsible_a)


@pytest.fixture
def hazard(school_a, officer_a, resp_person):
    return hf.hazard(school_a, actor=officer_a, responsible_person=resp_person)


def _submitted(hazard, actor):
    return s.hazard_submit_rectification(hazard=hazard, actor=actor, note="已更换灭火器")


# start -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["responsible_a", "officer_a"])
def test_start_by_responsible_person_or_safety_officer(request, hazard, who):
    h = s.hazard_start_rectification(hazard=hazard, actor=request.getfixturevalue(who))
    assert h.status == HazardStatus.RECTIFYING


@pytest.mark.parametrize("who", ["custodian_a", "principal_a", "officer_b", "bureau_staff"])
def test_start_refused_for_others(request, hazard, who):
    with pytest.raises(DomainError):
        s.hazard_start_rectification(hazard=hazard, actor=request.getfixturevalue(who))
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.REGISTERED


def test_any_responsible_person_may_rectify_when_none_with_login_is_named(school_a, responsible_a):
    h = hf.hazard(school_a, responsible_person=hf.person(school_a, name="宋师傅"))
    assert s.hazard_start_rectification(hazard=h, actor=responsible_a).status == HazardStatus.RECTIFYING


def test_other_responsible_person_cannot_rectify_a_named_persons_hazard(school_a, hazard):
    from campaign_site.accounts.models import Role
    from tests import factories as f

    other = f.member(school_a, Role.RESPONSIBLE_PERSON, username="resp2", full_name="责任人乙")
    with pytest.raises(DomainError):
        s.hazard_start_rectification(hazard=hazard, actor=other)


def test_start_twice_refused_by_state(hazard, responsible_a):
    s.hazard_start_rectification(hazard=hazard, actor=responsible_a)
    with pytest.raises(TransitionNotAllowed):
        s.hazard_start_rectification(hazard=hazard, actor=responsible_a)


# submit ----------------------------------------------------------------------------------------

def test_submit_from_registered_starts_and_submits(hazard, responsible_a):
    h = _submitted(hazard, responsible_a)
    assert h.status == HazardStatus.SUBMITTED
    assert h.rectified_by == responsible_a and h.rectification_note == "已更换灭火器"
    assert [t.name for t in transitions_for(h)] == ["register", "start", "submit"]


def test_submit_needs_a_note(hazard, responsible_a):
    with pytest.raises(DomainError):
        s.hazard_submit_rectification(hazard=hazard, actor=responsible_a, note="  ")
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.REGISTERED


def test_submit_refused_for_custodian(hazard, custodian_a):
    with pytest.raises(DomainError):
        _submitted(hazard, custodian_a)


def test_submit_refused_when_already_submitted(hazard, responsible_a):
    _submitted(hazard, responsible_a)
    with pytest.raises(TransitionNotAllowed):
        _submitted(hazard, responsible_a)


# re-inspection ---------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["officer_a", "leader_a", "principal_a", "bureau_inspector", "bureau_staff"])
def test_reinspection_pass_by_someone_else(request, hazard, responsible_a, who):
    _submitted(hazard, responsible_a)
    actor = request.getfixturevalue(who)
    h = s.hazard_reinspect(hazard=hazard, actor=actor, passed=True, note="复查合格")
    assert h.status == HazardStatus.AWAITING_SIGNOFF
    assert h.reinspected_by.user == actor and h.reinspected_on == timezone.localdate()
    assert h.reinspection_result == "复查合格"


def test_rectifier_cannot_reinspect(hazard, officer_a):
    _submitted(hazard, officer_a)  # the safety officer fixed it himself
    with pytest.raises(DomainError, match="someone other"):
        s.hazard_reinspect(hazard=hazard, actor=officer_a, passed=True)
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.SUBMITTED


def test_responsible_person_cannot_reinspect_even_if_someone_else_submitted(hazard, officer_a, responsible_a):
    _submitted(hazard, officer_a)
    with pytest.raises(DomainError):
        s.hazard_reinspect(hazard=hazard, actor=responsible_a, passed=True)


@pytest.mark.parametrize("who", ["custodian_a", "officer_b", "outsider", "bureau_leader"])
def test_reinspection_refused_by_role(request, hazard, responsible_a, who):
    _submitted(hazard, responsible_a)
    with pytest.raises(DomainError):
        s.hazard_reinspect(hazard=hazard, actor=request.getfixturevalue(who), passed=True)


def test_reinspection_fail_needs_reason_and_sends_back(hazard, responsible_a, officer_a):
    _submitted(hazard, responsible_a)
    with pytest.raises(TransitionNotAllowed):
        s.hazard_reinspect(hazard=hazard, actor=officer_a, passed=False, note="")
    h = s.hazard_reinspect(hazard=hazard, actor=officer_a, passed=False, note="灭火器压力不足")
    assert h.status == HazardStatus.RECTIFYING
    last = list(transitions_for(h))[-1]
    assert (last.name, last.from_state, last.to_state, last.note, last.actor) == (
        "reinspect_fail", "submitted", "rectifying", "灭火器压力不足", officer_a)
    assert Notice.objects.filter(recipient=responsible_a, title__contains=h.title).exists()


def test_reinspection_refused_before_submission(hazard, officer_a):
    with pytest.raises(TransitionNotAllowed):
        s.hazard_reinspect(hazard=hazard, actor=officer_a, passed=True)


# sign-off --------------------------------------------------------------------------------------

@pytest.fixture
def awaiting(hazard, responsible_a, officer_a):
    _submitted(hazard, responsible_a)
    return s.hazard_reinspect(hazard=hazard, actor=officer_a, passed=True)


def test_principal_signs_off_and_closes(awaiting, principal_a):
    h = s.hazard_sign_off(hazard=awaiting, actor=principal_a)
    assert h.status == HazardStatus.CLOSED and h.closed_at and h.signed_off_by == principal_a
    names = [t.name for t in transitions_for(h)]
    assert names == ["register", "start", "submit", "reinspect_pass", "sign_off"]


@pytest.mark.parametrize("who", ["officer_a", "leader_a", "responsible_a", "bureau_staff", "principal_b"])
def test_sign_off_refused_for_non_principal(request, awaiting, who):
    with pytest.raises(DomainError):
        s.hazard_sign_off(hazard=awaiting, actor=request.getfixturevalue(who))
    awaiting.refresh_from_db()
    assert awaiting.status == HazardStatus.AWAITING_SIGNOFF


def test_sign_off_refused_before_reinspection(hazard, responsible_a, principal_a):
    _submitted(hazard, responsible_a)
    with pytest.raises(TransitionNotAllowed):
        s.hazard_sign_off(hazard=hazard, actor=principal_a)


def test_closed_hazard_cannot_move_or_be_edited(awaiting, principal_a, officer_a):
    h = s.hazard_sign_off(hazard=awaiting, actor=principal_a)
    with pytest.raises(TransitionNotAllowed):
        s.hazard_start_rectification(hazard=h, actor=officer_a)
    with pytest.raises(DomainError):
        s.hazard_update(hazard=h, actor=officer_a, title="改名")


# editing ---------------------------------------------------------------------------------------

def test_update_keeps_history_and_refuses_bad_deadline(hazard, officer_a):
    h = s.hazard_update(hazard=hazard, actor=officer_a, measures="更换为新型灭火器")
    assert h.measures == "更换为新型灭火器"
    assert h.history.count() >= 2
    with pytest.raises(DomainError):
        s.hazard_update(hazard=hazard, actor=officer_a, deadline=hazard.found_on - datetime.timedelta(days=1))


def test_update_refused_for_custodian(hazard, custodian_a):
    with pytest.raises(DomainError):
        s.hazard_update(hazard=hazard, actor=custodian_a, title="x")


def test_raising_level_to_major_notifies_bureau(hazard, officer_a, bureau_staff):
    s.hazard_update(hazard=hazard, actor=officer_a, level="major")
    assert Notice.objects.filter(recipient=bureau_staff, key=f"hazard:{hazard.pk}:major").exists()
