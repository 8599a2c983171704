"""How fast is the scoping helper with 50,000 organisations?

    .venv/bin/python bench/bench_scoping.py                      # fresh SQLite file in a temp dir
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_scoping .venv/bin/python bench/bench_scoping.py

Builds a fresh database (SQLite by default; with DATABASE_URL a PostgreSQL database is created if
missing and its organisations are replaced), migrates it, and bulk-creates a city bureau with 50
district bureaus of 1,000 schools each (50,051 organisations, materialised paths written in the
same bulk insert). Then, for a district bureau user and a city bureau user, it times:
- `Organisation.objects.visible_to(user).count()`,
- one filtered page: visible primary schools whose name contains "1", ordered by path, 25 rows,
- the organisation list page itself (Django test client, one page, counting queries),
and prints the median of --repeat runs and the query plan of the scoped count.
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time

from _setup import django_setup, median, ms, timed

DISTRICTS = 50
SCHOOLS_PER_DISTRICT = 1000


def generate():
    from django.db import transaction

    from campaign_site.accounts.models import PATH_STEP, Membership, Organisation, OrgKind, Role, SchoolType, User

    types = [t for t, _label in SchoolType.choices]
    with transaction.atomic():
        Membership.objects.filter(user__username__startswith="bench_").delete()
        User.objects.filter(username__startswith="bench_").delete()
        Organisation.objects.filter(code__startswith="B").delete()
        start = (Organisation.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        pk = start

        def path_of(parent_path, key):
            return f"{parent_path}{key:0{PATH_STEP}d}."

        city = Organisation(pk=pk, name="基准市教育局", code="B-CITY", kind=OrgKind.CITY_BUREAU, depth=0,
                            path=path_of("", pk))
        rows = [city]
        for d in range(DISTRICTS):
            pk += 1
            district = Organisation(pk=pk, name=f"基准第{d + 1}区教育局", code=f"B-D{d:03d}", parent_id=city.pk,
                                    kind=OrgKind.DISTRICT_BUREAU, depth=1, path=path_of(city.path, pk))
            rows.append(district)
            for s in range(SCHOOLS_PER_DISTRICT):
                pk += 1
                rows.append(Organisation(
                    pk=pk, name=f"基准第{d + 1}区第{s + 1}学校", code=f"B-S{d:03d}{s:04d}", parent_id=district.pk,
                    kind=OrgKind.SCHOOL, school_type=types[s % len(types)], depth=2,
                    path=path_of(district.path, pk)))
        Organisation.objects.bulk_create(rows, batch_size=2000)
        district_user = User.objects.create(username="bench_district")
        city_user = User.objects.create(username="bench_city")
        first_district = Organisation.objects.get(code="B-D000")
        Membership.objects.create(user=district_user, organisation=first_district, role=Role.BUREAU_SAFETY)
        Membership.objects.create(user=city_user, organisation=city, role=Role.BUREAU_SAFETY)
    return district_user, city_user


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL")
    if not url:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='bench_scoping_')}/bench.sqlite3"
    elif url.startswith("postgres"):
        from _setup import create_database

        create_database(url)
    django_setup(url)

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from campaign_site.accounts.models import Organisation

    settings.ALLOWED_HOSTS = ["*"]
    print(f"database: {connection.vendor} ({url})")
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    district_user, city_user = generate()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE accounts_organisation")
    total = Organisation.objects.count()
    print(f"generated {total:,} organisations in {time.perf_counter() - started:.1f} s")

    client = Client()
    for label, user in (("district user", district_user), ("city user", city_user)):
        def count(user=user):
            return Organisation.objects.visible_to(user).count()

        def page(user=user):
            return list(Organisation.objects.visible_to(user).schools().filter(
                school_type="primary", name__contains="1").order_by("path")[:25])

        client.force_login(user)
        list_url = reverse("accounts:organisation_list") + "?school_type=primary&q=1"

        def view(list_url=list_url):
            response = client.get(list_url)
            assert response.status_code == 200, response.status_code

        n = count()
        print(f"\n{label}: sees {n:,} organisations")
        print(f"  visible_to(user).count()          {ms(median(timed(count, args.repeat)))}")
        print(f"  filtered page of 25 (primary, q=1) {ms(median(timed(page, args.repeat)))}")
        view()
        queries = []

        def record(execute, sql, params, many, context, queries=queries):
            start = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                queries.append((time.perf_counter() - start, sql))

        with connection.execute_wrapper(record):
            view()
        print(f"  organisation list page             {ms(median(timed(view, args.repeat)))}"
              f"  ({len(queries)} queries)")
        for seconds, sql in sorted(queries, reverse=True)[:3]:
            print(f"    {ms(seconds)}  {sql[:110]}")
        qs = Organisation.objects.visible_to(user)
        plan = qs.explain()
        print("  plan of the scoped query:\n    " + plan.replace("\n", "\n    "))


if __name__ == "__main__":
    main()
