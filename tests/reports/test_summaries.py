"""Written summaries: phase summaries by the campaign's dates (seed 002: 28 Feb and 31 May) and the
fire-safety summary by the 27th of each month; on time or late by the first submission."""
import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from campaign_site.campaigns.models import Deadline, DeadlineKind
from campaign_site.generic.errors import DomainError
from reports import selectors, services
from reports.models import Summary, SummaryKind

from . import factories as rf

SH = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def deadlines(school_a):
    campaign = rf.campaign_for(school_a)
    phase = Deadline.objects.create(campaign=campaign, kind=DeadlineKind.SUMMARY, name="报送集中整治工作总结",
                                    date=datetime.date(2026, 5, 31))
    fire = Deadline.objects.create(campaign=campaign, kind=DeadlineKind.FIRE_SUMMARY, name="报送消防安全工作小结",
                                   day_of_month=27)
    return phase, fire


@pytest.mark.django_db
def test_fire_summary_each_month_by_the_27th(deadlines, school_a, school_b, officer_a, bureau_staff):
    _phase, fire = deadlines
    with time_machine.travel(datetime.datetime(2026, 4, 28, 9, tzinfo=SH), tick=False):
        due = {row["deadline"].pk: row for row in selectors.summaries_due(school_a)}
        assert due[fire.pk]["due"] == datetime.date(2026, 4, 27) and due[fire.pk]["timeliness"] == "missing"
        s = services.summary_submit(school=school_a, deadline=fire, period=datetime.date(2026, 4, 1),
                                    actor=officer_a, title="四月消防小结", text="完成消防设施检查。")
        assert s.kind == SummaryKind.FIRE
        with pytest.raises(DomainError, match="already handed in"):
            services.summary_submit(school=school_a, deadline=fire, period=datetime.date(2026, 4, 1),
                                    actor=officer_a, title="重复", text="重复")
        with pytest.raises(DomainError, match="no summary for 2026-05-01"):  # May has not begun
            services.summary_submit(school=school_a, deadline=fire, period=datetime.date(2026, 5, 1),
                                    actor=officer_a, title="五月", text="提前")
        rows = {o.pk: o.timeliness for o in selectors.summary_overview(fire, datetime.date(2026, 4, 1), bureau_staff)}
    assert rows == {school_a.pk: "late", school_b.pk: "missing"}


@pytest.mark.django_db
def test_a_corrected_phase_summary_keeps_its_first_submission(deadlines, school_a, officer_a, officer_b):
    phase, _fire = deadlines
    with time_machine.travel(datetime.datetime(2026, 5, 30, 9, tzinfo=SH), tick=False):
        s = services.summary_submit(school=school_a, deadline=phase, period=phase.date, actor=officer_a,
                                    title="集中整治工作总结", text="第一稿")
        with pytest.raises(DomainError):
            services.summary_submit(school=school_a, deadline=phase, period=phase.date, actor=officer_b,
                                    title="x", text="y")
    first = s.first_submitted_at
    with time_machine.travel(datetime.datetime(2026, 6, 3, 9, tzinfo=SH), tick=False):
        services.summary_submit(school=school_a, deadline=phase, period=phase.date, actor=officer_a,
                                title="集中整治工作总结", text="修改稿", summary=s)
    s.refresh_from_db()
    assert s.text == "修改稿" and s.first_submitted_at == first
    assert selectors.timeliness(s.first_submitted_at, s.due_date) == "on_time"


@pytest.mark.django_db
def test_the_officer_hands_in_a_summary_from_the_list(deadlines, school_a, officer_a, client):
    _phase, fire = deadlines
    client.force_login(officer_a)
    with time_machine.travel(datetime.datetime(2026, 4, 20, 9, tzinfo=SH), tick=False):
        page = client.get(reverse("reports:summary_list")).content.decode()
        assert 'data-testid="write-summary"' in page
        url = f"{reverse('reports:summary_create')}?deadline={fire.pk}&period=2026-04-01"
        assert client.get(url).status_code == 200
        r = client.post(url, {"title": "四月消防小结", "text": "完成消防演练一次。"})
        assert r.status_code == 302
    s = Summary.objects.get()
    assert r.url == s.get_absolute_url() and s.period == datetime.date(2026, 4, 1)
