"""Factories of the school bus records: valid by default, every field overridable."""
import datetime as dt
import itertools

from schoolbus import services
from schoolbus.models import LicenceClass, Run, VehicleStatus

_n = itertools.count(1)
TODAY = dt.date(2026, 3, 2)
# A straight road east of 郑东新区, about 2.7 km (WGS-84).
TRACK = [[113.7400, 34.7800], [113.7500, 34.7800], [113.7600, 34.7800], [113.7700, 34.7800]]


def id_number(birth: dt.date = dt.date(1980, 5, 17), seq: int | None = None, region: str = "410105") -> str:
    """A valid ID number; unique per `seq` (the sequence's thousands go into the region's last digits,
    so a long run of factory calls, e.g. the list benchmark's fill, never repeats one)."""
    seq = seq if seq is not None else next(_n)
    region = f"{region[:4]}{(int(region[4:]) + seq // 1000) % 100:02d}"
    body = f"{region}{birth:%Y%m%d}{seq % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def vehicle(school, **kw):
    n = next(_n)
    fields = dict(plate=f"豫A{n:05d}", operator="郑州校车服务公司", make_model="宇通 ZK6609DX", seats=19,
                  registered_on=dt.date(2023, 1, 5), permit_number=f"校车{n}", permit_office="区教育局",
                  permit_route="1号线", permit_valid_until=dt.date(2030, 1, 1), inspected_on=TODAY - dt.timedelta(days=30),
                  insurer="人保", insurance_valid_until=dt.date(2030, 1, 1), escape_hammer=True, extinguisher=True,
                  first_aid_kit=True, satellite_locator=True, status=VehicleStatus.IN_SERVICE)
    fields.update(kw)
    return services.vehicle_create(organisation=school, actor=None, **fields)


def driver(school, **kw):
    birth = kw.pop("birth_date", dt.date(1980, 5, 17))
    fields = dict(name=f"驾驶员{next(_n)}", id_number=id_number(birth), birth_date=birth,
                  licence_class=LicenceClass.A1, licence_since=dt.date(2010, 1, 1),
                  endorsement_valid_until=dt.date(2030, 1, 1), health_checked_on=TODAY - dt.timedelta(days=30),
                  records_checked_on=TODAY - dt.timedelta(days=30))
    fields.update(kw)
    return services.driver_create(organisation=school, actor=None, **fields)


def escort(school, **kw):
    fields = dict(name=f"照管员{next(_n)}", trained_on=TODAY - dt.timedelta(days=30),
                  training_valid_until=dt.date(2030, 1, 1))
    fields.update(kw)
    return services.escort_create(organisation=school, actor=None, **fields)


def route(school, *, stops=2, **kw):
    fields = dict(name=f"{next(_n)}号线", track=TRACK)
    fields.update(kw)
    r = services.route_create(organisation=school, actor=None, **fields)
    for i in range(stops):
        lon, lat = r.track[min(i, len(r.track) - 1)] if r.track else (113.74, 34.78)
        services.stop_add(route=r, actor=None, name=f"站{i + 1}", longitude=lon, latitude=lat)
    return r


def rider(school, *, route_=None, **kw):
    r = route_ or route(school)
    fields = dict(name=f"学生{next(_n)}", grade_class="三年级2班", route=r, stop=r.stops.first(),
                  guardian_name="王女士", guardian_phone="13812345678", id_number=id_number(dt.date(2017, 4, 9)))
    fields.update(kw)
    return services.rider_create(organisation=school, actor=None, **fields)


def trip(school, *, actor=None, **kw):
    fields = dict(date=TODAY, run=Run.MORNING, boarded=10, alighted=10, pre_trip_check=True)
    fields.update(kw)
    for name, make in (("route", route), ("vehicle", vehicle), ("driver", driver), ("escort", escort)):
        if name not in fields:  # (not setdefault: that would make one even when given)
            fields[name] = make(school)
    return services.trip_log(organisation=school, actor=actor, **fields)


def gate_duty(school, *, person=None, day=None, slot="arrival", **kw):
    """One gate duty (today unless `day`), of a new staff member unless `person` is given."""
    from django.utils import timezone

    from campaign_site.accounts.models import Person

    person = person or Person.objects.create(organisation=school, name=f"值班{next(_n)}")
    return services.gate_roster(organisation=school, actor=None, person=person, slot=slot,
                                first_date=day or timezone.localdate(), weekdays_only=False, **kw)[0]


def vehicle_report(school, **kw):
    from django.utils import timezone

    fields = dict(plate=f"豫A{next(_n):05d}", seen_at=timezone.now() - dt.timedelta(hours=1), place="校门东侧路口",
                  pupils_seen=6, vehicle_description="白色面包车")
    fields.update(kw)
    return services.vehicle_report_file(organisation=school, actor=None, **fields)
