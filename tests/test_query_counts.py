"""Every list page (an ObjectListView reachable in the URL conf) makes as many queries for 50 rows
as for 5: no N+1. The figures are written to var/query_counts.json for the closing note."""
from __future__ import annotations

import json
import os

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaign_site.generic.views import ObjectListView
from tests.urlwalk import ROOT_DIR, all_routes, load_registry, model_label, view_model

REGISTRY = load_registry()
LIST_ROUTES = [
    r for r in all_routes()
    if r.view_class is not None and issubclass(r.view_class, ObjectListView) and not r.kwargs
]
COUNTS_FILE = ROOT_DIR / "var" / "query_counts.json"


def _record(name, few, many, rows):
    COUNTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    key = f"{name} [{os.environ.get('DATABASE_URL', 'sqlite').split(':', 1)[0]}]"
    try:
        data = json.loads(COUNTS_FILE.read_text())
    except (OSError, ValueError):
        data = {}
    data[key] = {"queries_5": few, "queries_50": many, "rows_visible_at_50": rows}
    COUNTS_FILE.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True))


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return len(ctx), response


@pytest.mark.parametrize("route", LIST_ROUTES, ids=lambda r: r.name)
def test_list_queries_do_not_grow_with_rows(route, school_a, bureau_staff, officer_a):
    model = view_model(route, REGISTRY)
    factory = REGISTRY.list_objects.get(model) or REGISTRY.objects.get(model)
    if factory is None:
        pytest.fail(f"{route.name} lists {model_label(model)}: add it to tests/{model._meta.app_label}/objects.py")
    client = Client()
    client.force_login(bureau_staff)
    url = reverse(route.name)
    visible = model._default_manager.all()
    if hasattr(visible, "visible_to"):
        visible = visible.visible_to(bureau_staff)
    before = visible.count()

    for _ in range(5):
        factory(school_a)
    _count(client, url)  # warm caches (content types, sessions) before counting
    few, _response = _count(client, url)
    for _ in range(45):
        factory(school_a)
    grown = visible.count() - before
    assert grown >= 50, (
        f"the factory for {model_label(model)} made {grown} new rows in 50 calls: add "
        f"LIST_OBJECTS = {{{model.__name__}: lambda school: <a new one>}} to tests/{model._meta.app_label}/objects.py"
    )
    many, response = _count(client, url)
    table = response.context.get("table") if response.context else None
    rows = len(table.page.object_list) if table is not None and getattr(table, "page", None) else None
    _record(route.name, few, many, rows)
    print(f"\n{route.name}: {few} queries with 5 rows, {many} with 50 (rows shown: {rows})")
    assert many == few, (
        f"{route.name}: {few} queries for 5 {model_label(model)} rows but {many} for 50: an N+1 in the table, "
        f"the filter form or the summary (add select_related / prefetch_related)"
    )


# The home page of each role: its widgets read a bounded number of rows whatever the records.
HOME_QUERIES = {"officer_a": 18, "principal_a": 21, "custodian_a": 17, "responsible_a": 15, "bureau_staff": 20}


def _records(school, n):
    from campaign_site.accounts.models import Person
    from tests.hazards import factories as hf

    person = Person.objects.filter(organisation=school, user__username__startswith="responsible").first()
    for i in range(n):
        hf.hazard(school, responsible_person=person) if i % 2 else hf.major_hazard(school, responsible_person=person)


@pytest.mark.parametrize("who", sorted(HOME_QUERIES))
def test_home_page_queries_do_not_grow_with_the_records(who, request, district, school_a, school_b, responsible_a):
    # At a fixed school-day moment: some widgets ask more while a window is open (gate duty sign-in).
    import datetime
    import zoneinfo

    import time_machine

    with time_machine.travel(datetime.datetime(2026, 3, 4, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")),
                             tick=False):
        _home_queries(who, request, district, school_a, school_b)


def _home_queries(who, request, district, school_a, school_b):
    from tests import factories as f

    user = request.getfixturevalue(who)
    for school in (school_a, school_b):
        _records(school, 6)  # every widget past its first page (5 items) already
    client = Client()
    client.force_login(user)
    url = reverse("home")
    _count(client, url)  # warm caches before counting
    few, _response = _count(client, url)
    for school in (school_a, school_b, f.organisation(name="第三中学", parent=district)):
        _records(school, 12)
    many, _response = _count(client, url)
    print(f"\nhome as {who}: {few} queries, {many} with three times the records and a third school")
    assert many == few == HOME_QUERIES[who]
