"""What a school's transport officer and the bureau read on the bus pages (found walking the pages
in a browser): labels that meant something else in Chinese, times printed in UTC, a trip without a
GPS track that looked checked, and a picture of a flat route drawn at the bottom of an empty box."""
import pytest
from django.urls import reverse

from schoolbus import selectors
from schoolbus.models import Violation, ViolationKind, ZoneKind
from schoolbus.services import violation_open, zone_add

from . import factories as bf
from .gpsdata import csv_bytes, rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def speeding_trip(client, school_a, transport_a):
    trip = bf.trip(school_a)
    client.force_login(transport_a)
    data = csv_bytes(rows([30] * 10 + [70] * 5 + [30] * 10))  # 07:00:00 local, one point a second
    data.name = "track.csv"
    assert client.post(reverse("schoolbus:trip_track_import", args=[trip.pk]),
                       {"file": data, "datum": "wgs84"}).status_code == 302
    return trip


def test_violation_page_reads_its_times_in_local_time_with_their_own_labels(client, speeding_trip):
    violation = Violation.objects.get(trip=speeding_trip, kind="speeding")
    page = client.get(violation.get_absolute_url()).content.decode()
    # The episode starts ten seconds after 07:00 Beijing time, not "2026-03-01 23:00:10+00:00".
    assert "2026-03-02 07:00:10" in page and "+00:00" not in page
    # "from"/"to" of a time span, not the 原状态/新状态 of a status change; "kind" is not an organisation's kind.
    assert "开始时间" in page and "结束时间" in page and "原状态" not in page and "新状态" not in page
    assert "类别" in page and "单位类别" not in page
    listing = client.get(reverse("schoolbus:violation_list")).content.decode()
    assert "开始时间" in listing and "原状态" not in listing and "单位类别" not in listing


def test_trip_page_names_the_hazard_and_times_without_seconds(client, speeding_trip):
    page = client.get(speeding_trip.get_absolute_url()).content.decode()
    violation = Violation.objects.get(trip=speeding_trip, kind="speeding")
    assert f"隐患 {violation.hazard.number}" in page and "隐患名称" not in page
    assert 'data-testid="no-track-note"' not in page
    assert 'data-testid="picture-legend"' in page and "GPS 起点" in page


def test_trip_without_a_track_says_speed_and_route_were_not_checked(client, school_a, transport_a):
    trip = bf.trip(school_a, departed_at="06:50")
    client.force_login(transport_a)
    page = client.get(trip.get_absolute_url()).content.decode()
    assert 'data-testid="no-track-note"' in page and "尚未导入 GPS 轨迹" in page
    assert ">06:50<" in page and "06:50:00" not in page


def test_driver_and_escort_have_a_person_s_name_and_the_vehicle_page_says_who_boarded(client, school_a,
                                                                                      transport_a):
    trip = bf.trip(school_a, boarded=23, alighted=23)
    client.force_login(transport_a)
    for obj in (trip.driver, trip.escort):
        page = client.get(obj.get_absolute_url()).content.decode()
        assert ">姓名<" in page and ">名称<" not in page
    page = client.get(trip.vehicle.get_absolute_url()).content.decode()
    assert "上车 23 人" in page


def test_gate_duty_shows_its_slot_as_start_and_end_times(client, school_a, transport_a):
    duty = bf.gate_duty(school_a)
    client.force_login(transport_a)
    page = client.get(duty.get_absolute_url()).content.decode()
    assert "开始时间" in page and "原状态" not in page
    assert f">{duty.starts_at:%H:%M}<" in page


def test_picture_of_a_flat_route_is_low_and_centred(school_a):
    trip = bf.trip(school_a)  # the factory's route runs straight east
    picture = selectors.trip_picture(trip)
    assert picture["height"] == selectors.PICTURE_MIN_H
    ys = {float(p.split(",")[1]) for p in picture["route"].split()}
    assert ys == {picture["height"] / 2}
    xs = [float(p.split(",")[0]) for p in picture["route"].split()]
    assert min(xs) == selectors.PICTURE_PAD and max(xs) == selectors.PICTURE_W - selectors.PICTURE_PAD


def test_route_page_lists_stops_not_停止_and_zones_in_chinese_units(client, school_a, transport_a):
    route = bf.route(school_a)
    zone_add(route=route, actor=None, name="东风渠桥", kind=ZoneKind.CONDITION, longitude=113.7400, latitude=34.78,
             radius_m=150)
    client.force_login(transport_a)
    page = client.get(route.get_absolute_url()).content.decode()
    assert "<th>站点</th>" in page and "停止" not in page
    assert "限速 20 公里/小时，范围 150 米" in page and "km/h" not in page


def test_violation_list_and_export_give_peak_and_limit_with_their_unit(client, speeding_trip):
    violation_open(trip=speeding_trip, kind=ViolationKind.OFF_ROUTE, key="off_route:test", evidence="off route",
                   peak=782.8, limit=200)
    violation_open(trip=speeding_trip, kind=ViolationKind.OVERLOAD, key="overload:test", evidence="overload",
                   peak=3, limit=35)
    speeding = Violation.objects.get(trip=speeding_trip, kind="speeding")
    peak, limit = speeding.peak.normalize(), speeding.limit.normalize()
    listing = client.get(reverse("schoolbus:violation_list")).content.decode()
    # Speeding in km/h (公里/小时), off the route in whole metres (米), overload in pupils over the seats.
    assert f">{peak:f} 公里/小时<" in listing and f">{limit:f} 公里/小时<" in listing
    assert ">783 米<" in listing and ">200 米<" in listing
    assert ">超员 3 人<" in listing and ">核载 35 人<" in listing
    assert "km/h" not in listing
    export = client.get(reverse("schoolbus:violation_list") + "?export=csv").content.decode("utf-8-sig")
    assert f"{peak:f} 公里/小时" in export and "783 米" in export and "核载 35 人" in export
    # The violation's own page reads the same.
    page = client.get(speeding.get_absolute_url()).content.decode()
    assert f"{peak:f} 公里/小时" in page and f"{limit:f} 公里/小时" in page
