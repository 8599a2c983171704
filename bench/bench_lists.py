"""Every list page against its floor: median page time ≤ 2 × (empty layout page + the page's own SQL).

    .venv/bin/python bench/bench_lists.py [--repeat 41] [--rows 10,100] [--only hazards:hazard_list]

On the generated data (bench/generate.py: 1,000,000 hazards, 3,000 schools), as `bench_bureau`
(city bureau, sees every school), through the Django test client, in one run:

- the floor: an empty page extending base.html (same middleware, session, navigation, layout),
  served from a URL this script adds (`/_bench/empty/`);
- every list page of the site (each `ObjectListView` in the URL conf without URL arguments: new
  apps' lists are found by themselves) at `?per_page=10` and `?per_page=100`.

Each request runs with a `connection.execute_wrapper` that times every SQL statement; the page's
own SQL is the sum for the statements the empty page does not also run (session, user,
memberships, notices are part of the floor). Pages are requested round-robin, so load on the
shared machine falls on all of them alike; the medians are over `--repeat` rounds.

Lists other than the hazard register start empty after generate.py: the first run fills them
(`--fill`, default 110 rows per list: enough for a page of 100) with the test suite's own factories (tests/*/objects.py),
spread over the generated schools.
"""
from __future__ import annotations

import argparse
import gc
import re
import statistics
import sys
import time
from collections import defaultdict

from _setup import ROOT, django_setup

EMPTY_URL = "/_bench/empty/"
ROW = re.compile(r'<tr [^>]*class="[^"]*\b(?:even|odd)\b')


def bench_urlconf():
    """The site's URLs plus the empty layout page (a module built at run time)."""
    import types

    from django.contrib.auth.decorators import login_required
    from django.http import HttpResponse
    from django.template import engines
    from django.urls import path

    from campaign_site.urls import urlpatterns

    empty = engines["django"].from_string('{% extends "base.html" %}')

    @login_required
    def empty_page(request):
        return HttpResponse(empty.render({"title": ""}, request))

    module = types.ModuleType("bench_urls")
    module.urlpatterns = [path(EMPTY_URL.strip("/") + "/", empty_page, name="bench_empty"), *urlpatterns]
    sys.modules["bench_urls"] = module
    return "bench_urls"


def list_routes():
    from campaign_site.generic.views import ObjectListView
    from tests.urlwalk import all_routes

    return [r for r in all_routes()
            if r.view_class is not None and issubclass(r.view_class, ObjectListView) and not r.kwargs]


def fill(routes, user, target: int):
    """Give every list at least `target` rows the bench user sees, through the tests' factories."""
    from django.db import transaction

    from campaign_site.accounts.models import Organisation
    from tests.urlwalk import load_registry, model_label, view_model

    registry = load_registry()
    schools = list(Organisation.objects.schools().order_by("pk")[:200])
    done = set()
    for route in routes:
        model = view_model(route, registry)
        if model in done:
            continue
        done.add(model)
        visible = model._default_manager.all()
        if hasattr(visible, "visible_to"):
            visible = visible.visible_to(user)
        have = visible.count()
        if have >= target:
            continue
        factory = registry.list_objects.get(model) or registry.objects.get(model)
        if factory is None:
            print(f"  {model_label(model)}: no factory in tests/{model._meta.app_label}/objects.py, left with {have}")
            continue
        t0 = time.perf_counter()
        made = 0
        try:
            with transaction.atomic():
                for i in range(target - have):
                    factory(schools[i % len(schools)])
                    made += 1
        except Exception as exc:  # e.g. a factory's counter repeating values of an earlier run
            print(f"  {model_label(model)}: factory failed ({type(exc).__name__}: {exc}), left with {have:,}")
            continue
        print(f"  {model_label(model)}: {have:,} -> {visible.count():,} rows ({made} factory calls, "
              f"{time.perf_counter() - t0:.1f} s)")


class SqlTimer:
    """execute_wrapper: (sql, params, seconds) of every statement of the current request."""

    def __init__(self):
        self.statements = []

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append((sql, repr(params), time.perf_counter() - start))


