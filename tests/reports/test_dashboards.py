"""Dashboards (issue 10.7): the per-school daily rollups equal the live counts after every kind of
change, every figure and chart segment opens a list showing the same number, the pages' queries
do not grow with the number of schools, and the page carries ECharts and its data (no browser)."""
import datetime
import json
import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaign_site.accounts.models import Organisation, Person
from campaign_site.campaigns.models import Deadline, DeadlineKind
from campaign_site.generic import periodic, twoperson
from campaign_site.generic.models import PendingAction, PendingStatus
from chemicals import services as chs
from chemicals.models import Container, ContainerStatus, controlled_q
from hazards import services as hs
from hazards.models import OPEN_STATUSES, Hazard, HazardLevel, HazardStatus
from reports.models import SchoolDailyRollup
from reports.rollups import rollups_refresh
from schoolbus.models import Violation
from tests import factories as f
from tests.campaigns import factories as cf
from tests.chemicals import factories as chf
from tests.hazards import factories as hf
from tests.schoolbus import factories as bf

TODAY = timezone.localdate()
FIRST = TODAY.replace(day=1)


# Live counts, straight from the records (not through the selectors the rollups use) -------------


def live(school) -> dict:
    hazards = Hazard.objects.filter(organisation=school)
    opened = hazards.filter(status__in=OPEN_STATUSES)
    month_start = timezone.make_aware(datetime.datetime.combine(FIRST, datetime.time.min))
    out = {
        "hazards_total": hazards.count(),
        **{f"status_{s}": hazards.filter(status=s).count() for s in HazardStatus.values},
        "open_general": opened.filter(level=HazardLevel.GENERAL).count(),
        "open_major": opened.filter(level=HazardLevel.MAJOR).count(),
        "overdue": hazards.overdue(TODAY).count(),
        "listed_open": opened.filter(is_listed=True).count(),
        "found_today": hazards.filter(found_on=TODAY).count(),
        "found_month": hazards.filter(found_on__gte=FIRST).count(),
        "closed_month": hazards.filter(closed_at__gte=month_start).count(),
        "bus_violations_month": Violation.objects.filter(organisation=school, date__gte=FIRST).count(),
        "controlled_in_stock": Container.objects.filter(controlled_q("chemical__"), organisation=school,
                                                        status=ContainerStatus.IN_STOCK).count(),
    }
    areas = {}
    for h in hazards.filter(focus_area__isnull=False):
        areas[str(h.focus_area_id)] = areas.get(str(h.focus_area_id), 0) + 1
    months = {}
    for h in hazards.filter(found_on__gte=(FIRST - datetime.timedelta(days=335)).replace(day=1)):
        months[f"{h.found_on:%Y-%m}"] = months.get(f"{h.found_on:%Y-%m}", 0) + 1
    kinds = {}
    for v in Violation.objects.filter(organisation=school, date__gte=FIRST):
        kinds[v.kind] = kinds.get(v.kind, 0) + 1
    out.update(by_focus_area=areas, by_month=months, violations_by_kind=kinds)
    return out


def stored(school) -> dict:
    row = SchoolDailyRollup.objects.get(organisation=school, date=TODAY)
    return {name: getattr(row, name) for name in live(school)}


def assert_rollups_match(*schools):
    rollups_refresh()
    for school in schools:
        assert stored(school) == live(school), school.name
    # each bureau's row is the sum of the schools below it (the bureau dashboard reads it)
    for bureau in {s.parent for s in schools}:
        below = Organisation.objects.schools().below(bureau)
        expected = {}
        for school in below:
            for name, value in live(school).items():
                if isinstance(value, dict):
                    merged = expected.setdefault(name, {})
                    for key, n in value.items():
                        merged[key] = merged.get(key, 0) + n
                else:
                    expected[name] = expected.get(name, 0) + value
        row = SchoolDailyRollup.objects.get(organisation=bureau, date=TODAY, is_school=False)
        assert {name: getattr(row, name) for name in expected} == expected, bureau.name
        assert row.schools == below.count()


@pytest.fixture
def resp(responsible_a):
    return Person.objects.get(user=responsible_a)


def _close(hazard, responsible, officer, principal):
    hs.hazard_submit_rectification(hazard=hazard, actor=responsible, note="已整改")
    hs.hazard_reinspect(hazard=hazard, actor=officer, passed=True, note="复查合格")
    return hs.hazard_sign_off(hazard=hazard, actor=principal)


def _campaign(district):
    """A campaign in progress that asks for monthly reports (by the 5th of each month)."""
    campaign = cf.campaign(district, start=TODAY - datetime.timedelta(days=40), end=TODAY + datetime.timedelta(days=60))
    Deadline.objects.create(campaign=campaign, kind=DeadlineKind.MONTHLY_REPORT, name="报送月报", day_of_month=5)
    return campaign


