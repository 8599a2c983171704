"""Pages of the school bus records: the trip journey, masking of pupils' data in lists, exports
and history, the reveal with its audit record, the bureau overview and scoping."""
import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from campaign_site.generic.models import AuditEvent
from schoolbus.models import Trip, Vehicle, Violation

from . import factories as bf
from .gpsdata import csv_bytes, rows

pytestmark = pytest.mark.django_db


def test_officer_logs_an_overloaded_trip_and_sees_the_violation_and_hazard(client, school_a, transport_a):
    route, bus, driver, escort = bf.route(school_a), bf.vehicle(school_a), bf.driver(school_a), bf.escort(school_a)
    client.force_login(transport_a)
    response = client.post(reverse("schoolbus:trip_create"), {
        "organisation": school_a.pk, "date": "2026-03-02", "run": "morning", "route": route.pk, "vehicle": bus.pk,
        "driver": driver.pk, "escort": escort.pk, "boarded": 23, "alighted": 23, "pre_trip_check": "on"})
    trip = Trip.objects.get()
    assert response.status_code == 302 and response["Location"] == trip.get_absolute_url()
    page = client.get(trip.get_absolute_url()).content.decode()
    violation = Violation.objects.get(trip=trip)
    assert "超员" in page and violation.hazard.number in page


def test_scrapped_bus_is_not_offered_and_refused_for_a_trip(client, school_a, transport_a):
    scrapped = bf.vehicle(school_a, status="scrapped")
    client.force_login(transport_a)
    page = client.get(reverse("schoolbus:trip_create")).content.decode()
    assert scrapped.plate not in page


def test_track_upload_page_shows_episodes_on_the_picture(client, school_a, transport_a):
    trip = bf.trip(school_a)
    client.force_login(transport_a)
    data = csv_bytes(rows([30] * 10 + [70] * 5 + [30] * 10))
    data.name = "track.csv"
    response = client.post(reverse("schoolbus:trip_track_import", args=[trip.pk]), {"file": data, "datum": "wgs84"})
    assert response.status_code == 302
    page = client.get(trip.get_absolute_url()).content.decode()
    assert 'data-testid="track-line"' in page and 'data-testid="episode-speeding"' in page
    assert 'data-testid="route-line"' in page


def test_track_upload_errors_are_listed_with_row_numbers(client, school_a, transport_a):
    trip = bf.trip(school_a)
    client.force_login(transport_a)
    data = io.BytesIO("定位时间,经度,纬度,速度\n2026-03-02 07:00:00,113.74,34.78,快\n".encode())
    data.name = "track.csv"
    page = client.post(reverse("schoolbus:trip_track_import", args=[trip.pk]), {"file": data, "datum": "wgs84"})
    assert "第 2 行" in page.content.decode() or "Row 2" in page.content.decode()
    assert not trip.points.exists()


def test_principal_cannot_upload_a_track(client, school_a, principal_a):
    trip = bf.trip(school_a)
    client.force_login(principal_a)
    assert client.get(reverse("schoolbus:trip_track_import", args=[trip.pk])).status_code == 403


# Pupils' data ---------------------------------------------------------------------------------


@pytest.fixture
def rider(school_a):
    return bf.rider(school_a, guardian_phone="13812345678", id_number=bf.id_number(dt.date(2017, 4, 9), 123))


@pytest.mark.parametrize("username", ["transport_a", "principal_a", "officer_a", "bureau_staff"])
def test_list_and_detail_show_masked_values_to_everyone(client, rider, username, request):
    client.force_login(request.getfixturevalue(username))
    listing = client.get(reverse("schoolbus:rider_list")).content.decode()
    detail = client.get(rider.get_absolute_url()).content.decode()
    for page in (listing, detail):
        assert "138****5678" in page
        assert "13812345678" not in page and rider.id_number not in page
    assert rider.id_number[:4] + "**********" + rider.id_number[-4:] in listing


def test_export_is_masked(client, rider, transport_a):
    client.force_login(transport_a)
    response = client.get(reverse("schoolbus:rider_list") + "?export=csv")
    text = response.content.decode("utf-8-sig")
    rows_ = list(csv.reader(io.StringIO(text)))
    assert any("138****5678" in r for r in rows_)
    assert "13812345678" not in text and rider.id_number not in text


def test_history_shows_no_full_value(client, rider, transport_a):
    from schoolbus import services

    services.rider_update(rider=rider, actor=transport_a, guardian_phone="13900001111")
    client.force_login(transport_a)
    page = client.get(rider.get_absolute_url()).content.decode()
    assert 'data-testid="history"' in page
    assert "13900001111" not in page and "13812345678" not in page


