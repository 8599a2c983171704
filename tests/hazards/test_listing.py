"""Major hazards: listed supervision (挂牌督办) and delisting (摘牌) by the bureau only."""
import datetime

import pytest
from django.utils import timezone

from campaign_site.accounts.models import Person
from campaign_site.generic.errors import DomainError, TransitionNotAllowed
from campaign_site.generic.workflow import transitions_for
from campaign_site.notifications.models import Notice
from hazards import services as s
from hazards.models import HazardLevel, HazardStatus

from . import factories as hf


@pytest.fixture
def major(school_a, officer_a, responsible_a):
    return hf.major_hazard(school_a, actor=officer_a, responsible_person=Person.objects.get(user=responsible_a),
                           deadline=timezone.localdate() + datetime.timedelta(days=30))


@pytest.fixture
def watcher(school_a):
    return hf.person(school_a, name="韩卫东")


def _list(hazard, actor, watcher, **kw):
    values = dict(measure="拆除危墙，重建围墙", owner="总务处何建军", funds="区财政专项 12 万元",
                  bureau_deadline=timezone.localdate() + datetime.timedelta(days=20),
                  contingency_plan="围墙倒塌应急预案", interim_measures="拉警戒线，禁止靠近", watcher=watcher)
    values.update(kw)
    return s.hazard_list_for_supervision(hazard=hazard, actor=actor, **values)


def test_bureau_lists_with_five_fixes(major, bureau_staff, watcher, principal_a):
    h = _list(major, bureau_staff, watcher)
    assert h.is_listed and h.is_under_supervision
    assert h.listing_bureau.code == "DIST0001"
    assert h.bureau_deadline == timezone.localdate() + datetime.timedelta(days=20)
    assert h.effective_deadline == h.bureau_deadline
    assert h.watcher == watcher and h.interim_measures == "拉警戒线，禁止靠近"
    assert "list" in [t.name for t in transitions_for(h)]
    assert Notice.objects.filter(recipient=principal_a, key=f"hazard:{h.pk}:listed").exists()


@pytest.mark.parametrize("missing", ["measure", "owner", "funds", "contingency_plan"])
def test_listing_needs_every_fix(major, bureau_staff, watcher, missing):
    with pytest.raises(DomainError, match="five fixes"):
        _list(major, bureau_staff, watcher, **{missing: " "})


def test_listing_needs_interim_measures_and_watcher(major, bureau_staff):
    with pytest.raises(DomainError, match="watcher"):
        _list(major, bureau_staff, None)
    with pytest.raises(DomainError, match="watcher"):
        _list(major, bureau_staff, hf.person(major.organisation), interim_measures="")


@pytest.mark.parametrize("who", ["principal_a", "officer_a", "bureau_inspector", "outsider"])
def test_only_bureau_safety_lists(request, major, watcher, who):
    with pytest.raises(DomainError):
        _list(major, request.getfixturevalue(who), watcher)
    major.refresh_from_db()
    assert not major.is_listed


def test_general_hazard_cannot_be_listed(school_a, bureau_staff, watcher):
    with pytest.raises(DomainError, match="major"):
        _list(hf.hazard(school_a), bureau_staff, watcher)


def test_school_cannot_lower_level_once_listed(major, bureau_staff, watcher, officer_a, principal_a):
    _list(major, bureau_staff, watcher)
    for actor in (officer_a, principal_a):
        with pytest.raises(DomainError, match="cannot be lowered"):
            s.hazard_update(hazard=major, actor=actor, level=HazardLevel.GENERAL)
    major.refresh_from_db()
    assert major.level == HazardLevel.MAJOR


def test_watcher_cannot_be_removed_while_listed(major, bureau_staff, watcher, officer_a):
    _list(major, bureau_staff, watcher)
    with pytest.raises(DomainError):
        s.hazard_update(hazard=major, actor=officer_a, watcher=None)
    with pytest.raises(DomainError):
        s.hazard_update(hazard=major, actor=officer_a, interim_measures="")


