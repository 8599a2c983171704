"""Bullying: screened every week, reported every month (seed 002 二(三)5)."""
import datetime

import pytest
import time_machine

from campaign_site.generic.errors import DomainError
from campaign_site.notifications.models import Notice
from reports import services, statistics
from reports.models import BullyingScreening

from . import factories as rf

d = datetime.date


@pytest.fixture
def april_20():
    with time_machine.travel(datetime.datetime(2026, 4, 20, 10), tick=False):
        yield


@pytest.mark.django_db
def test_one_screening_a_week_with_measures_for_risks(april_20, school_a, officer_a):
    s = services.screening_save(school=school_a, actor=officer_a, screened_on=d(2026, 4, 8), classes_covered=18,
                                risks_found=0)
    assert s.week == d(2026, 4, 6)  # the week's Monday
    with pytest.raises(DomainError, match="already has its screening"):
        services.screening_save(school=school_a, actor=officer_a, screened_on=d(2026, 4, 10), classes_covered=3,
                                risks_found=0)
    with pytest.raises(DomainError, match="what was done"):
        services.screening_save(school=school_a, actor=officer_a, screened_on=d(2026, 4, 14), classes_covered=18,
                                risks_found=2)
    with pytest.raises(DomainError, match="future"):
        services.screening_save(school=school_a, actor=officer_a, screened_on=d(2026, 4, 27), classes_covered=18,
                                risks_found=0)


@pytest.mark.django_db
def test_the_months_screenings_go_into_the_monthly_report(april_20, school_a, school_b, officer_a, officer_b,
                                                          principal_b):
    services.screening_save(school=school_a, actor=officer_a, screened_on=d(2026, 3, 31), classes_covered=18,
                            risks_found=1, measures="班主任约谈")  # week of 30 March: March's
    services.screening_save(school=school_a, actor=officer_a, screened_on=d(2026, 4, 7), classes_covered=18,
                            risks_found=2, measures="心理老师介入")
    services.screening_save(school=school_a, actor=officer_a, screened_on=d(2026, 4, 14), classes_covered=18,
                            risks_found=0)
    with pytest.raises(DomainError):  # another school's officer
        services.screening_save(school=school_a, actor=officer_b, screened_on=d(2026, 4, 20), classes_covered=1,
                                risks_found=0)
    rep = rf.report(school_a, items=False)
    figures = statistics.compute(type(school_a).objects.filter(pk=school_a.pk), rep.month, rep.campaign)[school_a.pk]
    assert (figures["bullying_screenings"], figures["bullying_risks"]) == (2, 2)


@pytest.mark.django_db
def test_a_missed_week_is_reminded_on_monday(school_a, school_b, officer_a, officer_b):
    rf.campaign_for(school_a)
    with time_machine.travel(datetime.datetime(2026, 4, 20, 10), tick=False):
        services.screening_save(school=school_a, actor=officer_a, screened_on=d(2026, 4, 15), classes_covered=18,
                                risks_found=0)
    assert services.send_screening_reminders(today=d(2026, 4, 21)) == 0  # not a Monday
    assert services.send_screening_reminders(today=d(2026, 4, 20)) == 1  # school B missed the week of 13 April
    assert services.send_screening_reminders(today=d(2026, 4, 20)) == 0
    assert Notice.objects.get(title="Weekly bullying screening missing").recipient == officer_b
    assert BullyingScreening.objects.count() == 1
