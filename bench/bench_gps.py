"""Importing and checking a trip's GPS track of 10,000 and 100,000 points (CSV and XLSX):
points per second, and peak Python memory (tracemalloc) which must stay flat between them.

    .venv/bin/python bench/bench_gps.py [--points 10000 100000] [--formats csv xlsx]

Each run makes a fresh school, route (a 10 km track of 200 points, a bridge zone), bus, driver,
escort and trip through the services, writes the export to a temporary file (time, longitude,
latitude, speed, heading; a speeding stretch and an off-route stretch every 10,000 points), and
imports it with gps.import_track from the open file: once timed, once under tracemalloc (which
slows Python down, so the two are separate runs).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
import tracemalloc
import uuid

from _setup import create_database, django_setup


def write_file(path: str, points: int, fmt: str) -> None:
    start = dt.datetime(2026, 3, 2, 6, 0, 0)
    lat0, lon0 = 34.78, 113.70

    def rows():
        for i in range(points):
            k = i % 10_000
            lon = lon0 + (i % 2000) * 0.00005
            lat = lat0 + (0.004 if 5000 <= k < 5100 else 0.0)
            speed = 75.0 if 2000 <= k < 2040 else 35.0 + (i % 7)
            yield (start + dt.timedelta(seconds=i // 10, milliseconds=(i % 10) * 100)).strftime(
                "%Y-%m-%d %H:%M:%S"), round(lon, 6), lat, speed, 90
    if fmt == "csv":
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("定位时间,经度,纬度,速度,方向\n")
            for row in rows():
                fh.write(",".join(str(v) for v in row) + "\n")
    else:
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("轨迹")
        ws.append(["定位时间", "经度", "纬度", "速度", "方向"])
        for t, lon, lat, speed, heading in rows():
            # "xlsx": time cells as dates; "xlsx-text": as text, as some terminals write them (text
            # cells go to the workbook's shared-string table, which openpyxl loads whole)
            ws.append([t if fmt == "xlsx-text" else dt.datetime.strptime(t, "%Y-%m-%d %H:%M:%S"), lon, lat, speed,
                       heading])
        wb.save(path)


def make_trip():
    from campaign_site.accounts.models import OrgKind, SchoolType
    from campaign_site.accounts.services import organisation_create
    from schoolbus import services
    from schoolbus.models import LicenceClass, Run, VehicleStatus, ZoneKind

    tag = uuid.uuid4().hex[:8]
    city = organisation_create(name=f"基准市{tag}", code=f"BC{tag}", kind=OrgKind.CITY_BUREAU, parent=None)
    bureau = organisation_create(name=f"基准区{tag}", code=f"BB{tag}", kind=OrgKind.DISTRICT_BUREAU, parent=city)
    school = organisation_create(name=f"基准校{tag}", code=f"BS{tag}", kind=OrgKind.SCHOOL, parent=bureau,
                                 school_type=SchoolType.PRIMARY)
    track = [[113.70 + i * 0.0005, 34.78] for i in range(200)]
    route = services.route_create(organisation=school, actor=None, name="基准线", track=track)
    services.zone_add(route=route, actor=None, name="桥", kind=ZoneKind.CONDITION, longitude=113.75, latitude=34.78,
                      radius_m=50)
    bus = services.vehicle_create(organisation=school, actor=None, plate=f"豫B{tag[:5].upper()}", operator="公司",
                                  make_model="宇通", seats=35, registered_on=dt.date(2024, 1, 1),
                                  permit_valid_until=dt.date(2030, 1, 1), inspected_on=dt.date(2026, 2, 1),
                                  insurance_valid_until=dt.date(2030, 1, 1), status=VehicleStatus.IN_SERVICE)
    body = "41010519800517" + f"{int(tag[:3], 16) % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    id_number = body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    driver = services.driver_create(organisation=school, actor=None, name="驾驶员", id_number=id_number,
                                    birth_date=dt.date(1980, 5, 17), licence_class=LicenceClass.A1,
                                    licence_since=dt.date(2005, 1, 1), endorsement_valid_until=dt.date(2030, 1, 1),
                                    health_checked_on=dt.date(2026, 1, 1), records_checked_on=dt.date(2026, 1, 1))
    escort = services.escort_create(organisation=school, actor=None, name="照管员")
    return services.trip_log(organisation=school, actor=None, date=dt.date(2026, 3, 2), run=Run.MORNING,
                             route=route, vehicle=bus, driver=driver, escort=escort, boarded=20, alighted=20,
                             pre_trip_check=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--formats", nargs="+", default=["csv", "xlsx", "xlsx-text"])
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench")
    create_database(url)
    django_setup(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.urls import reverse

    from schoolbus import gps

    reverse("schoolbus:trip_list")  # load the URL conf now, not inside the first timed import

    print(f"load average {' '.join(open('/proc/loadavg').read().split()[:3])} at start")
    print(f"{'format':9} {'points':>8} {'file MB':>8} {'seconds':>8} {'points/s':>9} {'peak MiB':>9} episodes")
    for fmt in args.formats:
        for n in args.points:
            with tempfile.NamedTemporaryFile(suffix=f".{fmt[:4]}", delete=False) as tmp:
                path = tmp.name
            try:
                write_file(path, n, fmt)
                size = os.path.getsize(path) / 1024 / 1024
                trip = make_trip()
                with open(path, "rb") as fh:
                    t0 = time.perf_counter()
                    outcome = gps.import_track(trip=trip, fileobj=fh)
                    seconds = time.perf_counter() - t0
                trip = make_trip()
                with open(path, "rb") as fh:
                    tracemalloc.start()
                    gps.import_track(trip=trip, fileobj=fh)
                    peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
                    tracemalloc.stop()
                print(f"{fmt:9} {n:>8} {size:>8.1f} {seconds:>8.2f} {n / seconds:>9.0f} {peak:>9.1f} "
                      f"{len(outcome.episodes)}")
            finally:
                os.unlink(path)
    print(f"load average {' '.join(open('/proc/loadavg').read().split()[:3])} at the end")


if __name__ == "__main__":
    main()
