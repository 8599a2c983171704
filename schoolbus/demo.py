"""Demo data of the school bus records (registered with campaign_site.generic.demo, order 50).

For demo schools 1 and 2: buses (one with insurance running out, one suspended), drivers (one
past the age limit of art. 23), escorts, two routes in 郑东新区 with stops, a bridge zone and
riders, two months of trips with a handful of rule violations, and three trips with a GPS track
imported through the real importer: one clean, one with a speeding stretch and one that leaves
the approved route for a few minutes. Also the gate duty of the last two school weeks and the
next two (one duty missed per school) and one report of an unlicensed vehicle (黑车) from school 1.
"""
from __future__ import annotations

import datetime as dt
import io
import math
import random

from django.db import transaction
from django.utils import timezone

from campaign_site.accounts.models import Organisation, Person, User
from campaign_site.generic import demo

from . import gps, permissions, services
from .models import (
    GATE_SLOT_TIMES,
    Driver,
    GateDuty,
    GateSlot,
    LicenceClass,
    Run,
    Trip,
    Vehicle,
    VehicleReport,
    VehicleStatus,
    ZoneKind,
)

# Two routes around 郑东新区 (WGS-84): [lon, lat] in driving order.
ROUTES = {
    "1号线（龙湖—学校）": [[113.7402, 34.7921], [113.7455, 34.7902], [113.7511, 34.7880], [113.7560, 34.7853],
                       [113.7602, 34.7822], [113.7650, 34.7801], [113.7703, 34.7785], [113.7748, 34.7760]],
    "2号线（如意湖—学校）": [[113.7205, 34.7702], [113.7262, 34.7711], [113.7330, 34.7723], [113.7391, 34.7738],
                        [113.7450, 34.7750], [113.7521, 34.7758], [113.7598, 34.7761], [113.7748, 34.7760]],
}
STOPS = ["起点站", "社区东门站", "公园站", "路口站", "学校站"]
PUPILS = ["王子涵", "李梓萱", "张浩宇", "刘一诺", "陈思远", "杨欣怡", "赵宇轩", "黄诗涵", "周雨泽", "吴梓涵",
          "徐子墨", "孙可馨", "胡浩然", "朱欣妍", "高俊熙", "林语桐"]
GUARDIAN_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林"
DAYS = 60  # two months of trips


def _id_number(region: str, birth: dt.date, seq: int) -> str:
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def _school_days(today: dt.date, days: int):
    day = today - dt.timedelta(days=days)
    while day < today:
        if day.weekday() < 5:
            yield day
        day += dt.timedelta(days=1)


def _track_csv(route_coords, date, start: dt.time, *, slow_near=None, speeding=False, off_route=False) -> bytes:
    """A GPS export along the route, one fix every 5 s at about 35 km/h, in GCJ-02 like a terminal."""
    from .geo import distance_m, wgs84_to_gcj02

    lines = ["定位时间,经度,纬度,速度,方向"]
    at = dt.datetime.combine(date, start)
    n = 0
    for (lon1, lat1), (lon2, lat2) in zip(route_coords, route_coords[1:], strict=False):
        length = distance_m(lon1, lat1, lon2, lat2)
        steps = max(1, int(length / 50))
        heading = (math.degrees(math.atan2(lon2 - lon1, lat2 - lat1)) + 360) % 360
        for i in range(steps):
            f = i / steps
            lon, lat = lon1 + (lon2 - lon1) * f, lat1 + (lat2 - lat1) * f
            speed = 32 + (n % 7)
            if slow_near and distance_m(lon, lat, *slow_near) <= 200:
                speed = 15 + (n % 4)  # the driver slows down for the bridge (20 km/h zone)
            if speeding and 8 <= n < 20:
                speed = 68 + (n % 5)
            if off_route and 30 <= n < 62:
                lat += 0.0075  # about 830 m north of the approved road for over 2 minutes
            glon, glat = wgs84_to_gcj02(lon, lat)
            lines.append(f"{at:%Y-%m-%d %H:%M:%S},{glon:.6f},{glat:.6f},{speed},{heading:.0f}")
            at += dt.timedelta(seconds=5)
            n += 1
    return ("\n".join(lines) + "\n").encode("utf-8")


