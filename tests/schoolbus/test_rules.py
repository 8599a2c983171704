"""The rules of the regulations: driver qualification (art. 23), vehicles that may never carry
pupils, the violations found on a trip (each at its boundary) and the expiry reminders."""
import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from campaign_site.accounts.models import Role
from campaign_site.generic.errors import DomainError
from campaign_site.notifications.models import Notice
from hazards.models import Hazard
from schoolbus import services
from schoolbus.models import LicenceClass, Vehicle, VehicleStatus, Violation, ViolationKind
from tests import factories as f

from . import factories as bf

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 3, 2)


def _driver(school_a, **kw):
    return bf.driver(school_a, **kw)


# Art. 23 --------------------------------------------------------------------------------------


def test_qualified_driver_has_no_reasons(school_a):
    assert services.driver_eligibility(_driver(school_a), ON) == []


@pytest.mark.parametrize("birth, ok", [
    (dt.date(2001, 3, 3), False),   # 24 (25 tomorrow)
    (dt.date(2001, 3, 2), True),    # 25 today
    (dt.date(1966, 3, 2), True),    # 60 today: "not over 60"
    (dt.date(1965, 3, 3), True),    # 60, a day before turning 61
    (dt.date(1965, 3, 2), False),   # 61 today
])
def test_age_25_to_60(school_a, birth, ok):
    driver = _driver(school_a, birth_date=birth, licence_since=dt.date(2000, 1, 1) if birth.year < 1990
                     else dt.date(2020, 1, 1))
    reasons = services.driver_eligibility(driver, ON)
    assert (not any("Younger" in r or "Older" in r for r in reasons)) is ok, reasons


@pytest.mark.parametrize("since, ok", [(dt.date(2023, 3, 2), True), (dt.date(2023, 3, 3), False)])
def test_three_years_of_the_class(school_a, since, ok):
    reasons = services.driver_eligibility(_driver(school_a, licence_since=since), ON)
    assert (reasons == []) is ok, reasons


@pytest.mark.parametrize("field, value, words", [
    ("full_point_cycles", 1, "12 points"),
    ("serious_accident", True, "death or serious injury"),
    ("drink_driving", True, "drink or drunk"),
    ("overload_speeding_last_year", True, "Overloaded or sped"),
    ("criminal_record", True, "criminal record"),
    ("records_checked_on", None, "not been checked"),
    ("licence_class", LicenceClass.C1, "does not cover a bus"),
    ("endorsement_valid_until", None, "no school bus endorsement"),
    ("endorsement_valid_until", dt.date(2026, 3, 1), "endorsement expired on 2026-03-01"),
    ("health_checked_on", dt.date(2025, 3, 1), "more than a year old"),
])
def test_each_record_makes_a_driver_ineligible_with_its_reason(school_a, field, value, words):
    reasons = services.driver_eligibility(_driver(school_a, **{field: value}), ON)
    assert len(reasons) == 1 and words in reasons[0], reasons


def test_endorsement_valid_on_its_last_day(school_a):
    assert services.driver_eligibility(_driver(school_a, endorsement_valid_until=ON), ON) == []


def test_driver_id_number_check_digit(school_a):
    good = bf.id_number(dt.date(1980, 5, 17), 1)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(DomainError, match="check digit"):
        _driver(school_a, id_number=bad)


# Vehicles -------------------------------------------------------------------------------------


def test_assembled_vehicle_can_never_be_in_service(school_a):
    with pytest.raises(DomainError, match="assembled"):
        bf.vehicle(school_a, is_assembled=True)
    bus = bf.vehicle(school_a, is_assembled=True, status=VehicleStatus.SUSPENDED)
    with pytest.raises(DomainError, match="assembled"):
        services.vehicle_update(vehicle=bus, actor=None, status=VehicleStatus.IN_SERVICE)


def test_scrapped_vehicle_stays_scrapped(school_a):
    bus = bf.vehicle(school_a)
    bus = services.vehicle_update(vehicle=bus, actor=None, status=VehicleStatus.SCRAPPED)
    assert bus.scrapped_on is not None
    with pytest.raises(DomainError, match="scrapped"):
        services.vehicle_update(vehicle=bus, actor=None, status=VehicleStatus.IN_SERVICE)
    with pytest.raises(DomainError, match="scrapped"):
        services.vehicle_update(vehicle=bus, actor=None, status=VehicleStatus.SUSPENDED)