def _cyanide(school):
    """Potassium cyanide put on file by one trained custodian: (container, the pending receipt, the second)."""
    first, second = chf.trained_custodian(school), chf.trained_custodian(school)
    safe = chf.cabinet(school, controlled=True, holders=(first, second), kind="toxic")
    bottle = chs.container_create(organisation=school, actor=first, chemical=chf.chem(chf.KCN), cabinet=safe,
                                  unit="g", size=Decimal("500"), received_on=TODAY)
    return bottle, PendingAction.objects.get(object_id=bottle.pk, status=PendingStatus.PENDING), second


def _confirm(action, user):
    return twoperson.pending_action_confirm(action=action, user=user, password=f.PASSWORD)


def _list(hazard, bureau):
    return hs.hazard_list_for_supervision(
        hazard=hazard, actor=bureau, measure="拆除危墙", owner="总务处", funds="专项经费",
        bureau_deadline=TODAY + datetime.timedelta(days=20), contingency_plan="应急预案",
        interim_measures="拉警戒线", watcher=hf.person(hazard.organisation, name="韩卫东"))


# Rollups against live counts ---------------------------------------------------------------------


def test_rollups_equal_live_counts_after_every_kind_of_change(school_a, school_b, district, officer_a, resp,
                                                              responsible_a, principal_a, bureau_staff):
    campaign = cf.campaign(district)
    area = campaign.focus_areas.get()
    assert_rollups_match(school_a, school_b)  # nothing yet: zeros everywhere
    assert SchoolDailyRollup.objects.filter(date=TODAY, is_school=True).count() == 2

    # created: general, major, one of a focus area, one found months ago and long overdue
    general = hf.hazard(school_a, actor=officer_a, responsible_person=resp)
    major = hf.major_hazard(school_a, actor=officer_a, responsible_person=resp,
                            deadline=TODAY + datetime.timedelta(days=30))
    hf.hazard(school_a, actor=officer_a, focus_area=area)
    old = TODAY - datetime.timedelta(days=70)
    hf.hazard(school_a, actor=officer_a, found_on=old, deadline=old + datetime.timedelta(days=5))
    hf.hazard(school_b, actor=None)
    assert_rollups_match(school_a, school_b)
    assert stored(school_a)["overdue"] == 1 and stored(school_a)["open_major"] == 1

    # rectified and closed
    _close(general, responsible_a, officer_a, principal_a)
    assert_rollups_match(school_a, school_b)
    assert stored(school_a)["status_closed"] == 1 and stored(school_a)["closed_month"] == 1

    # listed for supervision by the bureau
    _list(major, bureau_staff)
    assert_rollups_match(school_a, school_b)
    assert stored(school_a)["listed_open"] == 1

    # level lowered by the bureau (another major hazard, not listed)
    other = hf.major_hazard(school_a, actor=officer_a)
    assert_rollups_match(school_a)
    hs.hazard_decide_level(hazard=other, actor=bureau_staff, lower=True, note="同意降为一般隐患")
    assert_rollups_match(school_a, school_b)
    assert stored(school_a)["open_major"] == 1

    # a school bus violation (an overloaded trip)
    bf.trip(school_b, boarded=30, date=TODAY)
    assert_rollups_match(school_a, school_b)
    assert stored(school_b)["bus_violations_month"] >= 1

    # a controlled chemical put on file: in stock once the second custodian confirms the receipt
    _bottle, receipt, second = _cyanide(school_b)
    chf.container(school_b, chf.SALT)
    assert_rollups_match(school_a, school_b)
    assert stored(school_b)["controlled_in_stock"] == 0
    _confirm(receipt, second)
    assert_rollups_match(school_a, school_b)
    assert stored(school_b)["controlled_in_stock"] == 1

    # recomputing the same day rewrites the rows, never adds any
    rollups_refresh()
    assert SchoolDailyRollup.objects.filter(date=TODAY, is_school=True).count() == 2


