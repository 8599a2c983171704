import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaign_site.campaigns import selectors, services
from campaign_site.campaigns.models import ImplementationPlan, PlanStatus

from .. import factories as f
from . import factories as cf

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def campaign(district):
    return cf.campaign(district, plan_deadline=dt.date(2026, 3, 20))


def _submit(campaign, school, actor, when):
    with time_machine.travel(when, tick=False):
        return services.plan_submit(campaign=campaign, organisation=school, actor=actor, leader="校长",
                                    document=cf.docx_upload(cf.ORIGINAL_PLAN))


def test_on_time_late_missing_by_local_date(campaign, school_a, school_b, officer_a, officer_b, bureau_staff, district):
    school_c = f.organisation(parent=district, name="第三小学")
    # 23:30 on the deadline day in Shanghai is still on time (15:30 UTC)
    _submit(campaign, school_a, officer_a, dt.datetime(2026, 3, 20, 23, 30, tzinfo=SH))
    # 00:10 the next day is late
    _submit(campaign, school_b, officer_b, dt.datetime(2026, 3, 21, 0, 10, tzinfo=SH))
    with time_machine.travel(dt.datetime(2026, 3, 20, 12, 0, tzinfo=SH), tick=False):
        before = {o.pk: o.timeliness for o in selectors.plan_overview(campaign, bureau_staff)}
    assert before[school_c.pk] == selectors.Timeliness.NOT_DUE
    with time_machine.travel(dt.datetime(2026, 3, 22, 9, 0, tzinfo=SH), tick=False):
        rows = {o.pk: o.timeliness for o in selectors.plan_overview(campaign, bureau_staff)}
        counts = selectors.plan_counts(campaign, bureau_staff)
    assert rows == {school_a.pk: "on_time", school_b.pk: "late", school_c.pk: "missing"}
    assert (counts["on_time"], counts["late"], counts["missing"], counts["total"]) == (1, 1, 1, 3)


def test_overview_page_counts_filter_and_export(client_for, campaign, school_a, school_b, officer_a, bureau_staff):
    plan = _submit(campaign, school_a, officer_a, dt.datetime(2026, 3, 19, 9, 0, tzinfo=SH))
    services.plan_accept(plan=plan, actor=bureau_staff)
    client = client_for(bureau_staff)
    with time_machine.travel(dt.datetime(2026, 3, 25, 9, 0, tzinfo=SH), tick=False):
        page = client.get(reverse("campaigns:plan_overview", args=[campaign.pk])).content.decode()
        assert 'data-testid="summary"' in page and school_a.name in page and school_b.name in page
        missing = client.get(reverse("campaigns:plan_overview", args=[campaign.pk]) + "?timeliness=missing")
        body = missing.content.decode()
        assert school_b.name in body and school_a.name not in body
        csv = client.get(reverse("campaigns:plan_overview", args=[campaign.pk]) + "?export=csv")
        text = csv.content.decode("utf-8")
        assert csv.status_code == 200 and school_a.name in text and school_b.name in text


def test_overview_refused_to_school_users(client_for, campaign, officer_a):
    assert client_for(officer_a).get(reverse("campaigns:plan_overview", args=[campaign.pk])).status_code == 403


def test_overview_query_count_does_not_grow_with_schools(client_for, campaign, district, bureau_staff):
    client = client_for(bureau_staff)
    url = reverse("campaigns:plan_overview", args=[campaign.pk])

    def count():
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(3):
        f.organisation(parent=district)
    small = count()
    for i in range(20):
        school = f.organisation(parent=district)
        ImplementationPlan.objects.create(campaign=campaign, organisation=school, leader="校长",
                                          status=PlanStatus.SUBMITTED if i % 2 else PlanStatus.ACCEPTED)
    assert count() == small


def test_bureau_home_widget_shows_counts(client_for, campaign, school_a, officer_a, bureau_staff):
    _submit(campaign, school_a, officer_a, dt.datetime(2026, 3, 19, 9, 0, tzinfo=SH))
    body = client_for(bureau_staff).get(reverse("home")).content.decode()
    assert 'data-testid="home-plan-counts"' in body and campaign.title in body


def test_school_home_widget_offers_submit(client_for, campaign, officer_a):
    body = client_for(officer_a).get(reverse("home")).content.decode()
    assert 'data-testid="home-submit-plan"' in body and campaign.title in body
