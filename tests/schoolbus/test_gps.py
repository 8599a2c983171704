"""GPS track import: headers, datums, errors with row numbers, all or nothing, streaming; and the
speeding and off-route episodes found on the track (one hazard per episode)."""
import datetime as dt
import io
import tracemalloc
from functools import partial

import pytest
from django.core.management import call_command
from django.urls import reverse

from hazards.models import Hazard
from schoolbus import gps
from schoolbus.geo import distance_m, gcj02_to_wgs84, wgs84_to_gcj02
from schoolbus.models import TrackPoint, Violation, ViolationKind, ZoneKind
from schoolbus.services import zone_add

from . import factories as bf
from .gpsdata import LAT, csv_bytes, rows, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def trip(school_a):
    return bf.trip(school_a)


def _import(trip, data, **kw):
    return gps.import_track(trip=trip, fileobj=data, **kw)


def _episodes(trip, kind):
    return list(Violation.objects.filter(trip=trip, kind=kind).order_by("first_seq"))


def test_chinese_headers_import_every_point(trip):
    outcome = _import(trip, csv_bytes(rows([30] * 50)))
    assert outcome.points == 50
    trip.refresh_from_db()
    assert trip.track_points == 50
    assert TrackPoint.objects.filter(trip=trip).count() == 50
    assert outcome.episodes == []


def test_english_headers_and_xlsx_with_title_row(school_a):
    t1 = bf.trip(school_a)
    outcome = _import(t1, csv_bytes(rows([30] * 5), headers=("Time", "Longitude", "Latitude", "Speed", "Heading")))
    assert outcome.points == 5
    t2 = bf.trip(school_a)
    outcome = _import(t2, xlsx_bytes(rows([30] * 7)))
    assert outcome.points == 7
    assert TrackPoint.objects.filter(trip=t2).first().at.astimezone().hour in (7, 23)  # stored as an aware time


def test_gcj02_is_converted_to_wgs84(trip):
    wgs = (113.7500, 34.7800)
    glon, glat = wgs84_to_gcj02(*wgs)
    assert distance_m(*wgs, glon, glat) > 200  # the offset is hundreds of metres here
    back = gcj02_to_wgs84(glon, glat)
    assert distance_m(*wgs, *back) < 0.05
    data = csv_bytes([(dt.datetime(2026, 3, 2, 7), glon, glat, 30)])
    _import(trip, data, datum=gps.Datum.GCJ02)
    point = TrackPoint.objects.get(trip=trip)
    assert distance_m(point.longitude, point.latitude, *wgs) < 0.05


def test_bad_rows_reported_with_row_numbers_and_nothing_saved(trip):
    data = io.BytesIO(
        "定位时间,经度,纬度,速度\n"
        "2026-03-02 07:00:00,113.74,34.78,30\n"
        "2026-03-02 07:00:01,abc,34.78,30\n"
        "2026-03-02 07:00:02,113.74,34.78,30\n"
        "昨天,113.74,34.78,30\n"
        "2026-03-03 07:00:04,113.74,34.78,30\n".encode())
    with pytest.raises(gps.TrackImportError) as exc:
        _import(trip, data)
    errors = exc.value.errors
    assert errors[0].startswith("Row 3:") and "longitude" in errors[0]
    assert errors[1].startswith("Row 5:") and "昨天" in errors[1]
    assert errors[2].startswith("Row 6:") and "trip's date" in errors[2]
    assert TrackPoint.objects.filter(trip=trip).count() == 0
    trip.refresh_from_db()
    assert trip.track_points == 0


def test_missing_column_is_a_clear_file_error(trip):
    with pytest.raises(gps.TrackImportError) as exc:
        _import(trip, io.BytesIO("定位时间,经度,纬度\n2026-03-02 07:00:00,113.74,34.78\n".encode()))
    assert "速度" in exc.value.errors[0]


def test_a_failure_late_in_a_long_file_rolls_back_the_batches_already_written(trip):
    points = rows([30] * (gps.BATCH * 2 + 10))
    data = csv_bytes(points)
    text = data.getvalue().decode("utf-8-sig").splitlines()
    text[-1] = text[-1].replace(",30,", ",fast,")
    with pytest.raises(gps.TrackImportError) as exc:
        _import(trip, io.BytesIO("\n".join(text).encode()))
    assert exc.value.errors == [f"Row {len(text)}: speed “fast” is not a number."]
    assert TrackPoint.objects.filter(trip=trip).count() == 0


