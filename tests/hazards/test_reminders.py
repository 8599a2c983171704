"""Deadlines and escalation with a frozen clock; every notice once per day even if the task runs twice."""
import datetime

import pytest
import time_machine

from campaign_site.accounts.models import Person
from campaign_site.notifications.models import Notice
from hazards import tasks
from hazards.models import HazardLevel

from . import factories as hf

FOUND = datetime.date(2026, 3, 2)
DEADLINE = datetime.date(2026, 3, 10)


def at(day):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(8, 0)), tick=False)


@pytest.fixture
def hazard(school_a, responsible_a):
    with at(FOUND):
        return hf.hazard(school_a, found_on=FOUND, deadline=DEADLINE,
                         responsible_person=Person.objects.get(user=responsible_a), notify=False)


def keys(user):
    return sorted(Notice.objects.filter(recipient=user).values_list("key", flat=True))


def run(day):
    with at(day):
        tasks.send_deadline_reminders()
        tasks.send_deadline_reminders()  # a second run (retry, two beats) sends nothing new


def test_nothing_before_three_days(hazard, responsible_a, principal_a, bureau_staff):
    run(DEADLINE - datetime.timedelta(days=4))
    assert keys(responsible_a) == keys(principal_a) == keys(bureau_staff) == []


def test_due_in_three_days_reminds_responsible_person_once(hazard, responsible_a, principal_a, bureau_staff):
    run(DEADLINE - datetime.timedelta(days=3))
    assert keys(responsible_a) == [f"hazard:{hazard.pk}:due-soon:2026-03-07"]
    assert keys(principal_a) == [] and keys(bureau_staff) == []


def test_without_responsible_login_the_safety_officer_is_reminded(school_a, officer_a):
    with at(FOUND):
        h = hf.hazard(school_a, found_on=FOUND, deadline=DEADLINE)
    run(DEADLINE)
    assert keys(officer_a) == [f"hazard:{h.pk}:due-soon:2026-03-10"]


def test_overdue_goes_to_responsible_person_and_principal(hazard, responsible_a, principal_a, bureau_staff):
    run(DEADLINE + datetime.timedelta(days=1))
    key = f"hazard:{hazard.pk}:overdue:2026-03-11"
    assert keys(responsible_a) == [key] and keys(principal_a) == [key]
    assert keys(bureau_staff) == []
    notice = Notice.objects.get(recipient=principal_a)
    assert notice.level == "danger" and notice.url == hazard.get_absolute_url()


def test_overdue_seven_days_climbs_to_the_bureau(hazard, responsible_a, principal_a, bureau_staff, outsider):
    run(DEADLINE + datetime.timedelta(days=6))
    assert keys(bureau_staff) == []
    run(DEADLINE + datetime.timedelta(days=7))
    assert keys(bureau_staff) == [f"hazard:{hazard.pk}:escalated:2026-03-17"]
    assert keys(outsider) == []
    # daily: one more the next day, still one per day
    run(DEADLINE + datetime.timedelta(days=8))
    assert len(keys(bureau_staff)) == 2
    assert len(keys(principal_a)) == 3  # days 6, 7 and 8 overdue


def test_major_hazard_overdue_goes_to_the_bureau_at_once(school_a, bureau_staff, principal_a):
    with at(FOUND):
        h = hf.hazard(school_a, found_on=FOUND, deadline=DEADLINE, level=HazardLevel.MAJOR, notify=False)
    run(DEADLINE + datetime.timedelta(days=1))
    assert keys(bureau_staff) == [f"hazard:{h.pk}:escalated:2026-03-11"]


def test_bureau_deadline_replaces_the_school_deadline(hazard, responsible_a):
    type(hazard).objects.filter(pk=hazard.pk).update(bureau_deadline=DEADLINE + datetime.timedelta(days=10))
    run(DEADLINE + datetime.timedelta(days=1))
    assert keys(responsible_a) == []


def test_closed_hazards_are_left_alone(hazard, responsible_a, officer_a, principal_a):
    from hazards import services as s

    with at(FOUND):
        s.hazard_submit_rectification(hazard=hazard, actor=responsible_a, note="已整改")
        s.hazard_reinspect(hazard=hazard, actor=officer_a, passed=True)
        s.hazard_sign_off(hazard=hazard, actor=principal_a)
    Notice.objects.all().delete()
    run(DEADLINE + datetime.timedelta(days=9))
    assert Notice.objects.count() == 0
