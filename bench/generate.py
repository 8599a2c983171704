"""Generate the benchmark data: 1 city bureau, 10 district bureaus, 3,000 schools and 1,000,000
hazards (PostgreSQL, COPY), plus a bureau user at the city bureau who sees every school.

    .venv/bin/python bench/generate.py [--hazards 1000000] [--schools 3000] [--fresh]

The database is created if missing (default postgres://postgres@127.0.0.1:5432/bench, or
BENCH_DATABASE_URL) and migrated. --fresh drops and recreates it first.
"""
from __future__ import annotations

import argparse
import datetime
import os
import random
import time

from _setup import DEFAULT_URL, copy_rows, create_database, django_setup

BENCH_USER = "bench_bureau"


def drop_database(url: str) -> None:
    from urllib.parse import urlsplit

    import psycopg

    parts = urlsplit(url)
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hazards", type=int, default=1_000_000)
    parser.add_argument("--schools", type=int, default=3000)
    parser.add_argument("--districts", type=int, default=10)
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the bench database")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    if args.fresh:
        drop_database(url)
    create_database(url)
    django_setup(url)

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from campaign_site.accounts.models import Department, OrgKind, Person, Role, User
    from campaign_site.accounts.services import membership_add, organisation_create
    from hazards.models import Hazard, HazardLevel, HazardSource, HazardStatus

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    if Hazard.objects.exists():
        print(f"{Hazard.objects.count():,} hazards already there; use --fresh to start again.")
        return

    # The tree, through the service (paths as the product makes them).
    city = organisation_create(name="基准市教育局", code="BCITY", kind=OrgKind.CITY_BUREAU)
    per_district = args.schools // args.districts
    schools = []
    for d in range(args.districts):
        district = organisation_create(name=f"基准第{d + 1}区教育局", code=f"BD{d:03d}", kind=OrgKind.DISTRICT_BUREAU,
                                       parent=city)
        for s in range(per_district):
            schools.append(organisation_create(name=f"基准第{d + 1}区第{s + 1}学校", code=f"BS{d:03d}{s:04d}",
                                               kind=OrgKind.SCHOOL, parent=district, school_type="primary"))
    user = User.objects.create_user(username=BENCH_USER, password=None, full_name="基准局安全科")
    membership_add(user=user, organisation=city, role=Role.BUREAU_SAFETY)
    departments = Department.objects.bulk_create([Department(organisation=s, name="总务处") for s in schools])
    people = Person.objects.bulk_create([Person(organisation=s, name=f"责任人{i}", department=d)
                                         for i, (s, d) in enumerate(zip(schools, departments, strict=True))])
    print(f"tree: {len(schools):,} schools in {time.perf_counter() - t0:.1f} s")

    # Hazards by COPY.
    t1 = time.perf_counter()
    rng = random.Random(20190715)
    today = timezone.localdate()
    start = datetime.date(2019, 1, 1)
    span = (today - start).days - 1
    now = timezone.now()
    per_school = args.hazards // len(schools)
    extra = args.hazards - per_school * len(schools)
    open_states = [HazardStatus.REGISTERED, HazardStatus.RECTIFYING, HazardStatus.SUBMITTED,
                   HazardStatus.AWAITING_SIGNOFF]
    titles = ["灭火器过期", "楼梯扶手松动", "安全出口堵塞", "电线裸露", "危险化学品未分柜存放", "围墙裂缝", "监控损坏"]
    places = ["教学楼", "实验楼", "食堂", "宿舍楼", "操场", "校门口", "配电房"]

    def rows():
        for index, (school, dept, person) in enumerate(zip(schools, departments, people, strict=True)):
            count = per_school + (1 if index < extra else 0)
            dates = sorted(start + datetime.timedelta(days=rng.randint(0, span)) for _i in range(count))
            seq_by_year: dict[int, int] = {}
            for found_on in dates:
                seq = seq_by_year[found_on.year] = seq_by_year.get(found_on.year, 0) + 1
                deadline = found_on + datetime.timedelta(days=rng.randint(3, 30))
                age = (today - found_on).days
                status = HazardStatus.CLOSED if (age > 60 and rng.random() < 0.9) or rng.random() < 0.3 \
                    else rng.choice(open_states)
                level = HazardLevel.MAJOR if rng.random() < 0.05 else HazardLevel.GENERAL
                closed_at = None
                if status == HazardStatus.CLOSED:
                    closed_at = min(now, timezone.make_aware(datetime.datetime.combine(deadline, datetime.time(10))))
                yield {
                    "organisation": school.pk, "number": f"{school.code}-{found_on.year}-{seq:04d}",
                    "year": found_on.year, "seq": seq, "title": rng.choice(titles),
                    "location": f"{rng.choice(places)}{rng.randint(1, 5)}楼", "found_on": found_on,
                    "source": HazardSource.SELF, "level": level, "deadline": deadline, "status": status,
                    "responsible_department": dept.pk, "responsible_person": person.pk, "closed_at": closed_at,
                    "measures": "立即整改", "created_at": now, "updated_at": now,
                }

    copy_rows(Hazard, rows(), every=200_000, label="hazards")
    with connection.cursor() as cur:
        cur.execute("ANALYZE accounts_organisation")
    print(f"hazards: {Hazard.objects.count():,} in {time.perf_counter() - t1:.1f} s")


if __name__ == "__main__":
    main()