class SchoolBuses:
    def __init__(self, school: Organisation, officer: User | None, n: int, rng: random.Random):
        self.school, self.officer, self.n, self.rng = school, officer, n, rng
        self.today = timezone.localdate()

    def fleet(self):
        t, n = self.today, self.n
        plates = [f"豫A{n}X{k:03d}" for k in (101, 102, 103)]
        common = dict(operator=self.school.name, make_model="宇通 ZK6609DX 专用校车", meets_standard=True,
                      permit_office="郑州市郑东新区教育文化体育局", escape_hammer=True, extinguisher=True,
                      first_aid_kit=True, satellite_locator=True, insurer="中国人民财产保险郑州分公司")
        self.buses = [
            services.vehicle_create(organisation=self.school, actor=None, plate=plates[0], seats=35,
                                    registered_on=t - dt.timedelta(days=900), permit_number=f"郑东校车{n}001",
                                    permit_route="1号线", permit_valid_until=t + dt.timedelta(days=400),
                                    inspected_on=t - dt.timedelta(days=60),
                                    insurance_valid_until=t + dt.timedelta(days=200),
                                    status=VehicleStatus.IN_SERVICE, **common),
            services.vehicle_create(organisation=self.school, actor=None, plate=plates[1], seats=19,
                                    registered_on=t - dt.timedelta(days=600), permit_number=f"郑东校车{n}002",
                                    permit_route="2号线", permit_valid_until=t + dt.timedelta(days=300),
                                    inspected_on=t - dt.timedelta(days=150),
                                    insurance_valid_until=t + dt.timedelta(days=20),  # reminder due
                                    status=VehicleStatus.IN_SERVICE, **common),
            services.vehicle_create(organisation=self.school, actor=None, plate=plates[2], seats=35,
                                    registered_on=t - dt.timedelta(days=2500), permit_number=f"郑东校车{n}003",
                                    permit_route="备用", permit_valid_until=t - dt.timedelta(days=10),
                                    inspected_on=t - dt.timedelta(days=250),
                                    insurance_valid_until=t - dt.timedelta(days=5),
                                    status=VehicleStatus.SUSPENDED, **common),
        ]
        names = ["王建国", "李保平", "张德胜"] if n == 1 else ["赵长江", "钱永福", "孙有才"]
        base = list(zip(names, [dt.date(1975, 3, 12), dt.date(1980, 8, 2), dt.date(1962, 1, 20)], strict=True))
        self.drivers = []
        for k, (name, birth) in enumerate(base, start=1):
            self.drivers.append(services.driver_create(
                organisation=self.school, actor=None, name=name,
                id_number=_id_number("410105", birth, 10 * n + k), phone=f"1390371{n}{k:03d}", birth_date=birth,
                licence_class=LicenceClass.A1, licence_since=birth.replace(year=birth.year + 24),
                endorsement_valid_until=t + dt.timedelta(days=500), health_checked_on=t - dt.timedelta(days=90),
                records_checked_on=t - dt.timedelta(days=90)))
        # the third driver is past 60 (art. 23: not over 60): kept on file, shown as not qualified.
        self.escorts = [
            services.escort_create(organisation=self.school, actor=None, name=name, phone=f"1370371{n}{k:03d}",
                                   trained_on=t - dt.timedelta(days=100),
                                   training_valid_until=t + dt.timedelta(days=265))
            for k, name in enumerate(["刘桂兰", "陈秀梅"], start=1)
        ]

    def routes(self):
        self.route_list = []
        shift = 0.01 * (self.n - 1)
        for k, (name, coords) in enumerate(ROUTES.items()):
            coords = [[lon + shift, lat] for lon, lat in coords]
            route = services.route_create(organisation=self.school, actor=None, name=name, track=coords,
                                          speed_limit=50 if k == 0 else None, tolerance_m=200, grace_seconds=60)
            for i, idx in enumerate((0, 2, 4, 6, 7)):
                lon, lat = coords[idx]
                services.stop_add(route=route, actor=None, order=i + 1, name=STOPS[i], longitude=lon, latitude=lat,
                                  morning_time=dt.time(7, 0 + 6 * i), afternoon_time=dt.time(17, 0 + 6 * i))
            bridge = coords[3]
            services.zone_add(route=route, actor=None, name="东风渠桥", kind=ZoneKind.CONDITION, longitude=bridge[0],
                              latitude=bridge[1], radius_m=150)
            self.route_list.append(route)
            stops = list(route.stops.order_by("order"))[:-1]
            for p, pupil in enumerate(PUPILS[k * 8:(k + 1) * 8]):
                birth = dt.date(2015 + p % 4, 1 + p, 10 + p)
                services.rider_create(
                    organisation=self.school, actor=None, name=pupil, grade_class=f"{1 + p % 5}年级{1 + p % 3}班",
                    route=route, stop=stops[p % len(stops)], guardian_name=f"{GUARDIAN_SURNAMES[p + 8 * k]}女士",
                    guardian_phone=f"13{5 + p % 4}0371{self.n}{p:03d}",
                    id_number=_id_number("410105", birth, 100 + p))

    def trips(self):
        rng = self.rng
        pairs = [(self.buses[0], self.route_list[0], self.drivers[0], self.escorts[0]),
                 (self.buses[1], self.route_list[1], self.drivers[1], self.escorts[1])]
        days = list(_school_days(self.today, DAYS))
        special = {days[1]: "overload", days[3]: "no_escort", days[5]: "old_driver", days[7]: "count"}
        for day in days:
            for run in (Run.MORNING, Run.AFTERNOON):
                for k, (bus, route, driver, escort) in enumerate(pairs):
                    riders = 8 if k == 0 else 7
                    boarded = alighted = riders - rng.randint(0, 2)
                    what = special.get(day) if (k == 0 and run == Run.MORNING) else None
                    if what == "overload":
                        boarded = alighted = bus.seats + 3
                    if what == "count":
                        alighted = boarded - 1
                    services.trip_log(
                        organisation=self.school, actor=self.officer, date=day, run=run, route=route, vehicle=bus,
                        driver=self.drivers[2] if what == "old_driver" else driver,
                        escort=None if what == "no_escort" else escort, boarded=boarded, alighted=alighted,
                        departed_at=dt.time(6, 50) if run == Run.MORNING else dt.time(16, 50),
                        arrived_at=dt.time(7, 40) if run == Run.MORNING else dt.time(17, 40), pre_trip_check=True)

    def tracks(self):
        last = Trip.objects.filter(organisation=self.school, run=Run.MORNING).order_by("-date")
        recent = list(last.filter(vehicle=self.buses[0])[:3])
        for trip, kind in zip(recent, ("clean", "speeding", "off_route"), strict=False):
            data = _track_csv(trip.route.track, trip.date, dt.time(6, 50), slow_near=trip.route.track[3],
                              speeding=kind == "speeding",
                              off_route=kind == "off_route")
            gps.import_track(trip=trip, fileobj=io.BytesIO(data), datum=gps.Datum.GCJ02, actor=self.officer)