def test_refresh_command_and_periodic_task(school_a, officer_a):
    hf.hazard(school_a, actor=officer_a)
    call_command("refresh_rollups", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert SchoolDailyRollup.objects.get(organisation=school_a, date=TODAY).hazards_total == 1
    spec = next(s for s in periodic.specs() if s.name == "dashboard rollups")
    assert spec.every_seconds == 600
    from campaign_site.celery import app

    assert app.tasks[spec.task]() == Organisation.objects.count()  # runs the refresh: every school and bureau


# Figures and segments open the list behind them ---------------------------------------------------


def _listed_count(client, url) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    filterset = response.context["filter"]
    assert not filterset.is_bound or filterset.is_valid(), (url, filterset.errors)
    # (the school filter is hidden from a user of one school, who sees that school's rows only)
    unknown = set(parse_qs(urlsplit(url).query)) - set(filterset.filters) - {"organisation"}
    if "organisation" in parse_qs(urlsplit(url).query) and "organisation" not in filterset.filters:
        assert Organisation.objects.schools().visible_to(response.wsgi_request.user).count() == 1
    assert not unknown, f"{url}: the list has no filter {unknown}"
    return filterset.qs.count()


@pytest.fixture
def district_data(school_a, school_b, district, officer_a, resp, responsible_a, principal_a, bureau_staff):
    campaign = _campaign(district)
    Deadline.objects.create(campaign=campaign, kind=DeadlineKind.SUMMARY, name="报送阶段总结",
                            date=TODAY + datetime.timedelta(days=10))
    area = campaign.focus_areas.get()
    done = hf.hazard(school_a, actor=officer_a, responsible_person=resp, focus_area=area)
    _close(done, responsible_a, officer_a, principal_a)
    _list(hf.major_hazard(school_a, actor=officer_a, deadline=TODAY + datetime.timedelta(days=30)), bureau_staff)
    old = TODAY - datetime.timedelta(days=70)
    hf.hazard(school_b, actor=None, found_on=old, deadline=old + datetime.timedelta(days=5), focus_area=area)
    hf.hazard(school_b, actor=None)
    bf.trip(school_b, boarded=30, date=TODAY)
    _bottle, receipt, second = _cyanide(school_a)
    _confirm(receipt, second)
    rollups_refresh()


def test_bureau_dashboard_figures_open_lists_with_the_same_counts(client, district_data, bureau_staff, school_a,
                                                                  school_b):
    client.force_login(bureau_staff)
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    cards = {c["key"]: c for c in response.context["cards"]}
    total = Hazard.objects.visible_to(bureau_staff).count()  # 5 registered, and the bus violation's
    assert total > 5 and cards["total"]["value"] == total
    assert cards["overdue"]["value"] == 1 and cards["listed"]["value"] == 1
    assert cards["rate"]["value"] == f"{round(100 / total, 1)}%"
    for key in ("total", "open", "overdue", "major", "listed", "found_month", "closed_month", "violations",
                "controlled"):
        card = cards[key]
        assert f'href="{card["url"]}"'.replace("&", "&amp;") in response.content.decode()
        assert _listed_count(client, card["url"]) == card["value"], key
    assert _listed_count(client, cards["rate"]["url"]) == 1  # the closed ones behind the rate

    charts = {c["id"]: c for c in response.context["charts"]}
    segments = 0
    reporting = [c for c in charts if c.startswith("reporting-")]
    assert len(reporting) == 1  # the campaign in progress: schools by this month's report
    assert sum(i["value"] for i in charts[reporting[0]]["items"]) == 2
    for chart_id in ("status", "level", "focus_area", "month", "violations", "overdue_schools", *reporting):
        for item in charts[chart_id]["items"]:
            assert _listed_count(client, item["url"]) == item["value"], (chart_id, item)
            segments += 1
    assert segments > 20
    assert [i["value"] for i in charts["focus_area"]["items"]] == [2]
    ranked = charts["rate_schools"]["items"]
    a_total = Hazard.objects.filter(organisation=school_a).count()
    assert [i["value"] for i in ranked] == [0.0, round(100 / a_total, 1)]  # school B none closed, A one
    assert _listed_count(client, ranked[1]["url"]) == a_total
    assert [i["name"] for i in ranked] == [school_b.name, school_a.name]


def test_school_dashboard_counts_live_with_its_deadlines(client, district_data, school_a, officer_a, officer_b):
    client.force_login(officer_a)
    response = client.get(reverse("reports:dashboard"))  # school staff are taken to their school's
    assert response.status_code == 302
    response = client.get(response.url)
    assert response.status_code == 200 and response.context["school"] == school_a
    hf.hazard(school_a, actor=officer_a)  # counted at once (live), unlike the bureau's rollups
    response = client.get(reverse("reports:school_dashboard", args=[school_a.pk]))
    cards = {c["key"]: c for c in response.context["cards"]}
    assert cards["total"]["value"] == 3
    for card in cards.values():
        if card["key"] != "rate":
            assert _listed_count(client, card["url"]) == card["value"], card["key"]
    for chart in response.context["charts"]:
        for item in chart["items"]:
            assert _listed_count(client, item["url"]) == item["value"], (chart["id"], item)
    page = response.content.decode()
    assert "报送阶段总结" in page and f"{TODAY + datetime.timedelta(days=10):%Y-%m-%d}" in page  # a deadline ahead
    client.force_login(officer_b)
    assert client.get(reverse("reports:school_dashboard", args=[school_a.pk])).status_code == 404


def test_bureau_sees_a_schools_dashboard_and_the_figures_equal_its_rollup(client, district_data, school_b,
                                                                           bureau_staff):
    client.force_login(bureau_staff)
    response = client.get(reverse("reports:school_dashboard", args=[school_b.pk]))
    assert response.status_code == 200
    cards = {c["key"]: c["value"] for c in response.context["cards"]}
    row = SchoolDailyRollup.objects.get(organisation=school_b, date=TODAY)
    assert (cards["total"], cards["overdue"], cards["violations"]) == (
        row.hazards_total, row.overdue, row.bus_violations_month)


# The page itself ----------------------------------------------------------------------------------


def test_dashboard_page_carries_echarts_and_its_data(client, district_data, bureau_staff):
    client.force_login(bureau_staff)
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert re.search(r'<script src="/static/vendor/echarts/echarts\.min\.js"></script>', page)
    assert '<script src="/static/js/dashboards.js"></script>' in page
    data = re.search(r'<script id="dashboard-charts" type="application/json">(.*?)</script>', page, re.S)
    charts = json.loads(data.group(1))
    status = next(c for c in charts if c["id"] == "status")
    assert status["kind"] == "pie"
    assert sum(i["value"] for i in status["items"]) == Hazard.objects.visible_to(bureau_staff).count()
    assert all(i["url"].startswith("/hazards/?") for i in status["items"])
    assert 'id="chart-status"' in page
    from django.contrib.staticfiles import finders

    assert finders.find("js/dashboards.js")
    assert finders.find("vendor/echarts/echarts.min.js"), "ECharts is not installed: npm ci (package-lock.json pins it)"


def test_dashboard_before_the_first_rollup_says_so(client, school_a, bureau_staff):
    client.force_login(bureau_staff)
    response = client.get(reverse("reports:dashboard"))
    assert b'data-testid="dashboard-not-ready"' in response.content
    assert b"echarts" not in response.content


def _home_counts(client):
    page = client.get(reverse("home")).content.decode()
    widget = page[page.index('data-testid="home-hazard-counts"'):]
    return (int(re.search(r'fs-3 fw-semibold">(\d+)<', widget).group(1)),
            int(re.search(r'data-testid="major-count"><div class="fs-3 fw-semibold">(\d+)<', widget).group(1)),
            'data-testid="counts-as-of"' in widget)


def test_the_bureaus_home_counts_come_from_the_rollups_once_there_are_any(client, school_a, school_b, bureau_staff):
    hf.major_hazard(school_a)
    hf.hazard(school_b)
    client.force_login(bureau_staff)
    assert _home_counts(client) == (2, 1, False)  # no rollup yet: counted live
    rollups_refresh()
    hf.major_hazard(school_b)  # after the rollup: shown at the next refresh
    assert _home_counts(client) == (2, 1, True)
    rollups_refresh()
    assert _home_counts(client) == (3, 2, True)


def test_dashboard_in_the_menu(client, bureau_staff, officer_a):
    for user in (bureau_staff, officer_a):
        client.force_login(user)
        assert reverse("reports:dashboard").encode() in client.get(reverse("home")).content


# Queries do not grow with the number of schools ----------------------------------------------------


def _schools_with_data(district, count, officer=None):
    schools = []
    for _i in range(count):
        school = f.organisation(parent=district)
        hf.hazard(school)
        hf.major_hazard(school)
        schools.append(school)
    return schools


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx)


