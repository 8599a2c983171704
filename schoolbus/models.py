"""School bus records: vehicles with their permit, inspection and insurance; drivers and their
art. 23 qualification; escorts; approved routes with stops and a track; the pupils who ride;
trips with their GPS track; and the violations the product finds on a trip.

Values of the School Bus Safety Management Regulations (校车安全管理条例, decree 617) live here
as constants, each with its article, so services, checks and tests name one place.
"""
from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from campaign_site.accounts.models import Organisation
from campaign_site.generic.links import reverse  # django.urls.reverse from a template: list rows link cheaply
from campaign_site.generic.scoping import ScopedQuerySet

# Art. 23: a school bus driver is 25 to 60 years old and has driven the licence class 3 years or more.
DRIVER_MIN_AGE = 25
DRIVER_MAX_AGE = 60
DRIVER_MIN_LICENCE_YEARS = 3
# Art. 35: speed limits in km/h.
LIMIT_EXPRESSWAY = 80
LIMIT_OTHER_ROAD = 60
LIMIT_CONDITIONS = 20  # sharp bends, steep slopes, narrow roads, bridges; ice, snow, mud, fog, rain, sand, hail
# Technical inspection every 6 months (art. 29); reminders a month ahead.
INSPECTION_MONTHS = 6
REMIND_DAYS = 30
HEALTH_CHECK_MONTHS = 12
MIN_SEATS = 7


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Same day `months` later (the last day of the month when that month is shorter)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=d)
        except ValueError:
            continue
    raise ValueError(day)


def years_between(start: datetime.date, end: datetime.date) -> int:
    """Completed years from `start` to `end` (an age on `end`)."""
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


class VehicleStatus(models.TextChoices):
    IN_SERVICE = "in_service", _("In service")
    SUSPENDED = "suspended", _("Suspended")
    SCRAPPED = "scrapped", _("Scrapped")