def test_a_track_is_not_replaced(trip):
    _import(trip, csv_bytes(rows([30] * 3)))
    with pytest.raises(gps.DomainError, match="already has its GPS track"):
        _import(trip, csv_bytes(rows([30] * 3)))


def test_command_imports_a_file(trip, tmp_path):
    path = tmp_path / "track.csv"
    path.write_bytes(csv_bytes(rows([30] * 20 + [75] * 3 + [30] * 5)).getvalue())
    out = io.StringIO()
    call_command("import_gps_track", "--trip", str(trip.pk), str(path), stdout=out)
    assert "28" in out.getvalue() and "1" in out.getvalue()
    assert TrackPoint.objects.filter(trip=trip).count() == 28
    assert len(_episodes(trip, ViolationKind.SPEEDING)) == 1


# Speeding -------------------------------------------------------------------------------------


def test_forty_point_speeding_run_is_one_episode_and_one_hazard(trip):
    speeds = [40] * 10 + [70 + i % 5 for i in range(40)] + [40] * 10
    outcome = _import(trip, csv_bytes(rows(speeds)))
    speeding = _episodes(trip, ViolationKind.SPEEDING)
    assert len(speeding) == 1 and len(outcome.episodes) == 1
    ep = speeding[0]
    assert (ep.first_seq, ep.last_seq, ep.points) == (11, 50, 40)
    assert float(ep.peak) == 74.0 and float(ep.limit) == 60
    assert "07:00:10" in ep.evidence and "07:00:49" in ep.evidence and "74.0 km/h" in ep.evidence
    hazards = Hazard.objects.filter(finding_key__startswith=f"bus:trip:{trip.pk}:speeding")
    assert hazards.count() == 1
    assert ep.hazard == hazards.get()
    assert hazards.get().focus_area is None or hazards.get().focus_area.code == "traffic"


def test_exactly_at_the_limit_is_not_speeding(trip):
    _import(trip, csv_bytes(rows([60] * 20 + [60.1] + [60] * 5)))
    speeding = _episodes(trip, ViolationKind.SPEEDING)
    assert len(speeding) == 1 and speeding[0].points == 1 and float(speeding[0].peak) == 60.1


def test_two_separate_runs_are_two_episodes(trip):
    _import(trip, csv_bytes(rows([65] * 3 + [50] * 3 + [66] * 4)))
    assert [e.points for e in _episodes(trip, ViolationKind.SPEEDING)] == [3, 4]
    assert Hazard.objects.filter(finding_key__contains=f"bus:trip:{trip.pk}:speeding").count() == 2


def test_route_lower_limit_applies(school_a):
    r = bf.route(school_a, speed_limit=40)
    t = bf.trip(school_a, route=r)
    _import(t, csv_bytes(rows([40] * 5 + [41] * 2)))
    (ep,) = _episodes(t, ViolationKind.SPEEDING)
    assert float(ep.limit) == 40 and ep.points == 2


def test_condition_zone_limits_to_20_and_expressway_allows_80(school_a):
    r = bf.route(school_a)
    zone_add(route=r, actor=None, name="东风渠桥", kind=ZoneKind.CONDITION, longitude=113.7400, latitude=LAT,
             radius_m=40)
    zone_add(route=r, actor=None, name="连霍高速", kind=ZoneKind.EXPRESSWAY, longitude=113.7600, latitude=LAT,
             radius_m=300)
    t = bf.trip(school_a, route=r)
    # points 0..4 lie within ~37 m of the bridge (0.0001° ≈ 9 m); point 200 is on the expressway
    speeds = [20, 21, 20, 20, 20] + [30] * 195 + [80, 79, 81] + [30] * 3
    _import(t, csv_bytes(rows(speeds)))
    eps = _episodes(t, ViolationKind.SPEEDING)
    assert [(e.first_seq, e.points, float(e.limit)) for e in eps] == [(2, 1, 20), (203, 1, 80)]