def gate_duty(school: Organisation, n: int, rng: random.Random) -> None:
    """Arrival: the vice-principal for safety (leader{n}); dismissal: the safety officer (officer{n}).

    From today on the roster is drawn up through `services.gate_roster`. That service refuses past
    days, and rightly (nobody may back-date a roster), so the two past weeks cannot go through it:
    they stand for the roster the officer drew up back then and are written here, demo only, under
    the same rules (drawn by someone who may roster, the school's own staff, school days, the usual
    slot times, the model's constraints). Every sign-in, past or today, goes through the real
    `services.gate_sign_in` at a moment inside the sign-in window (its `now`), so its window rule
    holds. A slot "already over today" was not used: it would not exist when the demo is built in
    the early morning. The dismissal of three school days ago gets no sign-in: a missed duty.
    """
    officer = User.objects.get(username=f"officer{n}")
    leader = User.objects.get(username=f"leader{n}")
    by_slot = {GateSlot.ARRIVAL: leader, GateSlot.DISMISSAL: officer}
    people = {slot: Person.objects.get(user=user, organisation=school) for slot, user in by_slot.items()}
    if not permissions.can_roster(officer, school):
        raise RuntimeError("the demo safety officer cannot draw up the gate roster")
    today, now = timezone.localdate(), timezone.now()
    past = list(_school_days(today, 14))
    duties = []
    for day in past:
        for slot, person in people.items():
            starts_at, ends_at = GATE_SLOT_TIMES[slot]
            duty = GateDuty(organisation=school, date=day, slot=slot, person=person, starts_at=starts_at,
                            ends_at=ends_at, created_by=officer)
            duty.full_clean(exclude=["organisation", "person"])
            duty._history_user = officer
            duty.save()
            duties.append(duty)
    for slot, person in people.items():
        duties += services.gate_roster(organisation=school, actor=officer, person=person, slot=slot,
                                       first_date=today, last_date=today + dt.timedelta(days=13))
    missed = (past[-3], GateSlot.DISMISSAL)
    for duty in duties:
        if (duty.date, duty.slot) == missed:
            continue
        opens, _closes = duty.window()
        at = opens + dt.timedelta(minutes=rng.randint(15, 35))
        if at > now:
            continue  # not yet: left due
        actor = by_slot[duty.slot]
        # one day the vice-principal's phone is flat: the safety officer signs in for him, with the reason
        reason = ""
        if duty.slot == GateSlot.ARRIVAL and duty.date == past[-5]:
            actor, reason = officer, "本人手机没电，由安全员代为签到"
        services.gate_sign_in(duty=duty, actor=actor, reason=reason, now=at)