@pytest.mark.parametrize("username", ["transport_a", "principal_a"])
def test_transport_officer_and_principal_reveal_and_each_look_is_recorded(client, rider, username, request):
    user = request.getfixturevalue(username)
    client.force_login(user)
    for field, value in (("guardian_phone", "13812345678"), ("id_number", rider.id_number)):
        response = client.post(reverse("schoolbus:rider_reveal", args=[rider.pk]), {"field": field})
        assert response.status_code == 200 and value in response.content.decode()
    events = AuditEvent.objects.filter(action="pupil_data_viewed", user=user).order_by("pk")
    assert [(e.detail, e.object_id, e.organisation_id, e.result) for e in events] == [
        ("guardian_phone", str(rider.pk), rider.organisation_id, "success"),
        ("id_number", str(rider.pk), rider.organisation_id, "success")]


@pytest.mark.parametrize("username", ["officer_a", "bureau_staff"])
def test_others_cannot_reveal(client, rider, username, request):
    user = request.getfixturevalue(username)
    client.force_login(user)
    response = client.post(reverse("schoolbus:rider_reveal", args=[rider.pk]), {"field": "guardian_phone"})
    assert response.status_code == 403 and "13812345678" not in response.content.decode()
    assert AuditEvent.objects.filter(action="pupil_data_viewed", user=user, result="denied").count() == 1


def test_a_school_never_sees_another_schools_riders(client, rider, officer_b, school_b):
    own = bf.rider(school_b, name="乙校学生")
    client.force_login(officer_b)
    page = client.get(reverse("schoolbus:rider_list")).content.decode()
    assert own.name in page and rider.name not in page
    assert client.get(rider.get_absolute_url()).status_code == 404


def test_teacher_has_no_school_bus_pages(client, school_a):
    from campaign_site.accounts.models import Role
    from tests import factories as f

    teacher = f.member(school_a, Role.TEACHER, username="teacher_a")
    client.force_login(teacher)
    assert client.get(reverse("schoolbus:rider_list")).status_code == 403


# The bureau -----------------------------------------------------------------------------------


def test_bureau_overview_counts_each_school_and_exports(client, school_a, school_b, bureau_staff):
    bf.trip(school_a, boarded=30, alighted=30, date=dt.date.today(),
            vehicle=bf.vehicle(school_a, inspected_on=dt.date.today()))
    bf.vehicle(school_b, insurance_valid_until=dt.date.today() + dt.timedelta(days=5))
    client.force_login(bureau_staff)
    response = client.get(reverse("schoolbus:fleet_overview"))
    table = response.context["table"]
    by_school = {r.record.name: r.record for r in table.rows}
    assert by_school[school_a.name].violations == 1 and by_school[school_a.name].vehicles == 1
    assert by_school[school_b.name].expiring == 1 and by_school[school_b.name].violations == 0
    export = client.get(reverse("schoolbus:fleet_overview") + "?export=csv").content.decode("utf-8-sig")
    assert school_a.name in export and school_b.name in export


def test_bureau_sees_violations_of_every_school_and_cannot_edit(client, school_a, bureau_staff):
    trip = bf.trip(school_a, escort=None)
    client.force_login(bureau_staff)
    page = client.get(reverse("schoolbus:violation_list")).content.decode()
    assert trip.vehicle.plate in page
    assert client.get(reverse("schoolbus:vehicle_edit", args=[trip.vehicle.pk])).status_code == 403


def test_vehicle_form_creates_and_marks_expiring_documents(client, school_a, transport_a):
    client.force_login(transport_a)
    soon = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    response = client.post(reverse("schoolbus:vehicle_create"), {
        "organisation": school_a.pk, "plate": "豫A66666", "operator": "校车公司", "make_model": "宇通", "seats": 35,
        "meets_standard": "on", "registered_on": "2024-01-01", "permit_valid_until": soon,
        "inspected_on": dt.date.today().isoformat(), "insurance_valid_until": "2030-01-01", "status": "in_service"})
    bus = Vehicle.objects.get(plate="豫A66666")
    assert response.status_code == 302
    listing = client.get(reverse("schoolbus:vehicle_list")).content.decode()
    assert f'text-bg-warning">{soon}' in listing
    assert bus.organisation == school_a


def test_vehicle_list_queries_do_not_grow_with_rows(client, school_a, transport_a, django_assert_max_num_queries):
    client.force_login(transport_a)
    for _ in range(3):
        bf.vehicle(school_a)
    client.get(reverse("schoolbus:vehicle_list"))
    with django_assert_max_num_queries(25) as ctx:
        client.get(reverse("schoolbus:vehicle_list"))
    few = len(ctx.captured_queries)
    for _ in range(10):
        bf.vehicle(school_a)
    with django_assert_max_num_queries(few):
        client.get(reverse("schoolbus:vehicle_list"))


def test_detail_page_reads_tick_boxes_as_yes_and_no(client, school_a, transport_a):
    bus = bf.vehicle(school_a, is_assembled=False)
    client.force_login(transport_a)
    page = client.get(bus.get_absolute_url()).content.decode()
    assert "True" not in page and "False" not in page
    assert ">是<" in page.replace("\n", "").replace(" ", "") and ">否<" in page.replace("\n", "").replace(" ", "")
