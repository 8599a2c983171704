"""Objects owned by a school, for the generic access test (another school's user gets 404)."""
from schoolbus.models import (
    Driver,
    Escort,
    GateDuty,
    HireEvent,
    Rider,
    Route,
    Trip,
    Vehicle,
    VehicleReport,
    Violation,
)

from . import factories as bf


def _violation(school):
    t = bf.trip(school, boarded=30)  # 19 seats: an overload
    return t.violations.get(kind="overload")


def _hire(school):
    from .test_hires import coach, hire

    event = hire(school)
    coach(event)
    return event


OBJECTS = {
    Vehicle: bf.vehicle,
    Driver: bf.driver,
    Escort: bf.escort,
    Route: bf.route,
    Rider: bf.rider,
    Trip: bf.trip,
    Violation: _violation,
    HireEvent: _hire,
    GateDuty: bf.gate_duty,
    VehicleReport: bf.vehicle_report,
}