def unlicensed_vehicle_report(school: Organisation, n: int) -> VehicleReport:
    """A white minivan without a school bus permit seen taking pupils home, reported by the safety
    officer; the service tells the district bureau (a notice) and it shows in the bureau's list."""
    seen = dt.datetime.combine(timezone.localdate() - dt.timedelta(days=4), dt.time(17, 35),
                               tzinfo=timezone.get_current_timezone())
    return services.vehicle_report_file(
        organisation=school, actor=User.objects.get(username=f"officer{n}"), plate="豫A·D5K27", seen_at=seen,
        place="学校东门外金水东路口", pupils_seen=9, vehicle_description="白色面包车（七座）",
        note="放学时停在东门外揽客，车内约9名学生，无校车标牌；司机见值班人员后驶离。")


@demo.register(50, "schoolbus")
def build(stdout=None):
    from campaign_site.accounts.demo import SCHOOL1_CODE, SCHOOL2_CODE

    schools = list(Organisation.objects.filter(code__in=[SCHOOL1_CODE, SCHOOL2_CODE]).order_by("code"))
    if not schools:
        if stdout is not None:
            stdout.write("schoolbus: no demo schools yet; skipped")
        return
    if not GateDuty.objects.filter(organisation__in=schools).exists():  # also for a demo built before them
        with transaction.atomic():
            for n, school in enumerate(schools, start=1):
                gate_duty(school, n, random.Random(618 + n))
            unlicensed_vehicle_report(schools[0], 1)
    if Vehicle.objects.filter(organisation__in=schools).exists():
        if stdout is not None:
            stdout.write("schoolbus: demo buses already there; skipped")
        return
    rng = random.Random(617)
    with transaction.atomic():
        for n, school in enumerate(schools, start=1):
            officer = User.objects.filter(username=f"transport{n}").first()
            sb = SchoolBuses(school, officer, n, rng)
            sb.fleet()
            sb.routes()
            sb.trips()
            sb.tracks()
    if stdout is not None:
        from .models import Violation

        stdout.write(f"schoolbus: {Vehicle.objects.filter(organisation__in=schools).count()} buses, "
                     f"{Driver.objects.filter(organisation__in=schools).count()} drivers, "
                     f"{Trip.objects.filter(organisation__in=schools).count()} trips, "
                     f"{Violation.objects.filter(organisation__in=schools).count()} violations, "
                     f"{GateDuty.objects.filter(organisation__in=schools).missed().count()} missed gate duties, "
                     f"{VehicleReport.objects.filter(organisation__in=schools).count()} unlicensed vehicle report")
