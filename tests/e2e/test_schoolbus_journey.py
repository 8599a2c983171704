"""The school bus journey in a real browser, on a phone-sized screen: the transport officer logs a
trip with more pupils than the bus has seats and sees the violation and the hazard it opened;
then imports the trip's GPS export and sees the speeding episode drawn on the track."""
import pytest
from django.utils import translation

from hazards.models import Hazard
from schoolbus.models import Trip, ViolationKind
from tests.schoolbus import factories as bf
from tests.schoolbus.gpsdata import csv_bytes, rows

from .conftest import login, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def transport_a(school_a):
    from campaign_site.accounts.models import Role
    from tests import factories as f

    return f.member(school_a, Role.TRANSPORT_OFFICER, username="transport_a", full_name="校车管理员甲")


def zh(label) -> str:
    with translation.override("zh-hans"):
        return str(label)


def test_officer_logs_an_overloaded_trip_and_imports_its_track(new_page, school_a, transport_a, tmp_path):
    route, bus = bf.route(school_a, name="1号线"), bf.vehicle(school_a, plate="豫A54321", seats=19)
    driver, escort = bf.driver(school_a, name="王建国"), bf.escort(school_a, name="刘桂兰")
    page = login(new_page(width=390, height=844), "transport_a")

    page.goto("/schoolbus/trips/new/")
    page.fill("input[name=date]", "2026-03-02")
    page.select_option("select[name=run]", "morning")
    page.select_option("select[name=route]", str(route.pk))
    page.select_option("select[name=vehicle]", str(bus.pk))
    page.select_option("select[name=driver]", str(driver.pk))
    page.select_option("select[name=escort]", str(escort.pk))
    page.fill("input[name=boarded]", "23")
    page.fill("input[name=alighted]", "23")
    page.check("input[name=pre_trip_check]")
    page.click("[data-testid=save]")
    page.wait_for_load_state()

    trip = Trip.objects.get()
    assert page.url.endswith(trip.get_absolute_url())
    violations = page.locator("[data-testid=violations]")
    overload = violations.locator(f"[data-kind={ViolationKind.OVERLOAD}]")
    assert zh(ViolationKind.OVERLOAD.label) in overload.inner_text()
    hazard = Hazard.objects.get(finding_key=f"bus:trip:{trip.pk}:overload")
    overload.locator("[data-testid=hazard-link]").click()
    page.wait_for_load_state()
    assert page.url.endswith(hazard.get_absolute_url())
    assert "校车超员" in page.inner_text("h1")
    screenshot(page, "schoolbus-overload-hazard")

    path = tmp_path / "轨迹.csv"
    path.write_bytes(csv_bytes(rows([35] * 20 + [72] * 8 + [35] * 20)).getvalue())
    page.goto(trip.get_absolute_url())
    page.set_input_files("input[name=file]", str(path))
    page.click("[data-testid=upload]")
    page.wait_for_load_state()
    picture = page.locator("[data-testid=trip-picture]")
    assert picture.locator("[data-testid=track-line]").count() == 1
    assert picture.locator("[data-testid=episode-speeding]").count() == 1
    speeding = page.locator(f"[data-testid=violations] [data-kind={ViolationKind.SPEEDING}]")
    assert "72.0" in speeding.inner_text()
    screenshot(page, "schoolbus-track")