def test_database_refuses_a_scrapped_or_assembled_bus_in_service(school_a):
    bus = bf.vehicle(school_a, status=VehicleStatus.SCRAPPED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Vehicle.objects.filter(pk=bus.pk).update(status=VehicleStatus.IN_SERVICE)
    other = bf.vehicle(school_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Vehicle.objects.filter(pk=other.pk).update(is_assembled=True)


def test_fewer_than_7_seats_is_not_a_school_bus(school_a):
    with pytest.raises(DomainError, match="at least 7"):
        bf.vehicle(school_a, seats=6)


def test_scrapped_vehicle_refused_for_a_trip(school_a):
    bus = bf.vehicle(school_a, status=VehicleStatus.SCRAPPED)
    with pytest.raises(DomainError, match="scrapped or assembled"):
        bf.trip(school_a, vehicle=bus)


def test_plate_is_normalised_and_unique(school_a, school_b):
    bus = bf.vehicle(school_a, plate="豫a·12345")
    assert bus.plate == "豫A12345"
    with pytest.raises(DomainError, match="already on file"):
        bf.vehicle(school_b, plate="豫A12345")
    with pytest.raises(DomainError, match="not a plate number"):
        bf.vehicle(school_a, plate="12345")


def test_records_are_kept_by_the_transport_officer_or_else_the_safety_officer(school_a, officer_a, principal_a):
    bus = bf.vehicle(school_a)
    services.vehicle_update(vehicle=bus, actor=officer_a, seats=20)  # no transport officer yet
    with pytest.raises(DomainError, match="transport officer"):
        services.vehicle_update(vehicle=bus, actor=principal_a, seats=21)
    f.member(school_a, Role.TRANSPORT_OFFICER, username="transport_x")
    with pytest.raises(DomainError, match="transport officer"):
        services.vehicle_update(vehicle=bus, actor=officer_a, seats=22)


# Violations on a trip -------------------------------------------------------------------------


def _kinds(trip):
    return sorted(trip.violations.values_list("kind", flat=True))


def test_clean_trip_has_no_violation(school_a):
    assert _kinds(bf.trip(school_a)) == []


@pytest.mark.parametrize("boarded, found", [(19, False), (20, True)])
def test_overload_above_approved_seats_only(school_a, boarded, found):
    t = bf.trip(school_a, boarded=boarded, alighted=boarded)
    assert (ViolationKind.OVERLOAD in _kinds(t)) is found


def test_overload_opens_one_hazard_in_the_traffic_area(school_a):
    t = bf.trip(school_a, boarded=25, alighted=25)
    v = t.violations.get(kind=ViolationKind.OVERLOAD)
    assert "25 pupils boarded" in v.evidence and float(v.peak) == 6
    assert v.hazard.title.startswith("校车超员") and v.hazard.organisation == school_a
    # checking again (an edit, a retried task) opens nothing new
    services.trip_check(trip=t)
    services.trip_update(trip=t, actor=None, check_note="复核")
    assert Violation.objects.filter(trip=t).count() == 1
    assert Hazard.objects.filter(finding_key__startswith=f"bus:trip:{t.pk}:").count() == 1


def test_no_escort_and_count_mismatch_and_no_check(school_a):
    t = bf.trip(school_a, escort=None, boarded=10, alighted=9, pre_trip_check=False)
    assert _kinds(t) == sorted([ViolationKind.NO_ESCORT, ViolationKind.COUNT, ViolationKind.NO_CHECK])


def test_ineligible_driver_on_the_trip_date(school_a):
    old = bf.driver(school_a, birth_date=dt.date(1965, 3, 2))  # 61 on the trip date
    t = bf.trip(school_a, driver=old)
    v = t.violations.get(kind=ViolationKind.DRIVER)
    assert "Older than 60" in v.evidence


@pytest.mark.parametrize("field", ["permit_valid_until", "insurance_valid_until"])
def test_documents_valid_on_the_trip_date_and_expired_the_day_before(school_a, field):
    on_day = bf.trip(school_a, vehicle=bf.vehicle(school_a, **{field: bf.TODAY}))
    assert ViolationKind.DOCUMENTS not in _kinds(on_day)
    expired = bf.trip(school_a, vehicle=bf.vehicle(school_a, **{field: bf.TODAY - dt.timedelta(days=1)}))
    assert ViolationKind.DOCUMENTS in _kinds(expired)


def test_inspection_older_than_six_months(school_a):
    ok = bf.trip(school_a, vehicle=bf.vehicle(school_a, inspected_on=dt.date(2025, 9, 2)))  # due 2026-03-02
    assert ViolationKind.DOCUMENTS not in _kinds(ok)
    late = bf.trip(school_a, vehicle=bf.vehicle(school_a, inspected_on=dt.date(2025, 9, 1)))
    assert "technical inspection: expired on 2026-03-01" in late.violations.get(kind="documents").evidence


def test_suspended_bus_carrying_pupils(school_a):
    t = bf.trip(school_a, vehicle=bf.vehicle(school_a, status=VehicleStatus.SUSPENDED))
    assert ViolationKind.VEHICLE in _kinds(t)


def test_trip_parts_must_belong_to_the_school(school_a, school_b):
    with pytest.raises(DomainError, match="another school"):
        bf.trip(school_a, vehicle=bf.vehicle(school_b))


# Reminders ------------------------------------------------------------------------------------


def test_reminder_a_month_ahead_once_and_escalation_when_expired(school_a, officer_a, principal_a, bureau_staff):
    today = dt.date.today()
    soon = bf.vehicle(school_a, insurance_valid_until=today + dt.timedelta(days=30),
                      inspected_on=today - dt.timedelta(days=10))
    bf.vehicle(school_a, insurance_valid_until=today + dt.timedelta(days=31),
               inspected_on=today - dt.timedelta(days=10))  # not yet
    assert services.send_expiry_reminders(today=today) == 1
    assert services.send_expiry_reminders(today=today) == 0  # the daily run again: nothing twice
    notice = Notice.objects.get(recipient=officer_a)
    assert soon.plate in notice.title and notice.url == soon.get_absolute_url()
    assert not Notice.objects.filter(recipient__in=[principal_a, bureau_staff]).exists()
    later = today + dt.timedelta(days=31)
    services.send_expiry_reminders(today=later)
    assert Notice.objects.filter(recipient=principal_a, title__contains="ran out").count() == 1
    assert Notice.objects.filter(recipient=bureau_staff, title__contains=soon.plate).count() == 1
    assert Notice.objects.filter(recipient=officer_a, title__contains="ran out").exists()


def test_reminders_go_to_the_transport_officer_when_there_is_one(school_a, officer_a, transport_a):
    today = dt.date.today()
    bf.driver(school_a, endorsement_valid_until=today + dt.timedelta(days=3))
    services.send_expiry_reminders(today=today)
    assert Notice.objects.filter(recipient=transport_a, title__contains="endorsement").count() == 1
    assert not Notice.objects.filter(recipient=officer_a).exists()