@pytest.fixture
def signed_off(major, bureau_staff, watcher, responsible_a, officer_a, principal_a):
    _list(major, bureau_staff, watcher)
    s.hazard_submit_rectification(hazard=major, actor=responsible_a, note="围墙已重建")
    s.hazard_reinspect(hazard=major, actor=officer_a, passed=True, note="学校复查合格")
    return s.hazard_sign_off(hazard=major, actor=principal_a)


def test_school_sign_off_of_listed_hazard_waits_for_bureau(signed_off, bureau_staff):
    assert signed_off.status == HazardStatus.AWAITING_DELISTING
    assert signed_off.closed_at is None
    assert Notice.objects.filter(recipient=bureau_staff, key__startswith=f"hazard:{signed_off.pk}:delisting").exists()


def test_school_cannot_close_a_listed_hazard(signed_off, principal_a, officer_a):
    for actor in (principal_a, officer_a):
        with pytest.raises(DomainError):
            s.hazard_delist(hazard=signed_off, actor=actor, passed=True)
        with pytest.raises(DomainError):
            s.hazard_sign_off(hazard=signed_off, actor=actor)
    signed_off.refresh_from_db()
    assert signed_off.status == HazardStatus.AWAITING_DELISTING


def test_bureau_inspector_and_other_district_cannot_delist(signed_off, bureau_inspector, outsider):
    for actor in (bureau_inspector, outsider):
        with pytest.raises(DomainError):
            s.hazard_delist(hazard=signed_off, actor=actor, passed=True)


def test_bureau_delists_after_its_reinspection(signed_off, bureau_staff):
    h = s.hazard_delist(hazard=signed_off, actor=bureau_staff, passed=True, note="区局复查合格，同意摘牌")
    assert h.status == HazardStatus.CLOSED and h.delisted_by == bureau_staff and h.closed_at
    assert not h.is_under_supervision
    assert list(transitions_for(h))[-1].note == "区局复查合格，同意摘牌"


def test_bureau_refuses_delisting_with_reason(signed_off, bureau_staff, principal_a):
    with pytest.raises(TransitionNotAllowed):
        s.hazard_delist(hazard=signed_off, actor=bureau_staff, passed=False, note="")
    h = s.hazard_delist(hazard=signed_off, actor=bureau_staff, passed=False, note="围墙基础未处理")
    assert h.status == HazardStatus.RECTIFYING and h.is_under_supervision
    assert Notice.objects.filter(recipient=principal_a, key__startswith=f"hazard:{h.pk}:delist-refused").exists()


def test_unlisted_major_hazard_also_needs_the_bureau(major, responsible_a, officer_a, principal_a, bureau_staff):
    s.hazard_submit_rectification(hazard=major, actor=responsible_a, note="已处理")
    s.hazard_reinspect(hazard=major, actor=officer_a, passed=True)
    h = s.hazard_sign_off(hazard=major, actor=principal_a)
    assert h.status == HazardStatus.AWAITING_DELISTING
    assert s.hazard_delist(hazard=h, actor=bureau_staff, passed=True).status == HazardStatus.CLOSED


def test_delist_refused_in_wrong_state(major, bureau_staff):
    with pytest.raises(TransitionNotAllowed):
        s.hazard_delist(hazard=major, actor=bureau_staff, passed=True)


def test_bureau_deadline_set_by_bureau_only(major, bureau_staff, officer_a):
    day = timezone.localdate() + datetime.timedelta(days=5)
    assert s.hazard_set_bureau_deadline(hazard=major, actor=bureau_staff, deadline=day).bureau_deadline == day
    with pytest.raises(DomainError):
        s.hazard_set_bureau_deadline(hazard=major, actor=officer_a, deadline=day)


def test_already_listed_cannot_be_listed_again(major, bureau_staff, watcher):
    _list(major, bureau_staff, watcher)
    with pytest.raises(DomainError, match="already listed"):
        _list(major, bureau_staff, watcher)
