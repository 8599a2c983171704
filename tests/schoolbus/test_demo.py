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


def test_demo_gate_duty_and_unlicensed_vehicle_report(demo_built, client):
    from django.urls import reverse

    from campaign_site.accounts.models import User
    from schoolbus.models import GateDuty, VehicleReport
    from schoolbus.selectors import missed_gate_duty_counts

    assert "missed gate duties" in demo_built
    assert GateDuty.objects.filter(signed_in_at__isnull=False).exists()
    assert GateDuty.objects.exclude(on_behalf_reason="").count() == 2  # one per school, with its reason
    missed = GateDuty.objects.missed()
    assert missed.count() == 2  # one per school: the dismissal of three school days ago
    duty = missed.select_related("organisation", "person").get(organisation__code="2141017101")
    principal = User.objects.get(username="principal1")
    client.force_login(principal)
    page = client.get(reverse("schoolbus:gate_list") + "?state=missed").content.decode()
    assert duty.person.name in page and 'data-state="missed"' in page
    counts = missed_gate_duty_counts(year=duty.date.year, month=duty.date.month, user=principal)
    assert counts == {duty.organisation_id: 1}  # counted for the school's statistics, its own only
    report = VehicleReport.objects.get()
    assert report.plate == "豫AD5K27"
    client.force_login(User.objects.get(username="bureau"))
    assert "豫AD5K27" in client.get(reverse("schoolbus:report_list")).content.decode()
    assert client.get(report.get_absolute_url()).status_code == 200
    client.force_login(User.objects.get(username="outsider"))  # another district's bureau
    assert client.get(report.get_absolute_url()).status_code == 404
