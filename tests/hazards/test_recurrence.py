"""Recurring hazards (屡查屡有): flagged, and closed only with a cause analysis."""
import datetime

import pytest
import time_machine
from django.utils import timezone

from campaign_site.generic.errors import DomainError
from hazards import services as s
from hazards.models import HazardStatus

from . import factories as hf


def _close(h, officer, responsible, principal):
    s.hazard_submit_rectification(hazard=h, actor=responsible, note="已整改")
    s.hazard_reinspect(hazard=h, actor=officer, passed=True)
    return s.hazard_sign_off(hazard=h, actor=principal)


def test_same_location_within_a_year_is_recurring(school_a, officer_a, responsible_a, principal_a):
    first = _close(hf.hazard(school_a, location="二号教学楼西侧楼梯"), officer_a, responsible_a, principal_a)
    again = hf.hazard(school_a, location="二号教学楼西侧楼梯 ")
    assert again.is_recurring and again.recurring_of == first


def test_same_check_item_is_recurring(school_a, officer_a, responsible_a, principal_a, check_item):
    first = _close(hf.hazard(school_a, check_item=check_item), officer_a, responsible_a, principal_a)
    again = hf.hazard(school_a, check_item=check_item, location="别处")
    assert again.recurring_of == first
    assert again.focus_area == check_item.focus_area


def test_other_school_or_open_earlier_hazard_is_not_recurring(school_a, school_b, officer_a, responsible_a,
                                                                principal_a):
    hf.hazard(school_a, location="食堂")  # still open
    assert not hf.hazard(school_a, location="食堂").is_recurring
    _close(hf.hazard(school_a, location="操场"), officer_a, responsible_a, principal_a)
    assert not hf.hazard(school_b, location="操场").is_recurring


def test_closed_more_than_a_year_ago_is_not_recurring(school_a, officer_a, responsible_a, principal_a):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=400)):
        _close(hf.hazard(school_a, location="锅炉房"), officer_a, responsible_a, principal_a)
    assert not hf.hazard(school_a, location="锅炉房").is_recurring


def test_recurring_hazard_needs_cause_analysis_to_close(school_a, officer_a, responsible_a, principal_a):
    _close(hf.hazard(school_a, location="实验室"), officer_a, responsible_a, principal_a)
    again = hf.hazard(school_a, location="实验室")
    s.hazard_submit_rectification(hazard=again, actor=responsible_a, note="再次整改")
    s.hazard_reinspect(hazard=again, actor=officer_a, passed=True)
    with pytest.raises(DomainError, match="cause analysis"):
        s.hazard_sign_off(hazard=again, actor=principal_a)
    s.hazard_update(hazard=again, actor=officer_a, cause_analysis="管理制度未落实，巡查频次不足")
    assert s.hazard_sign_off(hazard=again, actor=principal_a).status == HazardStatus.CLOSED


def test_cause_analysis_can_come_with_the_rectification(school_a, officer_a, responsible_a, principal_a):
    _close(hf.hazard(school_a, location="配电室"), officer_a, responsible_a, principal_a)
    again = hf.hazard(school_a, location="配电室")
    s.hazard_submit_rectification(hazard=again, actor=responsible_a, note="更换线路", cause_analysis="线路老化")
    s.hazard_reinspect(hazard=again, actor=officer_a, passed=True)
    assert s.hazard_sign_off(hazard=again, actor=principal_a).status == HazardStatus.CLOSED