class Vehicle(models.Model):
    organisation = models.ForeignKey(Organisation, verbose_name=_("school"), on_delete=models.PROTECT,
                                     related_name="buses")
    plate = models.CharField(_("plate number"), max_length=16, unique=True)
    operator = models.CharField(_("owner / operator"), max_length=120)
    make_model = models.CharField(_("make and model"), max_length=120)
    seats = models.PositiveSmallIntegerField(_("approved seats"))
    meets_standard = models.BooleanField(
        _("meets the school bus standard"), default=True,
        help_text=_("Built to the national school bus safety standard (GB 24407)."))
    is_assembled = models.BooleanField(_("assembled vehicle"), default=False,
                                       help_text=_("Assembled (拼装) vehicles may never carry pupils."))
    registered_on = models.DateField(_("registered on"))
    permit_number = models.CharField(_("use permit number"), max_length=40, blank=True)
    permit_office = models.CharField(_("permit issued by"), max_length=120, blank=True)
    permit_route = models.CharField(_("route on the permit"), max_length=200, blank=True)
    permit_valid_until = models.DateField(_("permit valid until"), null=True, blank=True)
    inspected_on = models.DateField(_("last technical inspection"), null=True, blank=True)
    insurer = models.CharField(_("carrier liability insurer"), max_length=120, blank=True)
    insurance_valid_until = models.DateField(_("insurance valid until"), null=True, blank=True)
    escape_hammer = models.BooleanField(_("escape hammer"), default=False)
    extinguisher = models.BooleanField(_("fire extinguisher"), default=False)
    first_aid_kit = models.BooleanField(_("first-aid kit"), default=False)
    satellite_locator = models.BooleanField(_("satellite locator"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=VehicleStatus.choices,
                              default=VehicleStatus.SUSPENDED)
    scrapped_on = models.DateField(_("scrapped on"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("school bus")
        verbose_name_plural = _("school buses")
        ordering = ["organisation", "plate"]
        constraints = [
            # An assembled or scrapped vehicle is never in service, whatever writes the row.
            models.CheckConstraint(
                condition=~models.Q(status="in_service")
                | (models.Q(is_assembled=False) & models.Q(scrapped_on__isnull=True)),
                name="bus_in_service_not_assembled_or_scrapped"),
            models.CheckConstraint(condition=models.Q(status="scrapped") | models.Q(scrapped_on__isnull=True),
                                   name="bus_scrapped_date_only_when_scrapped"),
            models.CheckConstraint(condition=models.Q(seats__gte=MIN_SEATS), name="bus_at_least_7_seats"),
        ]

    def __str__(self):
        return self.plate

    def get_absolute_url(self):
        return reverse("schoolbus:vehicle_detail", args=[self.pk])

    @property
    def inspection_due(self) -> datetime.date | None:
        return add_months(self.inspected_on, INSPECTION_MONTHS) if self.inspected_on else None

    @property
    def missing_equipment(self) -> list[str]:
        names = ("escape_hammer", "extinguisher", "first_aid_kit", "satellite_locator")
        return [str(self._meta.get_field(n).verbose_name) for n in names if not getattr(self, n)]

    def document_dates(self) -> list[tuple[str, str, datetime.date | None]]:
        """(kind, label, valid until) of every dated document: permit, inspection, insurance."""
        return [
            ("permit", str(_("use permit")), self.permit_valid_until),
            ("inspection", str(_("technical inspection")), self.inspection_due),
            ("insurance", str(_("carrier liability insurance")), self.insurance_valid_until),
        ]


class LicenceClass(models.TextChoices):
    A1 = "A1", _("A1 (large bus)")
    A3 = "A3", _("A3 (city bus)")
    B1 = "B1", _("B1 (medium bus)")
    C1 = "C1", _("C1 (small car)")


# Licence classes that may drive a school bus: passenger vehicles of the bus size.
SCHOOL_BUS_CLASSES = frozenset({LicenceClass.A1, LicenceClass.A3, LicenceClass.B1})


class Driver(models.Model):
    organisation = models.ForeignKey(Organisation, verbose_name=_("school"), on_delete=models.PROTECT,
                                     related_name="bus_drivers")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=60)  # 姓名, not 名称
    id_number = models.CharField(_("ID number"), max_length=18)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    birth_date = models.DateField(_("birth date"))
    licence_class = models.CharField(_("licence class"), max_length=4, choices=LicenceClass.choices)
    licence_since = models.DateField(_("class held since"),
                                     help_text=_("The date the licence of this class was first issued."))
    endorsement_valid_until = models.DateField(
        _("school bus endorsement valid until"), null=True, blank=True,
        help_text=_("The school bus driving qualification noted on the licence (校车驾驶资格)."))
    health_checked_on = models.DateField(_("last health check"), null=True, blank=True)
    records_checked_on = models.DateField(_("records checked on"), null=True, blank=True)
    full_point_cycles = models.PositiveSmallIntegerField(
        _("12-point cycles in the last 3 cycles"), default=0)
    serious_accident = models.BooleanField(_("at-fault fatal or serious accident"), default=False)
    drink_driving = models.BooleanField(_("drink or drunk driving"), default=False)
    overload_speeding_last_year = models.BooleanField(
        _("overloading or speeding with passengers in the last year"), default=False)
    criminal_record = models.BooleanField(_("criminal record"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("school bus driver")
        verbose_name_plural = _("school bus drivers")
        ordering = ["organisation", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "id_number"], name="bus_driver_unique_id")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("schoolbus:driver_detail", args=[self.pk])

    @property
    def health_valid_until(self) -> datetime.date | None:
        return add_months(self.health_checked_on, HEALTH_CHECK_MONTHS) if self.health_checked_on else None

    def document_dates(self):
        return [
            ("endorsement", str(_("school bus endorsement")), self.endorsement_valid_until),
            ("health", str(_("health check")), self.health_valid_until),
        ]


class Escort(models.Model):
    """随车照管人员: rides every trip, counts pupils on and off (art. 38)."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("school"), on_delete=models.PROTECT,
                                     related_name="bus_escorts")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=60)  # 姓名, not 名称
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    trained_on = models.DateField(_("safety training on"), null=True, blank=True)
    training_valid_until = models.DateField(_("training valid until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("escort")
        verbose_name_plural = _("escorts")
        ordering = ["organisation", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("schoolbus:escort_detail", args=[self.pk])

    def document_dates(self):
        return [("training", str(_("escort training")), self.training_valid_until)]


class Route(models.Model):
    organisation = models.ForeignKey(Organisation, verbose_name=_("school"), on_delete=models.PROTECT,
                                     related_name="bus_routes")
    name = models.CharField(_("route name"), max_length=80)
    speed_limit = models.PositiveSmallIntegerField(
        _("route speed limit (km/h)"), null=True, blank=True,
        help_text=_("A lower limit than the legal 60 km/h for the whole route; empty for the legal limit."))
    tolerance_m = models.PositiveIntegerField(_("off-route tolerance (m)"), default=200)
    grace_seconds = models.PositiveIntegerField(_("off-route grace time (s)"), default=60)
    # [[longitude, latitude], ...] in WGS-84, in driving order.
    track = models.JSONField(_("approved track"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("bus route")
        verbose_name_plural = _("bus routes")
        ordering = ["organisation", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="bus_route_unique_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("schoolbus:route_detail", args=[self.pk])

    @property
    def default_limit(self) -> int:
        return min(self.speed_limit or LIMIT_OTHER_ROAD, LIMIT_OTHER_ROAD)


class RouteStop(models.Model):
    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="stops")
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("stop"), max_length=80)
    longitude = models.FloatField(_("longitude"))
    latitude = models.FloatField(_("latitude"))
    morning_time = models.TimeField(_("morning pick-up"), null=True, blank=True)
    afternoon_time = models.TimeField(_("afternoon drop-off"), null=True, blank=True)
    history = HistoricalRecords()

    scope_field = "route__organisation"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("bus stop")
        verbose_name_plural = _("bus stops")
        ordering = ["route", "order"]
        constraints = [models.UniqueConstraint(fields=["route", "name"], name="bus_stop_unique_name")]

    def __str__(self):
        return f"{self.route.name} · {self.name}"


class ZoneKind(models.TextChoices):
    EXPRESSWAY = "expressway", _("Expressway (80 km/h)")
    CONDITION = "condition", _("Bend, slope, narrow road or bridge (20 km/h)")
    LOWER = "lower", _("Lower limit set by the school")


ZONE_LEGAL_LIMIT = {ZoneKind.EXPRESSWAY: LIMIT_EXPRESSWAY, ZoneKind.CONDITION: LIMIT_CONDITIONS,
                    ZoneKind.LOWER: LIMIT_OTHER_ROAD}


class SpeedZone(models.Model):
    """A stretch of a route with its own limit: a circle around a point (the bend, the bridge,
    the expressway section's middle). Its limit never exceeds the legal one of its kind."""

    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="zones")
    name = models.CharField(_("stretch"), max_length=80)
    kind = models.CharField(_("kind"), max_length=12, choices=ZoneKind.choices)
    longitude = models.FloatField(_("longitude"))
    latitude = models.FloatField(_("latitude"))
    radius_m = models.PositiveIntegerField(_("radius (m)"), default=300)
    limit = models.PositiveSmallIntegerField(_("limit (km/h)"), null=True, blank=True,
                                             help_text=_("Empty for the legal limit of the kind."))
    history = HistoricalRecords()

    scope_field = "route__organisation"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("speed zone")
        verbose_name_plural = _("speed zones")
        ordering = ["route", "name"]

    def __str__(self):
        return self.name

    @property
    def effective_limit(self) -> int:
        legal = ZONE_LEGAL_LIMIT[self.kind]
        return min(self.limit or legal, legal)


class Rider(models.Model):
    """A pupil who rides (逐校逐园逐生). Minors: phone and ID number are masked (see masking.py)."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("school"), on_delete=models.PROTECT,
                                     related_name="bus_riders")
    name = models.CharField(_("pupil"), max_length=60)
    grade_class = models.CharField(_("grade and class"), max_length=30, blank=True)
    route = models.ForeignKey(Route, verbose_name=_("route"), on_delete=models.PROTECT, related_name="riders")
    stop = models.ForeignKey(RouteStop, verbose_name=_("stop"), on_delete=models.PROTECT, related_name="riders")
    guardian_name = models.CharField(_("guardian"), max_length=60)
    guardian_phone = models.CharField(_("guardian phone"), max_length=20)
    id_number = models.CharField(_("pupil ID number"), max_length=18, blank=True)
    is_active = models.BooleanField(_("rides now"), default=True)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("rider")
        verbose_name_plural = _("riders")
        ordering = ["organisation", "route", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("schoolbus:rider_detail", args=[self.pk])


class Run(models.TextChoices):
    MORNING = "morning", _("Morning")
    AFTERNOON = "afternoon", _("Afternoon")


class Trip(models.Model):
    organisation = models.ForeignKey(Organisation, verbose_name=_("school"), on_delete=models.PROTECT,
                                     related_name="bus_trips")
    date = models.DateField(_("date"))
    run = models.CharField(_("run"), max_length=10, choices=Run.choices)
    route = models.ForeignKey(Route, verbose_name=_("route"), on_delete=models.PROTECT, related_name="trips")
    vehicle = models.ForeignKey(Vehicle, verbose_name=_("school bus"), on_delete=models.PROTECT, related_name="trips")
    driver = models.ForeignKey(Driver, verbose_name=_("driver"), on_delete=models.PROTECT, related_name="trips")
    escort = models.ForeignKey(Escort, verbose_name=_("escort"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="trips")
    boarded = models.PositiveSmallIntegerField(_("pupils boarded"))
    alighted = models.PositiveSmallIntegerField(_("pupils alighted"))
    departed_at = models.TimeField(_("departed at"), null=True, blank=True)
    arrived_at = models.TimeField(_("arrived at"), null=True, blank=True)
    pre_trip_check = models.BooleanField(_("pre-trip check done"), default=False)
    check_note = models.CharField(_("pre-trip check note"), max_length=200, blank=True)
    adverse_weather = models.BooleanField(
        _("ice, snow, mud, fog, rain, sand or hail"), default=False,
        help_text=_("The 20 km/h limit of art. 35 applies to the whole trip."))
    track_points = models.PositiveIntegerField(_("GPS points"), default=0, editable=False)
    # How many violations the trip has: kept by services.violation_open (the only place one is
    # made, in the same transaction), so the trip list shows it without counting over every trip.
    violation_count = models.PositiveIntegerField(_("violations"), default=0, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("logged by"), null=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("logged at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["violation_count"])  # a derived figure, not an edit

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("trip")
        verbose_name_plural = _("trips")
        ordering = ["-date", "-run", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "date"]),
            # The list's order (TripTable's date column): a bureau's page of trips is a backward
            # index scan that stops after the page, not a sort of every trip it sees.
            models.Index(fields=["-date", "-run", "-id"], name="bus_trip_default_order"),
        ]
        constraints = [models.UniqueConstraint(fields=["vehicle", "date", "run"], name="bus_trip_once_per_run")]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_run_display()} {self.vehicle.plate}"

    def get_absolute_url(self):
        return reverse("schoolbus:trip_detail", args=[self.pk])


class TrackPoint(models.Model):
    """One GPS fix of a trip, in WGS-84. Bulk data without history: a track is replaced whole."""

    trip = models.ForeignKey(Trip, on_delete=models.CASCADE, related_name="points")
    seq = models.PositiveIntegerField()
    at = models.DateTimeField()
    longitude = models.FloatField()
    latitude = models.FloatField()
    speed = models.FloatField()
    heading = models.FloatField(null=True)

    scope_field = "trip__organisation"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["trip", "seq"]
        constraints = [models.UniqueConstraint(fields=["trip", "seq"], name="bus_point_unique_seq")]

    def __str__(self):
        return f"{self.trip_id}#{self.seq}"


class ViolationKind(models.TextChoices):
    OVERLOAD = "overload", _("Overload")
    SPEEDING = "speeding", _("Speeding")
    OFF_ROUTE = "off_route", _("Off the approved route")
    DRIVER = "driver", _("Driver not qualified")
    DOCUMENTS = "documents", _("Permit, inspection or insurance expired")
    VEHICLE = "vehicle", _("Vehicle not in service")
    NO_ESCORT = "no_escort", _("No escort")
    COUNT = "count", _("Boarded and alighted differ")
    NO_CHECK = "no_check", _("No pre-trip check")


# How a violation's peak and limit read, by kind: a speed (art. 35, km/h), a distance off the
# approved route (whole metres, as the evidence gives it), pupils over the approved seats, pupils
# unaccounted for. (kind, "peak" or "limit") -> (format, decimal places); other kinds: the number.
VIOLATION_MEASURES = {
    (ViolationKind.SPEEDING, "peak"): (pgettext_lazy("violation measure", "%(n)s km/h"), 1),
    (ViolationKind.SPEEDING, "limit"): (pgettext_lazy("violation measure", "%(n)s km/h"), 1),
    (ViolationKind.OFF_ROUTE, "peak"): (pgettext_lazy("violation measure", "%(n)s m"), 0),
    (ViolationKind.OFF_ROUTE, "limit"): (pgettext_lazy("violation measure", "%(n)s m"), 0),
    (ViolationKind.OVERLOAD, "peak"): (pgettext_lazy("violation measure", "over by %(n)s"), 0),
    (ViolationKind.OVERLOAD, "limit"): (pgettext_lazy("violation measure", "%(n)s seats"), 0),
    (ViolationKind.COUNT, "peak"): (pgettext_lazy("violation measure", "off by %(n)s"), 0),
}


_PLACES = {0: Decimal(1), 1: Decimal("0.1")}


def measure_formats() -> dict:
    """VIOLATION_MEASURES with each format translated into the active language (a table reads them
    once, not per cell)."""
    return {key: (str(fmt), places) for key, (fmt, places) in VIOLATION_MEASURES.items()}


def violation_measure(kind: str, which: str, value, formats=None) -> str:
    """A violation's peak or limit with its unit ("72.5 km/h", "783 m"); "" when there is none.
    `formats`: what measure_formats() returned, when the caller has it."""
    if value is None:
        return ""
    fmt, places = (formats or VIOLATION_MEASURES).get((kind, which), (None, 1))
    if type(value) is not Decimal:
        value = Decimal(str(value))
    text = f"{value.quantize(_PLACES[places], ROUND_HALF_UP):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text if fmt is None else fmt % {"n": text}


class Violation(models.Model):
    """One episode found on a trip (a continuous run of offending points, or one rule broken)."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("school"), on_delete=models.PROTECT,
                                     related_name="bus_violations")
    trip = models.ForeignKey(Trip, verbose_name=_("trip"), on_delete=models.PROTECT, related_name="violations")
    kind = models.CharField(_("kind"), max_length=12, choices=ViolationKind.choices)
    date = models.DateField(_("date"))
    key = models.CharField(max_length=120, unique=True, editable=False)
    started_at = models.DateTimeField(pgettext_lazy("time span", "from"), null=True, blank=True)
    ended_at = models.DateTimeField(pgettext_lazy("time span", "to"), null=True, blank=True)
    first_seq = models.PositiveIntegerField(null=True, blank=True)
    last_seq = models.PositiveIntegerField(null=True, blank=True)
    points = models.PositiveIntegerField(_("GPS points"), default=0)
    peak = models.DecimalField(_("peak"), max_digits=9, decimal_places=1, null=True, blank=True,
                               help_text=_("Highest speed (km/h), farthest distance (m) or pupils over."))
    limit = models.DecimalField(_("limit"), max_digits=9, decimal_places=1, null=True, blank=True)
    evidence = models.TextField(_("evidence"))
    hazard = models.ForeignKey("hazards.Hazard", verbose_name=_("hazard"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    found_at = models.DateTimeField(_("found at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("violation")
        verbose_name_plural = _("violations")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["organisation", "date"]), models.Index(fields=["date", "kind"]),
                   models.Index(fields=["-date", "-id"], name="bus_violation_default_order")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.trip}"

    def get_absolute_url(self):
        return reverse("schoolbus:violation_detail", args=[self.pk])

    # The record page reads these (generic ObjectDetailView: get_<field>_display), the list its own.
    def get_peak_display(self):
        return violation_measure(self.kind, "peak", self.peak) or None

    def get_limit_display(self):
        return violation_measure(self.kind, "limit", self.limit) or None


# Hired coaches for school events (study trips, sports meetings) ------------------------------------


class HireStatus(models.TextChoices):
    DRAFT = "draft", _("Being vetted")
    APPROVED = "approved", _("Approved")


class HireEvent(models.Model):
    """A school event with hired coaches: the hire company, each coach and its driver are vetted
    before the event, and the event cannot be approved until every check passes."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("school"), on_delete=models.PROTECT,
                                     related_name="bus_hires")
    title = models.CharField(_("event"), max_length=120)
    event_date = models.DateField(_("event date"))
    destination = models.CharField(_("destination"), max_length=200)
    pupils = models.PositiveIntegerField(_("pupils travelling"))
    company = models.CharField(_("hire company"), max_length=120)
    company_licence = models.CharField(_("passenger transport licence number"), max_length=60)
    company_licence_valid_until = models.DateField(_("licence valid until"))
    status = models.CharField(_("status"), max_length=10, choices=HireStatus.choices, default=HireStatus.DRAFT,
                              editable=False)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+", editable=False)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("event with hired coaches")
        verbose_name_plural = _("events with hired coaches")
        ordering = ["-event_date", "-pk"]

    def __str__(self):
        return f"{self.event_date:%Y-%m-%d} {self.title}"

    def get_absolute_url(self):
        return reverse("schoolbus:hire_detail", args=[self.pk])


class HiredCoach(models.Model):
    event = models.ForeignKey(HireEvent, on_delete=models.CASCADE, related_name="coaches")
    plate = models.CharField(_("plate number"), max_length=16)
    seats = models.PositiveSmallIntegerField(_("approved seats"))
    transport_permit_valid_until = models.DateField(_("road transport permit valid until"))
    inspection_valid_until = models.DateField(_("inspection valid until"))
    insurance_valid_until = models.DateField(_("carrier liability insurance valid until"))
    condition_ok = models.BooleanField(_("condition checked and sound"), default=False,
                                       help_text=_("Brakes, tyres, lights, emergency exits and equipment checked."))
    driver_name = models.CharField(_("driver"), max_length=60)
    driver_licence_class = models.CharField(_("licence class"), max_length=4, choices=LicenceClass.choices)
    driver_licence_valid_until = models.DateField(_("driving licence valid until"))
    driver_records_clean = models.BooleanField(
        _("driver's records checked and clean"), default=False,
        help_text=_("No 12-point cycle, serious accident, drink driving, overloading or speeding record."))
    history = HistoricalRecords()

    scope_field = "event__organisation"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("hired coach")
        verbose_name_plural = _("hired coaches")
        ordering = ["event", "pk"]

    def __str__(self):
        return self.plate


# Gate duty and reports of unlicensed vehicles (seed 000 二(四)5, seed 002 三(三)1) ------------------

#: Sign-in opens this long before the slot starts (the officer walks to the gate early).
GATE_SIGN_IN_EARLY = datetime.timedelta(minutes=30)


class GateSlot(models.TextChoices):
    ARRIVAL = "arrival", _("Arrival (上学)")
    DISMISSAL = "dismissal", _("Dismissal (放学)")


#: The usual slot times; each rostered duty keeps its own times.
GATE_SLOT_TIMES = {
    GateSlot.ARRIVAL: (datetime.time(7, 0), datetime.time(8, 0)),
    GateSlot.DISMISSAL: (datetime.time(16, 30), datetime.time(17, 30)),
}


class GateState(models.TextChoices):
    SIGNED = "signed", _("Signed in")
    MISSED = "missed", _("Missed")
    DUE = "due", _("Not yet signed")


class GateDutyQuerySet(ScopedQuerySet):
    def missed(self, now: datetime.datetime | None = None):
        """No sign-in and the slot is over (as of `now`, local time)."""
        now = timezone.localtime(now)
        return self.filter(signed_in_at__isnull=True).filter(
            models.Q(date__lt=now.date()) | models.Q(date=now.date(), ends_at__lt=now.time()))

    def with_state(self, now: datetime.datetime | None = None):
        now = timezone.localtime(now)
        over = models.Q(date__lt=now.date()) | models.Q(date=now.date(), ends_at__lt=now.time())
        return self.annotate(state=models.Case(
            models.When(signed_in_at__isnull=False, then=models.Value(GateState.SIGNED)),
            models.When(over, then=models.Value(GateState.MISSED)),
            default=models.Value(GateState.DUE), output_field=models.CharField()))


class GateDuty(models.Model):
    """One leader or duty officer rostered at the school gate for the arrival or dismissal of one
    school day (学生上、下学期间学校领导或值班人员值守). Missed: no sign-in by the end of the slot."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("school"), on_delete=models.PROTECT,
                                     related_name="gate_duties")
    date = models.DateField(_("date"))
    slot = models.CharField(_("slot"), max_length=10, choices=GateSlot.choices)
    person = models.ForeignKey("accounts.Person", verbose_name=_("on duty"), on_delete=models.PROTECT,
                               related_name="gate_duties")
    starts_at = models.TimeField(pgettext_lazy("time span", "from"))
    ends_at = models.TimeField(pgettext_lazy("time span", "to"))
    signed_in_at = models.DateTimeField(_("signed in at"), null=True, blank=True, editable=False)
    signed_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("signed in by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+", editable=False)
    on_behalf_reason = models.CharField(_("reason for signing in on their behalf"), max_length=200, blank=True,
                                        editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("rostered by"), null=True,
                                   on_delete=models.PROTECT, related_name="+", editable=False)
    history = HistoricalRecords()

    objects = GateDutyQuerySet.as_manager()

    class Meta:
        verbose_name = _("gate duty")
        verbose_name_plural = _("gate duties")
        ordering = ["-date", "slot", "person"]
        indexes = [models.Index(fields=["organisation", "date"])]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "date", "slot", "person"], name="gate_duty_once"),
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="gate_duty_ends_after"),
            models.CheckConstraint(
                condition=models.Q(signed_in_at__isnull=True, signed_in_by__isnull=True)
                | models.Q(signed_in_at__isnull=False, signed_in_by__isnull=False),
                name="gate_duty_signed_by_someone"),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_slot_display()} · {self.person.name}"

    def get_absolute_url(self):
        return reverse("schoolbus:gate_detail", args=[self.pk])

    def window(self) -> tuple[datetime.datetime, datetime.datetime]:
        """(opens, closes) of the sign-in, aware, in the site's time zone."""
        tz = timezone.get_current_timezone()
        start = datetime.datetime.combine(self.date, self.starts_at, tzinfo=tz)
        return start - GATE_SIGN_IN_EARLY, datetime.datetime.combine(self.date, self.ends_at, tzinfo=tz)

    def state_at(self, now: datetime.datetime | None = None) -> str:
        if self.signed_in_at is not None:
            return GateState.SIGNED
        return GateState.MISSED if timezone.localtime(now) > self.window()[1] else GateState.DUE


