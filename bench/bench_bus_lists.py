"""The school bus trip and violation lists with many trips, against their floor:
median page time ≤ 2 × (empty layout page + the page's own SQL), as in bench_lists.py.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_bus \\
        .venv/bin/python bench/bench_bus_lists.py [--trips 1000000] [--repeat 15] [--rows 10,100] [--explain]

Needs the tree of bench/generate.py (schools and the city-bureau user `bench_bureau`, who sees every
school; `generate.py --fresh --hazards 3000` is enough). The first run adds, with bulk_create, one
route, bus, driver and escort per school and, by COPY, `--trips` trips spread over the schools (morning and
afternoon runs on consecutive days back from today), about one trip in ten with one to three
violations (each pointing at one of the school's hazards), and each trip's violation count.

Then, round-robin in one run as `bench_bureau` through the Django test client: the empty layout
page (the floor: middleware, session, navigation, layout), `schoolbus:trip_list` and
`schoolbus:violation_list` at `?per_page=10` and `?per_page=100`. Every SQL statement is timed
(`execute_wrapper`); a page's own SQL is the sum over the statements the empty page does not also
run. Prints the query counts, medians and ratios, and with `--explain` the plan of each page's
slowest statement.
"""
from __future__ import annotations

import argparse
import datetime
import gc
import random
import statistics
import sys
import time
from collections import defaultdict

from _setup import ROOT, copy_rows, django_setup
from bench_lists import EMPTY_URL, bench_urlconf

PAGES = ("schoolbus:trip_list", "schoolbus:violation_list")
KINDS = ("overload", "no_escort", "count", "no_check", "documents")


class SqlTimer:
    """execute_wrapper: (sql, params, seconds) of every statement of the current request."""

    def __init__(self):
        self.statements = []

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append((sql, params, time.perf_counter() - start))