def test_adverse_weather_sets_20_everywhere(school_a):
    t = bf.trip(school_a, adverse_weather=True)
    _import(t, csv_bytes(rows([20] * 3 + [25] * 3)))
    (ep,) = _episodes(t, ViolationKind.SPEEDING)
    assert float(ep.limit) == 20 and ep.points == 3


# Off route ------------------------------------------------------------------------------------


def _off(indices, degrees=0.003):
    return {i: degrees for i in indices}  # 0.003° of latitude ≈ 333 m north of the road


def test_off_route_longer_than_grace_is_one_episode(trip):
    # tolerance 200 m, grace 60 s; 1 s between points: 62 points off = 61 s
    _import(trip, csv_bytes(rows([30] * 100, lat_offsets=_off(range(20, 82)))))
    (ep,) = _episodes(trip, ViolationKind.OFF_ROUTE)
    assert (ep.first_seq, ep.last_seq, ep.points) == (21, 82, 62)
    assert 320 < float(ep.peak) < 345
    assert ep.hazard is not None


def test_off_route_exactly_the_grace_time_is_not_a_violation(trip):
    _import(trip, csv_bytes(rows([30] * 100, lat_offsets=_off(range(20, 81)))))  # 61 points = 60 s
    assert _episodes(trip, ViolationKind.OFF_ROUTE) == []


def test_within_tolerance_is_on_route(trip):
    _import(trip, csv_bytes(rows([30] * 100, lat_offsets=_off(range(10, 90), degrees=0.0017))))  # ≈ 189 m
    assert _episodes(trip, ViolationKind.OFF_ROUTE) == []


class _TrackAt:
    """A track every point is exactly `metres` from (the checker's only question to a track)."""

    def __init__(self, metres):
        self.metres = metres

    def distance(self, lon, lat, *, within=None):
        return self.metres


@pytest.mark.parametrize(("metres", "episodes"), [(200, 0), (200.001, 1)], ids=["at-tolerance", "just-beyond"])
def test_off_route_exactly_at_the_tolerance_is_on_route(trip, metres, episodes):
    # tolerance 200 m, grace 60 s: 120 points a second apart, all `metres` from the route
    assert trip.route.tolerance_m == 200 and trip.route.grace_seconds == 60
    checker = gps.Checker(trip=trip, track=_TrackAt(metres))
    start = dt.datetime(2026, 9, 1, 7, 0, tzinfo=dt.UTC)
    for seq in range(1, 121):
        checker.feed(seq, start + dt.timedelta(seconds=seq), 116.4, LAT, 30)
    found = checker.finish()
    assert [(e.kind, e.points) for e in found] == [(ViolationKind.OFF_ROUTE, 120)] * episodes


def test_route_without_track_is_not_checked_for_off_route(school_a):
    r = bf.route(school_a, track=[], stops=1)
    t = bf.trip(school_a, route=r)
    _import(t, csv_bytes(rows([30] * 100, lat_offsets=_off(range(10, 90), degrees=0.05))))
    assert _episodes(t, ViolationKind.OFF_ROUTE) == []


# Streaming ------------------------------------------------------------------------------------


def _peak_memory(trip, n, make_file):
    data = make_file(rows([30] * n, step=0.00001))
    tracemalloc.start()
    try:
        outcome = _import(trip, data)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        assert outcome.points == n


@pytest.mark.parametrize("make_file", [csv_bytes, xlsx_bytes, partial(xlsx_bytes, write_only=True)],
                         ids=["csv", "xlsx", "xlsx-without-dimension"])
def test_memory_does_not_grow_with_the_file(school_a, make_file):
    """Peak memory while importing 2,000 and 20,000 points: the larger file (10× as long) may not
    need more than a little over the smaller one's, since rows are read lazily (openpyxl's
    read-only mode for XLSX) and written in batches of gps.BATCH (a whole-file read would need ~10×
    as much). The URL conf is loaded first: the first episode recorded would import it (some MB
    once, nothing to do with the file)."""
    reverse("schoolbus:trip_list")
    small = _peak_memory(bf.trip(school_a), gps.BATCH, make_file)
    large = _peak_memory(bf.trip(school_a), gps.BATCH * 10, make_file)
    assert large < small * 1.5, (small, large)