def measure(client, pages, repeat: int) -> float:
    """Request `pages` [(label, url, params)], the first being the empty layout page, round-robin
    `repeat` times; print query counts, medians and page / (empty + own SQL); return the worst ratio."""
    from django.db import connection

    def fetch(url, params):
        response = client.get(url, params or {})
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        return response

    info = {}
    for label, url, params in pages:  # warm up: templates, URL resolvers, connections
        html = fetch(url, params).content.decode()
        info[label] = len(ROW.findall(html[html.find("<tbody"):html.find("</tbody>")]))
    # What campaign_site/wsgi.py does once the app is loaded: long-lived objects out of the collector's reach.
    gc.collect()
    gc.freeze()

    page_times = defaultdict(list)
    sql_times = defaultdict(list)
    query_counts = {}
    floor_statements = None
    start = time.perf_counter()
    for _round in range(repeat):
        for label, url, params in pages:
            timer = SqlTimer()
            with connection.execute_wrapper(timer):
                t0 = time.perf_counter()
                fetch(url, params)
                elapsed = time.perf_counter() - t0
            if floor_statements is None:
                floor_statements = {(sql, p) for sql, p, _t in timer.statements}
            own = sum(t for sql, p, t in timer.statements if (sql, p) not in floor_statements)
            page_times[label].append(elapsed)
            sql_times[label].append(own)
            query_counts[label] = len(timer.statements)
    wall = time.perf_counter() - start
    load = open("/proc/loadavg").read().split()[:3]

    med = statistics.median
    empty = med(page_times["empty layout page"])
    print(f"\n{repeat} rounds of {len(pages)} pages in {wall:.0f} s; load average {' '.join(load)} at the end")
    print(f"empty layout page: median {empty * 1000:.1f} ms, {query_counts['empty layout page']} queries "
          f"(session, user, memberships, notices)\n")
    print("| page | rows | queries | median page | own SQL | floor (empty + SQL) | ratio |")
    print("|---|---|---|---|---|---|---|")
    worst = 0.0
    for label, _url, _params in pages[1:]:
        page, sql = med(page_times[label]), med(sql_times[label])
        floor = empty + sql
        ratio = page / floor
        worst = max(worst, ratio)
        name, _at, n = label.rpartition(" @")
        print(f"| {name} | {n} ({info[label]} shown) | {query_counts[label]} | {page * 1000:.1f} ms | "
              f"{sql * 1000:.1f} ms | {floor * 1000:.1f} ms | {ratio:.2f}× |")
    print(f"\nworst ratio {worst:.2f}× (goal ≤ 2)")
    return worst


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=41, help="rounds (each requests every page once)")
    parser.add_argument("--rows", default="10,100")
    parser.add_argument("--only", default="", help="comma-separated route names (default: every list)")
    parser.add_argument("--fill", type=int, default=110, help="rows to give each list that has fewer")
    parser.add_argument("--profile", default="", help="route name: print a cProfile of its 100-row page")
    args = parser.parse_args()
    django_setup()
    sys.path.insert(0, str(ROOT))

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import clear_url_caches, reverse

    from campaign_site.accounts.models import Organisation, OrgKind, User
    from hazards.models import Hazard

    call_command("migrate", verbosity=0)
    settings.ROOT_URLCONF = bench_urlconf()
    settings.ALLOWED_HOSTS = ["*"]
    clear_url_caches()
    user = User.objects.get(username="bench_bureau")
    routes = list_routes()
    if args.only:
        wanted = set(args.only.split(","))
        routes = [r for r in routes if r.name in wanted]
    if args.fill:
        fill(routes, user, args.fill)

    import platform

    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        pg = cur.fetchone()[0]
    load = open("/proc/loadavg").read().split()[:3]
    print(f"database: PostgreSQL {pg} {connection.settings_dict['NAME']}; {Hazard.objects.count():,} hazards, "
          f"{Organisation.objects.filter(kind=OrgKind.SCHOOL).count():,} schools; python {platform.python_version()}; "
          f"load average {' '.join(load)} at start")

    client = Client()
    client.force_login(user)
    per_pages = [int(n) for n in args.rows.split(",")]
    pages = [("empty layout page", EMPTY_URL, None)]
    for route in routes:
        for n in per_pages:
            pages.append((f"{route.name} @{n}", reverse(route.name), {"per_page": n}))

    if args.profile:
        import cProfile
        import pstats

        url = reverse(args.profile)
        for n in per_pages:
            prof = cProfile.Profile()
            prof.enable()
            for _ in range(5):
                client.get(url, {"per_page": n})
            prof.disable()
            print(f"=== {args.profile} @{n} (5 requests)")
            stats = pstats.Stats(prof)
            stats.sort_stats("cumulative").print_stats(60)
            stats.sort_stats("tottime").print_stats(30)
        return
    measure(client, pages, args.repeat)


if __name__ == "__main__":
    main()
