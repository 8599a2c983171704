"""The demo school buses: a fleet per demo school, one driver not qualified, two months of trips,
a few rule violations and GPS tracks with a speeding and an off-route episode; built once."""
import io

import pytest

from campaign_site.generic import demo
from schoolbus.models import Driver, Trip, Vehicle, Violation, ViolationKind
from schoolbus.services import driver_eligibility


@pytest.fixture
def demo_built(db, monkeypatch):
    from schoolbus import demo as bus_demo

    monkeypatch.setattr(bus_demo, "DAYS", 14)  # two weeks (the full two months take ~30 s)
    out = io.StringIO()
    for _order, name, fn in demo.builders():
        if name in ("accounts", "campaigns", "schoolbus"):
            fn(out)
    return out.getvalue()


def test_demo_school_buses(demo_built):
    assert "schoolbus:" in demo_built
    assert Vehicle.objects.count() == 6
    unqualified = [d for d in Driver.objects.all() if driver_eligibility(d)]
    assert len(unqualified) == 2 and all("Older than 60" in driver_eligibility(d)[0] for d in unqualified)
    assert Trip.objects.count() >= 80  # 2 schools × 2 buses × 2 runs × 10 school days
    kinds = set(Violation.objects.values_list("kind", flat=True))
    assert {ViolationKind.OVERLOAD, ViolationKind.NO_ESCORT, ViolationKind.DRIVER, ViolationKind.COUNT,
            ViolationKind.SPEEDING, ViolationKind.OFF_ROUTE} <= kinds
    assert Violation.objects.filter(kind=ViolationKind.SPEEDING).count() == 2  # one per school's speeding trip
    assert Violation.objects.filter(kind=ViolationKind.OFF_ROUTE).count() == 2
    assert Violation.objects.filter(hazard__isnull=True).count() == 0
    assert Trip.objects.filter(track_points__gt=0).count() == 6
    # idempotent
    for _order, name, fn in demo.builders():
        if name == "schoolbus":
            fn(io.StringIO())
    assert Vehicle.objects.count() == 6
