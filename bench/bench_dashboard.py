"""The bureau dashboard against its goal: median page ≤ 2 × (empty layout page + 20 ms), with a
constant number of queries (issue 10, "Numbers").

    .venv/bin/python bench/bench_dashboard.py [--repeat 21]

On the generated data (bench/generate.py: 1,000,000 hazards, 3,000 schools), as `bench_bureau`
(city bureau, sees every school), through the Django test client, in one run:

1. once: a live campaign asking for monthly reports (no report is in yet: every school is
   missing) with 10 focus areas at the city bureau, a third of the hazards put into them and one
   open major hazard in ten listed for supervision (plain UPDATEs), so the charts by focus area,
   the reporting status and the listed hazards have data;
2. the rollups: `rollups_refresh()` for all 3,000 schools (what the periodic task runs every
   ten minutes), timed with its number of queries;
3. round-robin: the empty layout page (bench_lists.py's `/_bench/empty/`), the bureau dashboard
   (`reports:dashboard`, from the rollups) and one school's dashboard (`reports:school_dashboard`,
   counted live), each with its queries timed by an execute_wrapper.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict

from _setup import ROOT, django_setup
from bench_lists import EMPTY_URL, SqlTimer, bench_urlconf

CAMPAIGN_TITLE = "基准攻坚行动（看板）"


def enrich():
    """Focus areas and listings for the dashboard's charts (idempotent: once per database)."""
    import datetime

    from django.db import connection, transaction

    from campaign_site.accounts.models import Organisation, OrgKind
    from campaign_site.campaigns.models import Campaign, CampaignStatus, Deadline, DeadlineKind, FocusArea
    from hazards.models import Hazard

    existing = Campaign.objects.filter(title=CAMPAIGN_TITLE).first()
    if existing is not None:
        # it asks for monthly reports (by the 10th): the dashboard's reporting status is measured too
        Deadline.objects.get_or_create(campaign=existing, kind=DeadlineKind.MONTHLY_REPORT,
                                       defaults={"name": "报送月报", "day_of_month": 10})
        return
    t0 = time.perf_counter()
    city = Organisation.objects.get(kind=OrgKind.CITY_BUREAU, code="BCITY")
    names = ["消防安全", "校舍安全", "食品安全", "危险化学品", "校车安全", "防溺水", "校园欺凌", "用电安全",
             "特种设备", "实验室安全"]
    table = Hazard._meta.db_table
    with transaction.atomic():
        campaign = Campaign.objects.create(organisation=city, title=CAMPAIGN_TITLE, start=datetime.date(2026, 1, 1),
                                           end=datetime.date(2026, 12, 31), status=CampaignStatus.ACTIVE,
                                           issuer_name=city.name)
        Deadline.objects.create(campaign=campaign, kind=DeadlineKind.MONTHLY_REPORT, name="报送月报", day_of_month=10)
        areas = [FocusArea.objects.create(campaign=campaign, code=f"a{i}", order=i, name=name)
                 for i, name in enumerate(names, start=1)]
        with connection.cursor() as cur:
            cur.execute(f"UPDATE {table} SET focus_area_id = (%s::int[])[(id %% 10) + 1], campaign_id = %s "
                        f"WHERE id %% 3 = 0", [[a.pk for a in areas], campaign.pk])
            cur.execute(f"UPDATE {table} SET is_listed = true WHERE level = 'major' AND status <> 'closed' "
                        "AND id % 10 = 0")
    with connection.cursor() as cur:
        cur.execute(f"VACUUM ANALYZE {table}")
    print(f"enriched: 10 focus areas, {Hazard.objects.filter(is_listed=True).count():,} listed hazards "
          f"({time.perf_counter() - t0:.1f} s)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=21)
    args = parser.parse_args()
    django_setup()
    sys.path.insert(0, str(ROOT))

    import platform

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import clear_url_caches, reverse

    from campaign_site.accounts.models import Organisation, User
    from hazards.models import Hazard
    from reports.rollups import rollups_refresh

    call_command("migrate", verbosity=0)
    settings.ROOT_URLCONF = bench_urlconf()
    settings.ALLOWED_HOSTS = ["*"]
    clear_url_caches()
    enrich()
    user = User.objects.get(username="bench_bureau")

    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        pg = cur.fetchone()[0]
    schools = Organisation.objects.schools().count()
    print(f"database: PostgreSQL {pg} {connection.settings_dict['NAME']}; {Hazard.objects.count():,} hazards, "
          f"{schools:,} schools; python {platform.python_version()}; "
          f"load average {' '.join(open('/proc/loadavg').read().split()[:3])} at start")

    refresh = []
    for _i in range(3):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            rows = rollups_refresh()
            refresh.append(time.perf_counter() - t0)
    print(f"rollups_refresh: {rows:,} rows, {len(ctx)} queries, median {statistics.median(refresh) * 1000:.0f} ms "
          f"(runs: {', '.join(f'{t * 1000:.0f}' for t in refresh)} ms)")

    client = Client()
    client.force_login(user)
    school = Organisation.objects.schools().order_by("pk").first()
    pages = [("empty layout page", EMPTY_URL), ("bureau dashboard", reverse("reports:dashboard")),
             ("school dashboard (live)", reverse("reports:school_dashboard", args=[school.pk]))]
    for _label, url in pages:  # warm up
        response = client.get(url)
        assert response.status_code == 200, f"{url} answered {response.status_code}"

    times, sql, counts, slowest = defaultdict(list), defaultdict(list), {}, {}
    start = time.perf_counter()
    for _round in range(args.repeat):
        for label, url in pages:
            timer = SqlTimer()
            with connection.execute_wrapper(timer):
                t0 = time.perf_counter()
                client.get(url)
                times[label].append(time.perf_counter() - t0)
            sql[label].append(sum(t for _s, _p, t in timer.statements))
            counts[label] = len(timer.statements)
            slowest[label] = sorted(timer.statements, key=lambda s: -s[2])[:4]
    wall = time.perf_counter() - start
    med = statistics.median
    empty = med(times["empty layout page"])
    goal = 2 * (empty + 0.020)
    print(f"\n{args.repeat} rounds in {wall:.0f} s; load average "
          f"{' '.join(open('/proc/loadavg').read().split()[:3])} at the end\n")
    print("| page | queries | median page | SQL (all statements) | goal 2 × (empty + 20 ms) |")
    print("|---|---|---|---|---|")
    for label, _url in pages:
        page = med(times[label])
        verdict = f"{goal * 1000:.1f} ms: {'met' if page <= goal else 'MISSED'} ({page / goal:.2f} of it)" \
            if label != "empty layout page" else ""
        print(f"| {label} | {counts[label]} | {page * 1000:.1f} ms | {med(sql[label]) * 1000:.1f} ms | {verdict} |")
    for label in ("bureau dashboard", "school dashboard (live)"):
        print(f"\nslowest statements of the {label} (last round):")
        for statement, _params, seconds in slowest[label]:
            print(f"  {seconds * 1000:7.1f} ms  {statement[:150]}")


if __name__ == "__main__":
    main()