def generate(target: int) -> None:
    """Routes, buses, drivers, escorts (bulk_create, one each per school), `target` trips and their
    violations (COPY, trip ids given so the violations can point at them)."""
    from django.db import transaction
    from django.utils import timezone

    from campaign_site.accounts.models import Organisation
    from hazards.models import Hazard
    from schoolbus.models import Driver, Escort, LicenceClass, Route, Run, Trip, Vehicle, VehicleStatus, Violation

    have = Trip.objects.count()
    if have >= target:
        return
    if have:
        sys.exit(f"{have:,} trips already there, fewer than {target:,}: run generate.py --fresh first.")
    t0 = time.perf_counter()
    rng = random.Random(20120405)
    schools = list(Organisation.objects.schools().order_by("pk"))
    hazard_of = dict(Hazard.objects.order_by("organisation_id", "pk").distinct("organisation_id")
                     .values_list("organisation_id", "pk"))
    today = timezone.localdate()
    with transaction.atomic():
        routes = Route.objects.bulk_create([Route(organisation=s, name="1号线") for s in schools])
        buses = Vehicle.objects.bulk_create([
            Vehicle(organisation=s, plate=f"豫B{i:05d}", operator="校车服务公司", make_model="宇通 ZK6609DX", seats=35,
                    registered_on=datetime.date(2022, 3, 1), permit_valid_until=datetime.date(2030, 1, 1),
                    inspected_on=today - datetime.timedelta(days=60), insurance_valid_until=datetime.date(2030, 1, 1),
                    status=VehicleStatus.IN_SERVICE)
            for i, s in enumerate(schools)])
        drivers = Driver.objects.bulk_create([
            Driver(organisation=s, name=f"驾驶员{i}", id_number=f"41010519800517{i:04d}"[:18],
                   birth_date=datetime.date(1980, 5, 17), licence_class=LicenceClass.A1,
                   licence_since=datetime.date(2005, 1, 1), endorsement_valid_until=datetime.date(2030, 1, 1))
            for i, s in enumerate(schools)])
        escorts = Escort.objects.bulk_create([Escort(organisation=s, name=f"照管员{i}") for i, s in enumerate(schools)])
    print(f"  fleet: {len(schools):,} routes, buses, drivers and escorts in {time.perf_counter() - t0:.1f} s")

    t1 = time.perf_counter()
    per_school, extra = divmod(target, len(schools))
    now = timezone.now()
    violations = []  # (trip id, school pk, date, kind): about 0.2 per trip, small tuples

    def trips():
        trip_id = 0
        for index, school in enumerate(schools):
            for n in range(per_school + (1 if index < extra else 0)):
                trip_id += 1
                date = today - datetime.timedelta(days=n // 2)
                kinds = rng.sample(KINDS, rng.randint(1, 3)) if rng.random() < 0.1 else []
                violations.extend((trip_id, school.pk, date, kind) for kind in kinds)
                yield {"id": trip_id, "organisation": school.pk, "date": date,
                       "run": Run.MORNING if n % 2 else Run.AFTERNOON, "route": routes[index].pk,
                       "vehicle": buses[index].pk, "driver": drivers[index].pk, "escort": escorts[index].pk,
                       "boarded": 30, "alighted": 30, "pre_trip_check": True, "adverse_weather": False,
                       "track_points": 0, "violation_count": len(kinds), "created_at": now}

    def violation_rows():
        for trip_id, school_pk, date, kind in violations:
            yield {"organisation": school_pk, "trip": trip_id, "kind": kind, "date": date,
                   "key": f"bus:trip:{trip_id}:{kind}", "evidence": "基准数据", "points": 0,
                   "hazard": hazard_of.get(school_pk), "found_at": now}

    with transaction.atomic():
        made = copy_rows(Trip, trips(), with_pk=True, every=200_000, label="trips")
        print(f"  {made:,} trips in {time.perf_counter() - t1:.1f} s")
        copy_rows(Violation, violation_rows(), every=100_000, label="violations")
    print(f"  {Trip.objects.count():,} trips, {Violation.objects.count():,} violations in "
          f"{time.perf_counter() - t1:.1f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trips", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=15, help="rounds (each requests every page once)")
    parser.add_argument("--rows", default="10,100")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE each page's slowest statement")
    args = parser.parse_args()
    django_setup()
    sys.path.insert(0, str(ROOT))

    import platform

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import clear_url_caches, reverse

    from campaign_site.accounts.models import Organisation, OrgKind, User
    from schoolbus.models import Trip, Violation

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.perf_counter() - t0:.1f} s")
    generate(args.trips)
    settings.ROOT_URLCONF = bench_urlconf()
    settings.ALLOWED_HOSTS = ["*"]
    clear_url_caches()
    user = User.objects.get(username="bench_bureau")

    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        pg = cur.fetchone()[0]
    load = open("/proc/loadavg").read().split()[:3]
    print(f"database: PostgreSQL {pg} {connection.settings_dict['NAME']}; {Trip.objects.count():,} trips, "
          f"{Violation.objects.count():,} violations, "
          f"{Organisation.objects.filter(kind=OrgKind.SCHOOL).count():,} schools; python {platform.python_version()}; "
          f"load average {' '.join(load)} at start")

    client = Client()
    client.force_login(user)
    pages = [("empty layout page", EMPTY_URL, None)]
    for name in PAGES:
        for n in (int(x) for x in args.rows.split(",")):
            pages.append((f"{name} @{n}", reverse(name), {"per_page": n}))

    def fetch(url, params):
        response = client.get(url, params or {})
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        return response

    for _label, url, params in pages:  # warm up: templates, URL resolvers, connections
        fetch(url, params)
    gc.collect()  # as campaign_site/wsgi.py does once the app is loaded
    gc.freeze()

    page_times, sql_times, slowest = defaultdict(list), defaultdict(list), {}
    query_counts = {}
    floor_statements = None
    start = time.perf_counter()
    for _round in range(args.repeat):
        for label, url, params in pages:
            timer = SqlTimer()
            with connection.execute_wrapper(timer):
                t1 = time.perf_counter()
                fetch(url, params)
                elapsed = time.perf_counter() - t1
            if floor_statements is None:
                floor_statements = {(sql, repr(p)) for sql, p, _t in timer.statements}
            own = [(t, sql, p) for sql, p, t in timer.statements if (sql, repr(p)) not in floor_statements]
            page_times[label].append(elapsed)
            sql_times[label].append(sum(t for t, _sql, _p in own))
            query_counts[label] = len(timer.statements)
            if own:
                slowest[label] = max(own, key=lambda row: row[0])
    wall = time.perf_counter() - start
    load = open("/proc/loadavg").read().split()[:3]

    med = statistics.median
    empty = med(page_times["empty layout page"])
    print(f"\n{args.repeat} rounds of {len(pages)} pages in {wall:.0f} s; load average {' '.join(load)} at the end")
    print(f"empty layout page: median {empty * 1000:.1f} ms, {query_counts['empty layout page']} queries\n")
    print("| page | rows | queries | median page | own SQL | floor (empty + SQL) | ratio |")
    print("|---|---|---|---|---|---|---|")
    worst = 0.0
    for label, _url, _params in pages[1:]:
        page, sql = med(page_times[label]), med(sql_times[label])
        ratio = page / (empty + sql)
        worst = max(worst, ratio)
        name, _at, n = label.rpartition(" @")
        print(f"| {name} | {n} | {query_counts[label]} | {page * 1000:.1f} ms | {sql * 1000:.1f} ms | "
              f"{(empty + sql) * 1000:.1f} ms | {ratio:.2f}× |")
    print(f"\nworst ratio {worst:.2f}× (goal ≤ 2)")
    for label, (seconds, sql, params) in slowest.items():
        print(f"\n{label}: slowest statement {seconds * 1000:.1f} ms (last round)\n  {sql[:400]}")
        if args.explain:
            with connection.cursor() as cur:
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                print("\n".join("    " + row[0] for row in cur.fetchall()))


if __name__ == "__main__":
    main()
