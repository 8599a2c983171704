"""The hazard register list page and its Excel export on the generated data (PostgreSQL).

    .venv/bin/python bench/bench_register.py [--repeat 7]

As the bureau user of the city bureau (sees every school), through the Django test client:
1. the list page at 10 and at 100 rows per page: the number of queries (must be equal) and the
   median page time, against the median time of the page's own main query (the list SELECT with
   LIMIT) run alone with cursor.execute in the same run; the ratio must stay within 3;
2. ?export=xlsx of filtered pages (one school; overdue major hazards of one district). Exporting
   all 1,000,000 rows in one request is not a sensible use and is not measured.
EXPLAIN ANALYZE of the slowest queries is printed for the report.
"""
from __future__ import annotations

import argparse
import datetime
from io import BytesIO

from _setup import django_setup, median, ms, timed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of the list's queries")
    parser.add_argument("--variants", action="store_true",
                        help="also measure the page with proposed fixes patched in (in this process only)")
    args = parser.parse_args()
    django_setup()

    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone
    from openpyxl import load_workbook

    from campaign_site.accounts.models import Organisation, OrgKind, User
    from hazards.models import Hazard

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; "
          f"{Hazard.objects.count():,} hazards, {Organisation.objects.filter(kind=OrgKind.SCHOOL).count():,} schools")
    user = User.objects.get(username="bench_bureau")
    client = Client()
    client.force_login(user)
    url = reverse("hazards:hazard_list")

    def get(params):
        response = client.get(url, params)
        assert response.status_code == 200, response.status_code
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        return response

    def main_query(queries):
        """The list SELECT with LIMIT on the hazards table (not a COUNT)."""
        candidates = [q for q in queries if 'FROM "hazards_hazard"' in q["sql"] and "LIMIT" in q["sql"]
                      and "COUNT(" not in q["sql"].upper()]
        return max(candidates, key=lambda q: float(q["time"])) if candidates else None

    def run_sql(sql):
        with connection.cursor() as cur:
            cur.execute(sql)
            cur.fetchall()

    results = {}
    for per_page in (10, 100):
        params = {"per_page": per_page}
        get(params)  # warm up (templates, connections, caches)
        queries = capture(lambda params=params: get(params))
        page_times = timed(lambda params=params: get(params), args.repeat)
        main = main_query(queries)
        sql_times = timed(lambda main=main: run_sql(main["sql"]), args.repeat) if main else [float("nan")]
        results[per_page] = (len(queries), median(page_times), median(sql_times))
        print(f"\nlist page, {per_page} rows per page: {len(queries)} queries")
        print(f"  median page time     {ms(median(page_times))}")
        print(f"  median main query    {ms(median(sql_times))}   (the SELECT … LIMIT {per_page} alone)")
        print(f"  ratio page / main    {median(page_times) / median(sql_times):8.1f}x")
        slow = sorted(queries, key=lambda q: -float(q["time"]))[:4]
        print("  slowest queries in the page (captured):")
        for q in slow:
            print(f"    {float(q['time']) * 1000:7.1f} ms  {q['sql'][:150]}")
        if args.explain:
            for q in slow[:3]:
                with connection.cursor() as cur:
                    cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
                    print("\n  EXPLAIN ANALYZE " + q["sql"][:120] + " …")
                    for (line,) in cur.fetchall():
                        print("    " + line)

    same = results[10][0] == results[100][0]
    print(f"\nsame number of queries for 10 and 100 rows: {'yes' if same else 'NO'} "
          f"({results[10][0]} vs {results[100][0]})")

    if args.variants:
        from hazards.filtersets import HazardFilterSet

        saved_init = HazardFilterSet.__init__
        variants(get, main_query, run_sql, args.repeat)
        HazardFilterSet.__init__ = saved_init  # the exports below filter by school again

    # Exports of filtered pages.
    school = Organisation.objects.filter(kind=OrgKind.SCHOOL).order_by("pk")[7]
    since = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    exports = [
        ("one school", {"organisation": school.pk}),
        ("overdue major hazards (all schools)", {"level": "major", "overdue": "true"}),
        ("open hazards found in the last 30 days (all schools)", {"status": "open", "found_from": since}),
    ]
    for label, params in exports:
        params = {**params, "export": "xlsx"}
        get(params)
        queries = capture(lambda params=params: get(params))
        response = get(params)
        times = timed(lambda params=params: get(params), max(3, args.repeat // 2))
        rows = sum(1 for _row in load_workbook(BytesIO(response.content), read_only=True).active.iter_rows())
        print(f"\nexport xlsx, {label}: {rows - 2:,} rows, {len(queries)} queries, "
              f"median {ms(median(times))}, {len(response.content) / 1024:.0f} KiB")


def capture(fn) -> list[dict]:
    """The SQL run by fn(): like CaptureQueriesContext, but robust to the test client's
    request_started signal, which resets connection.queries_log at every request."""
    import time as _time

    from django.db import connection

    queries = []

    def record(execute, sql, params, many, context):
        start = _time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            cursor = context["cursor"]
            try:
                text = connection.ops.last_executed_query(cursor, sql, params)
            except Exception:
                text = sql
            queries.append({"sql": text, "time": _time.perf_counter() - start})

    with connection.execute_wrapper(record):
        fn()
    return queries


def variants(get, main_query, run_sql, repeat):
    """Experiments for the report: the same page with proposed fixes patched in, cumulatively.
    Nothing here changes the product; it measures what the proposals would give."""
    from django_tables2.paginators import LazyPaginator

    from campaign_site.generic.views import ObjectListView
    from hazards import views as hazard_views
    from hazards.filtersets import HazardFilterSet

    original_init = HazardFilterSet.__init__

    def no_school_choices(self, *a, **kw):
        original_init(self, *a, **kw)
        self.filters["organisation"].queryset = self.filters["organisation"].queryset.none()

    steps = [
        ("A: one COUNT (ObjectListView.get_paginate_by -> None)",
         lambda: setattr(ObjectListView, "get_paginate_by", lambda self, qs: None)),
        ("B: A + no summary counts on the unfiltered list",
         lambda: setattr(hazard_views.HazardListView, "get_summary", lambda self, qs: None)),
        ("C: B + LazyPaginator (no COUNT at all)",
         lambda: setattr(ObjectListView, "get_table_pagination",
                         lambda self, table: {"per_page": int(self.request.GET.get("per_page") or 25),
                                              "paginator_class": LazyPaginator})),
        ("D: C + no 3,000-option school <select> in the filter form",
         lambda: setattr(HazardFilterSet, "__init__", no_school_choices)),
    ]
    print("\nvariants (cumulative; patched in this process only):")
    for label, apply in steps:
        apply()
        for per_page in (10, 100):
            params = {"per_page": per_page}
            get(params)
            queries = capture(lambda params=params: get(params))
            main = main_query(queries)
            page = median(timed(lambda params=params: get(params), repeat))
            sql = median(timed(lambda main=main: run_sql(main["sql"]), repeat))
            print(f"  {label:<58} {per_page:>3} rows: {len(queries):2d} queries, page {ms(page)}, "
                  f"main query {ms(sql)}, ratio {page / sql:6.1f}x")


if __name__ == "__main__":
    main()
