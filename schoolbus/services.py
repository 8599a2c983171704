"""Every write of the school bus records: vehicles, drivers, escorts, routes, riders, trips, the
rules checked on a trip, the violations found and the hazard each one opens, and the expiry
reminders.

Public API: `driver_eligibility(driver, on)` -> reasons (empty when qualified),
`trip_log(...)`, `trip_check(trip)` -> violations, `violation_open(...)`.
The GPS track import is in gps.py and records its episodes through `violation_open`.
"""
from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign_site.accounts.models import Organisation, Role
from campaign_site.generic.errors import DomainError
from campaign_site.notifications.services import notify
from hazards import services as hazard_services

from . import permissions
from .geo import Track
from .models import (
    DRIVER_MAX_AGE,
    DRIVER_MIN_AGE,
    DRIVER_MIN_LICENCE_YEARS,
    MIN_SEATS,
    REMIND_DAYS,
    SCHOOL_BUS_CLASSES,
    Driver,
    Escort,
    Rider,
    Route,
    RouteStop,
    SpeedZone,
    Trip,
    Vehicle,
    VehicleStatus,
    Violation,
    ViolationKind,
    years_between,
)

PLATE_RE = re.compile(r"^[\u4e00-\u9fff][A-Z][A-Z0-9]{5,6}$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
HAZARD_FOCUS_AREA = "traffic"


# Checks shared by the writes ------------------------------------------------------------------


def _check_manage(actor, organisation: Organisation):
    if actor is not None and not permissions.can_manage(actor, organisation):
        raise DomainError(_("Only the school's transport officer (or, where there is none, its safety officer) "
                            "keeps the school bus records."))
    if not organisation.is_school:
        raise DomainError(_("School bus records belong to a school."))


def _check_same_school(obj, organisation: Organisation, label: str):
    if obj is not None and obj.organisation_id != organisation.pk:
        raise DomainError(_("%(what)s belongs to another school.") % {"what": label})


def normalise_plate(plate: str) -> str:
    plate = re.sub(r"[\s·.\-]", "", plate or "").upper()
    if not PLATE_RE.match(plate):
        raise DomainError(_("“%(plate)s” is not a plate number: write it like 豫A12345 (province, letter, "
                            "5 or 6 letters and digits).") % {"plate": plate})
    return plate


def check_id_number(value: str) -> str:
    """An 18-character resident ID number with a valid check digit."""
    value = (value or "").strip().upper()
    if len(value) != 18 or not value[:17].isdigit():
        raise DomainError(_("The ID number must have 18 characters: 17 digits and a check digit."))
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != value[17]:
        raise DomainError(_("The ID number's check digit does not match: please check it against the card."))
    return value


def birth_date_from_id(id_number: str) -> datetime.date:
    """The birth date written in an 18-character resident ID number (characters 7 to 14)."""
    try:
        return datetime.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError as exc:
        raise DomainError(_("The ID number holds no valid birth date.")) from exc


def _save(obj, actor, fields=None):
    obj._history_user = actor
    obj.full_clean(exclude=["organisation", "route", "stop", "vehicle", "driver", "escort", "created_by", "hazard",
                            "trip"])
    obj.save(update_fields=fields) if fields else obj.save()
    return obj


def _apply(obj, fields: dict) -> list[str]:
    changed = []
    for name, value in fields.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


# Vehicles -------------------------------------------------------------------------------------


def check_vehicle(vehicle: Vehicle):
    """The rules every vehicle record keeps (whatever writes it: form, import, admin)."""
    if vehicle.seats is not None and vehicle.seats < MIN_SEATS:
        raise DomainError(_("A school bus has at least %(n)d seats.") % {"n": MIN_SEATS})
    if vehicle.status == VehicleStatus.IN_SERVICE:
        if vehicle.is_assembled:
            raise DomainError(_("An assembled vehicle can never be put in service as a school bus."))
        if vehicle.scrapped_on:
            raise DomainError(_("A scrapped vehicle can never be put in service again."))
        if not vehicle.meets_standard:
            raise DomainError(_("A vehicle that does not meet the school bus standard cannot be put in service."))


def vehicle_create(*, organisation: Organisation, actor, **fields) -> Vehicle:
    _check_manage(actor, organisation)
    fields["plate"] = normalise_plate(fields.get("plate", ""))
    if fields.get("status") == VehicleStatus.SCRAPPED:
        fields["scrapped_on"] = timezone.localdate()
    vehicle = Vehicle(organisation=organisation, **fields)
    check_vehicle(vehicle)
    if Vehicle.objects.filter(plate=vehicle.plate).exists():
        raise DomainError(_("A school bus with plate %(plate)s is already on file.") % {"plate": vehicle.plate})
    return _save(vehicle, actor)


def vehicle_update(*, vehicle: Vehicle, actor, **fields) -> Vehicle:
    _check_manage(actor, vehicle.organisation)
    with transaction.atomic():
        vehicle = Vehicle.objects.select_for_update().get(pk=vehicle.pk)
        if "plate" in fields:
            fields["plate"] = normalise_plate(fields["plate"])
            if Vehicle.objects.filter(plate=fields["plate"]).exclude(pk=vehicle.pk).exists():
                raise DomainError(_("A school bus with plate %(plate)s is already on file.") % {"plate": fields["plate"]})
        new_status = fields.get("status", vehicle.status)
        if vehicle.status == VehicleStatus.SCRAPPED and new_status != VehicleStatus.SCRAPPED:
            raise DomainError(_("A scrapped vehicle can never be put in service again."))
        if new_status == VehicleStatus.SCRAPPED and vehicle.scrapped_on is None:
            fields["scrapped_on"] = timezone.localdate()
        changed = _apply(vehicle, fields)
        check_vehicle(vehicle)
        if changed:
            _save(vehicle, actor, changed)
    return vehicle


# Drivers and escorts ----------------------------------------------------------------------------


def driver_eligibility(driver: Driver, on: datetime.date | None = None) -> list[str]:
    """Reasons `driver` may not drive a school bus on `on` (art. 23); empty when qualified."""
    on = on or timezone.localdate()
    reasons = []
    age = years_between(driver.birth_date, on)
    if age < DRIVER_MIN_AGE:
        reasons.append(_("Younger than %(min)d (is %(age)d).") % {"min": DRIVER_MIN_AGE, "age": age})
    elif age > DRIVER_MAX_AGE:  # "不超过60周岁": 60 completed years is still qualified
        reasons.append(_("Older than %(max)d (is %(age)d).") % {"max": DRIVER_MAX_AGE, "age": age})
    if driver.licence_class not in SCHOOL_BUS_CLASSES:
        reasons.append(_("Licence class %(cls)s does not cover a bus (A1, A3 or B1 needed).")
                       % {"cls": driver.licence_class})
    held = years_between(driver.licence_since, on)
    if held < DRIVER_MIN_LICENCE_YEARS:
        reasons.append(_("Has held the licence class for less than %(n)d years (since %(since)s).")
                       % {"n": DRIVER_MIN_LICENCE_YEARS, "since": driver.licence_since.isoformat()})
    if driver.full_point_cycles:
        reasons.append(_("Reached 12 points in %(n)d of the last 3 scoring cycles.") % {"n": driver.full_point_cycles})
    if driver.serious_accident:
        reasons.append(_("Responsible for a traffic accident causing death or serious injury."))
    if driver.drink_driving:
        reasons.append(_("Has a record of drink or drunk driving."))
    if driver.overload_speeding_last_year:
        reasons.append(_("Overloaded or sped with passengers within the last year."))
    if driver.criminal_record:
        reasons.append(_("Has a criminal record."))
    if driver.records_checked_on is None:
        reasons.append(_("Traffic and criminal records have not been checked."))
    if driver.endorsement_valid_until is None:
        reasons.append(_("The licence has no school bus endorsement."))
    elif driver.endorsement_valid_until < on:
        reasons.append(_("The school bus endorsement expired on %(date)s.")
                       % {"date": driver.endorsement_valid_until.isoformat()})
    health_until = driver.health_valid_until
    if health_until is None:
        reasons.append(_("No health check on file."))
    elif health_until < on:
        reasons.append(_("The health check of %(date)s is more than a year old.")
                       % {"date": driver.health_checked_on.isoformat()})
    return reasons


def driver_create(*, organisation: Organisation, actor, **fields) -> Driver:
    _check_manage(actor, organisation)
    fields["id_number"] = check_id_number(fields.get("id_number", ""))
    if Driver.objects.filter(organisation=organisation, id_number=fields["id_number"]).exists():
        raise DomainError(_("This driver is already on file."))
    return _save(Driver(organisation=organisation, **fields), actor)


def driver_update(*, driver: Driver, actor, **fields) -> Driver:
    _check_manage(actor, driver.organisation)
    if "id_number" in fields:
        fields["id_number"] = check_id_number(fields["id_number"])
    changed = _apply(driver, fields)
    if changed:
        _save(driver, actor, changed)
    return driver


def escort_create(*, organisation: Organisation, actor, **fields) -> Escort:
    _check_manage(actor, organisation)
    return _save(Escort(organisation=organisation, **fields), actor)


def escort_update(*, escort: Escort, actor, **fields) -> Escort:
    _check_manage(actor, escort.organisation)
    changed = _apply(escort, fields)
    if changed:
        _save(escort, actor, changed)
    return escort


# Routes and riders ------------------------------------------------------------------------------


def parse_track(text: str) -> list[list[float]]:
    """A track typed or pasted as "lon,lat" pairs, one per line or separated by ";"."""
    coords = []
    for n, part in enumerate(re.split(r"[;\n]+", text or ""), start=1):
        part = part.strip()
        if not part:
            continue
        bits = re.split(r"[,，\s]+", part)
        try:
            lon, lat = float(bits[0]), float(bits[1])
        except (ValueError, IndexError) as exc:
            raise DomainError(_("Point %(n)d (“%(text)s”) is not “longitude,latitude”.") % {"n": n, "text": part}) \
                from exc
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise DomainError(_("Point %(n)d is outside the longitude and latitude ranges.") % {"n": n})
        coords.append([lon, lat])
    if len(coords) == 1:
        raise DomainError(_("A track needs at least two points."))
    return coords


def route_create(*, organisation: Organisation, actor, **fields) -> Route:
    _check_manage(actor, organisation)
    if Route.objects.filter(organisation=organisation, name=fields.get("name")).exists():
        raise DomainError(_("The school already has a route with this name."))
    return _save(Route(organisation=organisation, **fields), actor)


def route_update(*, route: Route, actor, **fields) -> Route:
    _check_manage(actor, route.organisation)
    changed = _apply(route, fields)
    if changed:
        _save(route, actor, changed)
    return route


def stop_add(*, route: Route, actor, **fields) -> RouteStop:
    _check_manage(actor, route.organisation)
    if "order" not in fields or fields["order"] is None:
        fields["order"] = (route.stops.count() or 0) + 1
    stop = RouteStop(route=route, **fields)
    stop._history_user = actor
    try:
        with transaction.atomic():
            stop.save()
    except IntegrityError as exc:
        raise DomainError(_("The route already has a stop with this name.")) from exc
    return stop


def zone_add(*, route: Route, actor, **fields) -> SpeedZone:
    _check_manage(actor, route.organisation)
    zone = SpeedZone(route=route, **fields)
    zone._history_user = actor
    zone.save()
    return zone


def _check_rider(organisation, route, stop):
    _check_same_school(route, organisation, _("The route"))
    if stop.route_id != route.pk:
        raise DomainError(_("The stop is not on the chosen route."))


def rider_create(*, organisation: Organisation, actor, **fields) -> Rider:
    _check_manage(actor, organisation)
    _check_rider(organisation, fields["route"], fields["stop"])
    if fields.get("id_number"):
        fields["id_number"] = check_id_number(fields["id_number"])
    return _save(Rider(organisation=organisation, **fields), actor)


def rider_update(*, rider: Rider, actor, **fields) -> Rider:
    _check_manage(actor, rider.organisation)
    if fields.get("id_number"):
        fields["id_number"] = check_id_number(fields["id_number"])
    changed = _apply(rider, fields)
    _check_rider(rider.organisation, rider.route, rider.stop)
    if changed:
        _save(rider, actor, changed)
    return rider


# Trips ------------------------------------------------------------------------------------------


def _check_trip(organisation, *, vehicle, driver, escort, route, boarded, alighted):
    _check_same_school(vehicle, organisation, _("The school bus"))
    _check_same_school(driver, organisation, _("The driver"))
    _check_same_school(escort, organisation, _("The escort"))
    _check_same_school(route, organisation, _("The route"))
    if vehicle.status == VehicleStatus.SCRAPPED or vehicle.is_assembled:
        raise DomainError(_("%(plate)s is scrapped or assembled and may never carry pupils: choose another bus.")
                          % {"plate": vehicle.plate})
    if boarded is None or alighted is None or boarded < 0 or alighted < 0:
        raise DomainError(_("Enter how many pupils boarded and alighted."))


def trip_log(*, organisation: Organisation, actor, date, run, route, vehicle, driver, escort=None, boarded: int,
             alighted: int, departed_at=None, arrived_at=None, pre_trip_check=False, check_note="",
             adverse_weather=False) -> Trip:
    """Log one trip and check its rules at once (each violation opens one hazard)."""
    _check_manage(actor, organisation)
    _check_trip(organisation, vehicle=vehicle, driver=driver, escort=escort, route=route, boarded=boarded,
                alighted=alighted)
    if Trip.objects.filter(vehicle=vehicle, date=date, run=run).exists():
        raise DomainError(_("The %(run)s trip of %(plate)s on %(date)s is already logged.")
                          % {"run": dict(Trip._meta.get_field("run").choices)[run], "plate": vehicle.plate,
                             "date": date.isoformat()})
    with transaction.atomic():
        trip = _save(Trip(organisation=organisation, date=date, run=run, route=route, vehicle=vehicle, driver=driver,
                          escort=escort, boarded=boarded, alighted=alighted, departed_at=departed_at,
                          arrived_at=arrived_at, pre_trip_check=pre_trip_check, check_note=check_note,
                          adverse_weather=adverse_weather, created_by=actor), actor)
        trip_check(trip=trip, actor=actor)
    return trip


def trip_update(*, trip: Trip, actor, **fields) -> Trip:
    _check_manage(actor, trip.organisation)
    with transaction.atomic():
        trip = Trip.objects.select_for_update().get(pk=trip.pk)
        changed = _apply(trip, fields)
        _check_trip(trip.organisation, vehicle=trip.vehicle, driver=trip.driver, escort=trip.escort,
                    route=trip.route, boarded=trip.boarded, alighted=trip.alighted)
        if changed:
            _save(trip, actor, changed)
        trip_check(trip=trip, actor=actor)
    return trip


# Violations -------------------------------------------------------------------------------------

KIND_TITLES = {
    ViolationKind.OVERLOAD: "校车超员",
    ViolationKind.SPEEDING: "校车超速",
    ViolationKind.OFF_ROUTE: "校车偏离审批路线",
    ViolationKind.DRIVER: "校车驾驶人不具备驾驶资格",
    ViolationKind.DOCUMENTS: "校车证照过期（许可/检验/保险）",
    ViolationKind.VEHICLE: "校车未处于使用状态仍出车",
    ViolationKind.NO_ESCORT: "校车未配备随车照管人员",
    ViolationKind.COUNT: "校车上下车人数不一致",
    ViolationKind.NO_CHECK: "校车出车前未进行安全检查",
}


def violation_open(*, trip: Trip, kind: str, key: str, evidence: str, actor=None, started_at=None, ended_at=None,
                   first_seq=None, last_seq=None, points: int = 0, peak=None, limit=None) -> tuple[Violation, bool]:
    """Record one violation (idempotent on `key`) and open its one hazard (idempotent too)."""
    full_key = f"bus:trip:{trip.pk}:{key}"
    violation = Violation.objects.filter(key=full_key).first()
    created = False
    if violation is None:
        violation = Violation(
            organisation_id=trip.organisation_id, trip=trip, kind=kind, date=trip.date, key=full_key,
            started_at=started_at, ended_at=ended_at, first_seq=first_seq, last_seq=last_seq, points=points,
            peak=None if peak is None else Decimal(str(round(peak, 1))),
            limit=None if limit is None else Decimal(str(limit)), evidence=evidence,
        )
        violation._history_user = actor
        try:
            with transaction.atomic():
                violation.save()
                # The trip's counter moves with the row, in the same transaction (F(): no lost update).
                Trip.objects.filter(pk=trip.pk).update(violation_count=F("violation_count") + 1)
            created = True
            trip.violation_count += 1
        except IntegrityError:
            violation = Violation.objects.get(key=full_key)
    if violation.hazard_id is None:
        title = f"{KIND_TITLES[kind]}：{trip.vehicle.plate} {trip.date:%Y-%m-%d}{trip.get_run_display()}"
        hazard, _created = hazard_services.hazard_open_from_finding(
            organisation=trip.organisation, finding_key=full_key, title=title, focus_area_code=HAZARD_FOCUS_AREA,
            evidence_url=violation.get_absolute_url(), description=evidence,
            location=f"{trip.route.name} · {trip.vehicle.plate}", actor=actor,
        )
        Violation.objects.filter(pk=violation.pk).update(hazard=hazard)
        violation.hazard = hazard
    return violation, created


def _expired_documents(vehicle: Vehicle, on: datetime.date) -> list[str]:
    out = []
    for _kind, label, until in vehicle.document_dates():
        if until is None:
            out.append(_("%(doc)s: none on file") % {"doc": label})
        elif until < on:
            out.append(_("%(doc)s: expired on %(date)s") % {"doc": label, "date": until.isoformat()})
    return out


def trip_rule_findings(trip: Trip) -> list[tuple[str, str, dict]]:
    """(kind, evidence, extra) of every rule the trip breaks, apart from its GPS track."""
    out = []
    vehicle, on = trip.vehicle, trip.date
    if trip.boarded > vehicle.seats:
        out.append((ViolationKind.OVERLOAD,
                    _("%(boarded)d pupils boarded %(plate)s, approved for %(seats)d seats (art. 34).")
                    % {"boarded": trip.boarded, "plate": vehicle.plate, "seats": vehicle.seats},
                    {"peak": trip.boarded - vehicle.seats, "limit": vehicle.seats}))
    reasons = driver_eligibility(trip.driver, on)
    if reasons:
        out.append((ViolationKind.DRIVER, _("%(driver)s on %(date)s: %(reasons)s")
                    % {"driver": trip.driver.name, "date": on.isoformat(), "reasons": " ".join(reasons)}, {}))
    expired = _expired_documents(vehicle, on)
    if expired:
        out.append((ViolationKind.DOCUMENTS, _("%(plate)s on %(date)s: %(docs)s.")
                    % {"plate": vehicle.plate, "date": on.isoformat(), "docs": "; ".join(expired)}, {}))
    if vehicle.status != VehicleStatus.IN_SERVICE:
        out.append((ViolationKind.VEHICLE, _("%(plate)s is “%(status)s” and carried pupils.")
                    % {"plate": vehicle.plate, "status": vehicle.get_status_display()}, {}))
    if trip.escort_id is None:
        out.append((ViolationKind.NO_ESCORT, _("No escort rode the trip (art. 38)."), {}))
    if trip.boarded != trip.alighted:
        out.append((ViolationKind.COUNT, _("%(boarded)d pupils boarded, %(alighted)d alighted: count them again "
                                           "and account for every pupil.")
                    % {"boarded": trip.boarded, "alighted": trip.alighted},
                    {"peak": abs(trip.boarded - trip.alighted)}))
    if not trip.pre_trip_check:
        out.append((ViolationKind.NO_CHECK, _("The bus left without the pre-trip safety check."), {}))
    return out


def trip_check(*, trip: Trip, actor=None) -> list[Violation]:
    """Check the trip's rules; each broken rule is one violation and opens one hazard."""
    found = []
    for kind, evidence, extra in trip_rule_findings(trip):
        violation, _created = violation_open(trip=trip, kind=kind, key=kind, evidence=evidence, actor=actor, **extra)
        found.append(violation)
    return found


def route_track(route: Route) -> Track | None:
    return Track(route.track) if route.track and len(route.track) >= 2 else None


# Reminders --------------------------------------------------------------------------------------


def _expiring_items(today: datetime.date):
    """(school, object, kind, label, valid until) of every active record's dated document that
    runs out within REMIND_DAYS or has run out."""
    horizon = today + datetime.timedelta(days=REMIND_DAYS)
    vehicles = Vehicle.objects.exclude(status=VehicleStatus.SCRAPPED).select_related("organisation")
    drivers = Driver.objects.filter(is_active=True).select_related("organisation")
    escorts = Escort.objects.filter(is_active=True).select_related("organisation")
    for qs in (vehicles, drivers, escorts):
        for obj in qs.iterator(chunk_size=500):
            for kind, label, until in obj.document_dates():
                if until is not None and until <= horizon:
                    yield obj.organisation, obj, kind, label, until


def send_expiry_reminders(*, today: datetime.date | None = None) -> int:
    """A month ahead the record keeper is told once per document; once it has run out the
    principal and the bureau's safety staff are told too (each notice once, however often the
    daily task runs)."""
    today = today or timezone.localdate()
    sent = 0
    for school, obj, kind, label, until in _expiring_items(today):
        model = obj._meta.model_name
        base = f"bus:{model}:{obj.pk}:{kind}:{until.isoformat()}"
        url = obj.get_absolute_url()
        if until >= today:
            title = _("%(what)s of %(obj)s runs out on %(date)s") % {"what": label, "obj": obj, "date": until}
            sent += len(notify(key=f"{base}:soon", title=title, url=url, level="warning", organisation=school,
                               roles=permissions.keeper_roles(school)))
        else:
            title = _("%(what)s of %(obj)s ran out on %(date)s") % {"what": label, "obj": obj, "date": until}
            sent += len(notify(key=f"{base}:expired", title=title, url=url, level="danger", organisation=school,
                               roles=(*permissions.keeper_roles(school), Role.PRINCIPAL)))
            if school.parent_id:
                sent += len(notify(key=f"{base}:expired", title=f"{school.name}：{title}", url=url, level="danger",
                                   organisation=school.parent, roles=(Role.BUREAU_SAFETY,)))
    return sent


# Hired coaches for school events ----------------------------------------------------------------

HIRE_APPROVER_ROLES = (Role.PRINCIPAL,)


def can_approve_hire(user, event) -> bool:
    return bool(user is not None and user.is_authenticated
                and (user.is_superuser or user.has_role(event.organisation, *HIRE_APPROVER_ROLES)))


def hire_checks(event) -> list[tuple[bool, str]]:
    """Every check of the hire, on the event's date: (passed, what was checked)."""
    on = event.event_date
    checks = [(event.company_licence_valid_until >= on,
               _("Hire company %(company)s: passenger transport licence %(number)s valid until %(date)s")
               % {"company": event.company, "number": event.company_licence,
                  "date": event.company_licence_valid_until.isoformat()})]
    coaches = list(event.coaches.all())
    seats = sum(c.seats for c in coaches)
    checks.append((bool(coaches) and seats >= event.pupils,
                   _("%(seats)d seats on %(n)d coaches for %(pupils)d pupils")
                   % {"seats": seats, "n": len(coaches), "pupils": event.pupils}))
    for c in coaches:
        for until, label in ((c.transport_permit_valid_until, _("road transport permit")),
                             (c.inspection_valid_until, _("inspection")),
                             (c.insurance_valid_until, _("carrier liability insurance"))):
            checks.append((until >= on, _("%(plate)s: %(doc)s valid until %(date)s")
                           % {"plate": c.plate, "doc": label, "date": until.isoformat()}))
        checks.append((c.condition_ok, _("%(plate)s: condition checked and sound") % {"plate": c.plate}))
        checks.append((c.driver_licence_class in SCHOOL_BUS_CLASSES and c.driver_licence_valid_until >= on,
                       _("%(plate)s: driver %(name)s holds a valid %(cls)s licence (A1, A3 or B1 needed)")
                       % {"plate": c.plate, "name": c.driver_name, "cls": c.driver_licence_class}))
        checks.append((c.driver_records_clean, _("%(plate)s: driver %(name)s has a clean record")
                       % {"plate": c.plate, "name": c.driver_name}))
    return checks


def hire_create(*, organisation: Organisation, actor, **fields):
    from .models import HireEvent

    _check_manage(actor, organisation)
    return _save(HireEvent(organisation=organisation, **fields), actor)


def _check_draft(event):
    from .models import HireStatus

    if event.status != HireStatus.DRAFT:
        raise DomainError(_("The hire is approved; it can no longer be changed."))


def hire_update(*, event, actor, **fields):
    _check_manage(actor, event.organisation)
    _check_draft(event)
    changed = _apply(event, fields)
    if changed:
        _save(event, actor, changed)
    return event


def hire_coach_add(*, event, actor, **fields):
    from .models import HiredCoach

    _check_manage(actor, event.organisation)
    _check_draft(event)
    fields["plate"] = normalise_plate(fields.get("plate", ""))
    coach = HiredCoach(event=event, **fields)
    coach._history_user = actor
    coach.save()
    return coach


def hire_approve(*, event, actor):
    """The principal approves the hire once every check passes; otherwise nothing moves and the
    failed checks are named."""
    from .models import HireEvent, HireStatus

    if not can_approve_hire(actor, event):
        raise DomainError(_("Only the principal approves an event with hired coaches."))
    with transaction.atomic():
        event = HireEvent.objects.select_for_update().get(pk=event.pk)
        _check_draft(event)
        failed = [text for ok, text in hire_checks(event) if not ok]
        if failed:
            raise DomainError(_("Not approved: %(n)d checks fail: %(failed)s.")
                              % {"n": len(failed), "failed": "; ".join(failed)})
        event.status, event.approved_by, event.approved_at = HireStatus.APPROVED, actor, timezone.now()
        _save(event, actor, ["status", "approved_by", "approved_at"])
    return event


# Gate duty --------------------------------------------------------------------------------------

GATE_ROSTER_MAX_DAYS = 120


def gate_roster(*, organisation: Organisation, actor, person, slot: str, first_date: datetime.date,
                last_date: datetime.date | None = None, starts_at: datetime.time | None = None,
                ends_at: datetime.time | None = None, weekdays_only: bool = True) -> list:
    """Put `person` on the gate at `slot` for every school day from `first_date` to `last_date`
    (Monday to Friday unless `weekdays_only` is False). Days already rostered are left as they
    are. Returns the duties created."""
    from .models import GATE_SLOT_TIMES, GateDuty, GateSlot

    if actor is not None and not permissions.can_roster(actor, organisation):
        raise DomainError(_("Only the school's safety officer or principal draws up the gate roster."))
    if not organisation.is_school:
        raise DomainError(_("The gate roster belongs to a school."))
    if person.organisation_id != organisation.pk:
        raise DomainError(_("%(what)s belongs to another school.") % {"what": person.name})
    if slot not in GateSlot.values:
        raise DomainError(_("Choose arrival or dismissal."))
    last_date = last_date or first_date
    today = timezone.localdate()
    if first_date < today:
        raise DomainError(_("The roster starts today or later; a past day cannot be rostered."))
    if last_date < first_date:
        raise DomainError(_("The last day is before the first day."))
    if (last_date - first_date).days >= GATE_ROSTER_MAX_DAYS:
        raise DomainError(_("Roster at most %(n)d days at once.") % {"n": GATE_ROSTER_MAX_DAYS})
    default_start, default_end = GATE_SLOT_TIMES[slot]
    starts_at, ends_at = starts_at or default_start, ends_at or default_end
    if ends_at <= starts_at:
        raise DomainError(_("The duty must end after it starts."))
    days = [first_date + datetime.timedelta(days=n) for n in range((last_date - first_date).days + 1)]
    if weekdays_only:
        days = [d for d in days if d.weekday() < 5]
    if not days:
        raise DomainError(_("No school day (Monday to Friday) in the chosen dates."))
    taken = set(GateDuty.objects.filter(organisation=organisation, slot=slot, person=person, date__in=days)
                .values_list("date", flat=True))
    created = []
    with transaction.atomic():
        for day in days:
            if day in taken:
                continue
            duty = GateDuty(organisation=organisation, date=day, slot=slot, person=person, starts_at=starts_at,
                            ends_at=ends_at, created_by=actor)
            duty._history_user = actor
            duty.save()
            created.append(duty)
    return created


def gate_sign_in(*, duty, actor, reason: str = "", now: datetime.datetime | None = None):
    """Sign in for a gate duty: the time is recorded now. The rostered person signs for
    themselves; the safety officer may sign on their behalf, giving a reason. The sign-in opens
    half an hour before the slot and closes at its end: after that the duty is missed."""
    from .models import GateDuty

    now = now or timezone.now()
    reason = (reason or "").strip()
    with transaction.atomic():
        duty = GateDuty.objects.select_for_update().select_related("person", "organisation").get(pk=duty.pk)
        if duty.signed_in_at is not None:
            raise DomainError(_("Already signed in at %(time)s.")
                              % {"time": timezone.localtime(duty.signed_in_at).strftime("%H:%M")})
        on_duty = permissions.is_on_duty(actor, duty)
        if not on_duty:
            if not permissions.can_sign_in_for(actor, duty):
                raise DomainError(_("Only %(name)s, or the school's safety officer on their behalf, signs in for "
                                    "this duty.") % {"name": duty.person.name})
            if len(reason) < 2:
                raise DomainError(_("Say why you sign in on behalf of %(name)s.") % {"name": duty.person.name})
        opens, closes = duty.window()
        if now < opens:
            raise DomainError(_("The sign-in opens at %(time)s.") % {"time": timezone.localtime(opens).strftime("%H:%M")})
        if now > closes:
            raise DomainError(_("The duty ended at %(time)s without a sign-in: it counts as missed.")
                              % {"time": timezone.localtime(closes).strftime("%H:%M")})
        duty.signed_in_at, duty.signed_in_by = now, actor
        duty.on_behalf_reason = "" if on_duty else reason
        duty._history_user = actor
        duty._change_reason = reason if not on_duty else ""
        duty.save(update_fields=["signed_in_at", "signed_in_by", "on_behalf_reason"])
    return duty


# Reports of unlicensed vehicles (黑车) ----------------------------------------------------------


def vehicle_report_file(*, organisation: Organisation, actor, plate: str, seen_at: datetime.datetime, place: str,
                        pupils_seen: int, vehicle_description: str = "", note: str = "", photo=None):
    """A school reports a vehicle without a school bus permit carrying pupils; the bureau above
    is told at once (one notice to its safety staff) and sees it in its list."""
    from campaign_site.generic.attachments import attachment_add, prepare_upload

    from .models import VehicleReport

    if actor is not None and not permissions.can_report_vehicle(actor, organisation):
        raise DomainError(_("Only the school's staff report a vehicle seen at the school."))
    if not organisation.is_school:
        raise DomainError(_("A report of an unlicensed vehicle comes from a school."))
    plate = re.sub(r"[\s·.\-]", "", plate or "").upper()
    if not plate:
        raise DomainError(_("Write the plate number as read, or “unknown”."))
    if seen_at > timezone.now() + datetime.timedelta(minutes=5):
        raise DomainError(_("The time seen is in the future."))
    if not pupils_seen or pupils_seen < 1:
        raise DomainError(_("How many pupils were seen in the vehicle?"))
    if not (place or "").strip():
        raise DomainError(_("Say where the vehicle was seen."))
    if photo is not None:
        photo = prepare_upload(photo, images_only=True)  # before the transaction: decoding holds no lock
    with transaction.atomic():
        report = VehicleReport(organisation=organisation, plate=plate[:16], seen_at=seen_at, place=place.strip(),
                               pupils_seen=pupils_seen, vehicle_description=(vehicle_description or "").strip(),
                               note=(note or "").strip(), reported_by=actor)
        report._history_user = actor
        report.full_clean(exclude=["organisation", "reported_by"])
        report.save()
        if photo is not None:
            attachment_add(obj=report, upload=photo, actor=actor, kind="photo", images_only=True,
                           caption=_("Photo of the vehicle"))
        if organisation.parent_id:
            notify(key=f"bus:vehicle_report:{report.pk}",
                   title=_("%(school)s reports an unlicensed vehicle carrying pupils: %(plate)s")
                   % {"school": organisation.name, "plate": report.plate},
                   body=_("%(time)s at %(place)s, %(n)d pupils seen.")
                   % {"time": timezone.localtime(seen_at).strftime("%Y-%m-%d %H:%M"), "place": report.place,
                      "n": pupils_seen},
                   url=report.get_absolute_url(), level="danger", organisation=organisation.parent,
                   roles=(Role.BUREAU_SAFETY,))
    return report