BUREAU_DASHBOARD_QUERIES = 13  # 10, and three for the campaign in progress
SCHOOL_DASHBOARD_QUERIES = 16


def test_bureau_dashboard_queries_are_constant(client, district, bureau_staff, django_assert_num_queries):
    client.force_login(bureau_staff)
    url = reverse("reports:dashboard")
    _campaign(district)
    _schools_with_data(district, 2)
    rollups_refresh()
    client.get(url)  # warm the session and content types
    with django_assert_num_queries(BUREAU_DASHBOARD_QUERIES):
        assert client.get(url).context["schools"] == 2
    _schools_with_data(district, 3)
    rollups_refresh()
    with django_assert_num_queries(BUREAU_DASHBOARD_QUERIES):
        assert client.get(url).context["schools"] == 5


def test_school_dashboard_queries_are_constant(client, school_a, officer_a, django_assert_num_queries):
    client.force_login(officer_a)
    url = reverse("reports:school_dashboard", args=[school_a.pk])
    for _i in range(2):
        hf.hazard(school_a)
    client.get(url)
    with django_assert_num_queries(SCHOOL_DASHBOARD_QUERIES):
        client.get(url)
    for _i in range(5):
        hf.major_hazard(school_a)
    with django_assert_num_queries(SCHOOL_DASHBOARD_QUERIES):
        client.get(url)


def test_refresh_queries_do_not_grow_with_schools(district):
    _schools_with_data(district, 2)
    two = _queries(rollups_refresh)
    _schools_with_data(district, 3)
    assert _queries(rollups_refresh) == two