class VehicleReport(models.Model):
    """A vehicle without a school bus permit (黑车) seen carrying pupils, reported by the school
    and forwarded to the bureau, which passes it on to the police and transport authorities."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("school"), on_delete=models.PROTECT,
                                     related_name="vehicle_reports")
    plate = models.CharField(_("plate number"), max_length=16,
                             help_text=_("As read; write “unknown” when it could not be read."))
    vehicle_description = models.CharField(_("vehicle"), max_length=120, blank=True,
                                           help_text=_("Kind, colour, make (e.g. white minivan)."))
    seen_at = models.DateTimeField(_("seen at"))
    place = models.CharField(_("place"), max_length=200)
    pupils_seen = models.PositiveSmallIntegerField(_("pupils seen"))
    note = models.TextField(_("what was seen"), blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reported by"), null=True,
                                    on_delete=models.PROTECT, related_name="+", editable=False)
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("unlicensed vehicle report")
        verbose_name_plural = _("unlicensed vehicle reports")
        ordering = ["-seen_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "seen_at"])]
        constraints = [models.CheckConstraint(condition=models.Q(pupils_seen__gte=1), name="vehicle_report_pupils")]

    def __str__(self):
        return f"{self.plate} · {timezone.localtime(self.seen_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("schoolbus:report_detail", args=[self.pk])
