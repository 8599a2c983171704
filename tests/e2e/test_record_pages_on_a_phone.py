"""Record pages as a phone (390 px) and a PC (1366 px) show them: a school bus's permit dates and
safety equipment come before its recent trips on a phone (beside the particulars on a PC); a
bottle's movements fit a phone without breaking 保管员 one character a line."""
import pytest

from campaign_site.accounts.models import Role
from tests import factories as f
from tests.chemicals import factories as cf
from tests.schoolbus import factories as bf

from .conftest import login, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def box(page, testid):
    return page.locator(f"[data-testid={testid}]").bounding_box()


def test_vehicle_page_puts_documents_and_equipment_before_recent_trips_on_a_phone(new_page, school_a):
    f.member(school_a, Role.TRANSPORT_OFFICER, username="transport_a")
    trip = bf.trip(school_a)
    url = trip.vehicle.get_absolute_url()

    phone = login(new_page(width=390, height=844), "transport_a")
    phone.goto(url)
    screenshot(phone, "vehicle-phone")
    documents, equipment, trips = box(phone, "documents"), box(phone, "equipment"), box(phone, "recent-trips")
    assert documents["y"] < equipment["y"] < trips["y"] < box(phone, "attachments")["y"]
    assert documents["width"] == trips["width"]  # one column

    pc = login(new_page(width=1366, height=900), "transport_a")
    pc.goto(url)
    screenshot(pc, "vehicle-pc")
    documents, trips, details = box(pc, "documents"), box(pc, "recent-trips"), pc.locator("dl").bounding_box()
    # Two columns: the documents beside the particulars, the trips right under the particulars.
    assert documents["x"] > trips["x"] + trips["width"] and documents["y"] < trips["y"]
    assert 0 < trips["y"] - (details["y"] + details["height"]) < 60
    assert box(pc, "history")["x"] == documents["x"]


def test_container_movements_fit_a_phone(new_page, school_a, custodian_a):
    bottle = cf.container(school_a, cf.CAUSTIC)
    page = login(new_page(width=390, height=844), "custodian_a")
    page.goto(bottle.get_absolute_url())
    screenshot(page, "container-phone")
    table = page.locator("[data-testid=container-movements]")
    headers = [th for th in table.locator("th").all() if th.is_visible()]
    assert [th.inner_text() for th in headers] == ["时间", "收发类型", "数量"]
    assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth")
    row = table.locator("tbody tr").first.bounding_box()
    assert row["height"] < 50  # the time and the quantity on one line each
    page = login(new_page(width=1366, height=900), "custodian_a")
    page.goto(bottle.get_absolute_url())
    assert page.locator("[data-testid=container-movements] th").evaluate_all(
        "ths => ths.filter(th => th.offsetParent !== null).length") == 6
