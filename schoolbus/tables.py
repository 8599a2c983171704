"""Tables of the school bus lists (declarations). Columns are what the export writes: pupils'
guardian phones and ID numbers are masked here, for everyone."""
import django_tables2 as tables
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from campaign_site.accounts.models import Organisation
from campaign_site.generic.choices import labels_for
from campaign_site.generic.links import reverse
from campaign_site.generic.tables import Table, badge, link

from . import masking
from .models import (
    REMIND_DAYS,
    Driver,
    Escort,
    GateDuty,
    GateState,
    HireEvent,
    Rider,
    Route,
    Trip,
    Vehicle,
    VehicleReport,
    VehicleStatus,
    Violation,
    measure_formats,
    violation_measure,
)

ATTRS = {"class": "table table-sm table-hover align-middle"}
STATUS_STYLE = {VehicleStatus.IN_SERVICE: "success", VehicleStatus.SUSPENDED: "warning",
                VehicleStatus.SCRAPPED: "secondary"}


def _due_badge(value, today):
    """A date shown red once past, amber within the reminder month."""
    if value is None:
        return "—"
    if value < today:
        return badge(value.isoformat(), "danger")
    if (value - today).days <= REMIND_DAYS:
        return badge(value.isoformat(), "warning")
    return value.isoformat()


class VehicleTable(Table):
    plate = tables.Column(linkify=True)
    organisation = tables.Column(verbose_name=_("school"), order_by=("organisation__name",))
    make_model = tables.Column()
    seats = tables.Column()
    status = tables.Column()
    permit_valid_until = tables.Column()
    inspection_due = tables.Column(verbose_name=_("next inspection due"), order_by=("inspected_on",))
    insurance_valid_until = tables.Column()
    operator = tables.Column()

    class Meta:
        model = Vehicle
        fields = ()
        sequence = ("plate", "organisation", "make_model", "seats", "status", "permit_valid_until", "inspection_due",
                    "insurance_valid_until", "operator")
        phone_columns = ("plate", "status", "permit_valid_until")
        order_by = ("plate",)
        attrs = {**ATTRS, "data-testid": "vehicle-table"}

    def render_status(self, value, record):
        return badge(value, STATUS_STYLE.get(record.status, "secondary"))

    def render_permit_valid_until(self, value):
        return _due_badge(value, self.today)

    def render_inspection_due(self, value):
        return _due_badge(value, self.today)

    def render_insurance_valid_until(self, value):
        return _due_badge(value, self.today)

    def value_status(self, value, record):
        return record.get_status_display()

    def value_permit_valid_until(self, value):
        return value

    def value_inspection_due(self, value):
        return value

    def value_insurance_valid_until(self, value):
        return value


class DriverTable(Table):
    name = tables.Column(linkify=True)
    organisation = tables.Column(verbose_name=_("school"), order_by=("organisation__name",))
    licence_class = tables.Column()
    endorsement_valid_until = tables.Column()
    qualified = tables.Column(verbose_name=_("qualified today"), empty_values=(), orderable=False)
    is_active = tables.BooleanColumn()

    class Meta:
        model = Driver
        fields = ()
        sequence = ("name", "organisation", "licence_class", "endorsement_valid_until", "qualified", "is_active")
        phone_columns = ("name", "qualified")
        order_by = ("name",)
        attrs = {**ATTRS, "data-testid": "driver-table"}

    def _reasons(self, record):
        from .services import driver_eligibility

        return driver_eligibility(record, self.today)

    def render_endorsement_valid_until(self, value):
        return _due_badge(value, self.today)

    def render_qualified(self, record):
        reasons = self._reasons(record)
        if reasons:
            return badge(_("No"), "danger", title=" ".join(reasons))
        return badge(_("Yes"), "success")

    def value_qualified(self, record):
        reasons = self._reasons(record)
        return " ".join(reasons) if reasons else str(_("Yes"))


class EscortTable(Table):
    name = tables.Column(linkify=True)
    organisation = tables.Column(verbose_name=_("school"), order_by=("organisation__name",))
    trained_on = tables.DateColumn(format="Y-m-d")
    training_valid_until = tables.Column()
    is_active = tables.BooleanColumn()

    class Meta:
        model = Escort
        fields = ()
        sequence = ("name", "organisation", "trained_on", "training_valid_until", "is_active")
        phone_columns = ("name", "training_valid_until")
        order_by = ("name",)
        attrs = ATTRS

    def render_training_valid_until(self, value):
        return _due_badge(value, self.today)


class RouteTable(Table):
    name = tables.Column(linkify=True)
    organisation = tables.Column(verbose_name=_("school"), order_by=("organisation__name",))
    stop_count = tables.Column(verbose_name=_("stops"))
    rider_count = tables.Column(verbose_name=_("riders"))
    speed_limit = tables.Column()
    is_active = tables.BooleanColumn()

    class Meta:
        model = Route
        fields = ()
        sequence = ("name", "organisation", "stop_count", "rider_count", "speed_limit", "is_active")
        phone_columns = ("name", "rider_count")
        order_by = ("name",)
        attrs = ATTRS


class RiderTable(Table):
    name = tables.Column(linkify=True)
    organisation = tables.Column(verbose_name=_("school"), order_by=("organisation__name",))
    grade_class = tables.Column()
    route = tables.Column(order_by=("route__name",))
    stop = tables.Column(accessor="stop__name", order_by=("stop__order",))
    guardian_name = tables.Column()
    guardian_phone = tables.Column()
    id_number = tables.Column()
    is_active = tables.BooleanColumn()

    class Meta:
        model = Rider
        fields = ()
        sequence = ("name", "organisation", "grade_class", "route", "stop", "guardian_name", "guardian_phone",
                    "id_number", "is_active")
        phone_columns = ("name", "route", "stop")
        order_by = ("route", "name")
        attrs = {**ATTRS, "data-testid": "rider-table"}

    def render_guardian_phone(self, value):
        return masking.mask_phone(value)

    def value_guardian_phone(self, value):
        return masking.mask_phone(value)

    def render_id_number(self, value):
        return masking.mask_id(value)

    def value_id_number(self, value):
        return masking.mask_id(value)


def _field(name):
    return Trip._meta.get_field(name).verbose_name


class TripTable(Table):
    # Ordered like the index bus_trip_default_order (date, run, id; descending by default), so a
    # page is read off the index in a stable order.
    date = tables.DateColumn(format="Y-m-d", linkify=True, order_by=("date", "run", "id"))
    run = tables.Column()
    # The school's, route's, bus's and people's names are read as columns (TripListView), not as five
    # related records per row.
    organisation = tables.Column(accessor="school_name", verbose_name=_("school"), order_by=("organisation__name",))
    route = tables.Column(accessor="route_name", verbose_name=_field("route"), order_by=("route__name",))
    vehicle = tables.Column(accessor="vehicle_plate", verbose_name=_field("vehicle"), order_by=("vehicle__plate",))
    driver = tables.Column(accessor="driver_name", verbose_name=_field("driver"), order_by=("driver__name",))
    escort = tables.Column(accessor="escort_name", verbose_name=_field("escort"), order_by=("escort__name",))
    boarded = tables.Column()
    alighted = tables.Column()
    track_points = tables.Column()
    violation_count = tables.Column(verbose_name=_("violations"))

    class Meta:
        model = Trip
        fields = ()
        sequence = ("date", "run", "organisation", "route", "vehicle", "driver", "escort", "boarded", "alighted",
                    "track_points", "violation_count")
        phone_columns = ("date", "run", "vehicle", "violation_count")
        order_by = ("-date",)
        attrs = {**ATTRS, "data-testid": "trip-table"}

    def render_violation_count(self, value):
        if value:
            return badge(value, "danger")
        return value


class ViolationTable(Table):
    date = tables.DateColumn(format="Y-m-d", order_by=("date", "id"))  # index bus_violation_default_order
    organisation = tables.Column(verbose_name=_("school"), order_by=("organisation__name",))
    kind = tables.Column(linkify=True)
    # The trip's plate and run are read as columns (ViolationListView), not as a Trip and a Vehicle per row.
    vehicle = tables.Column(accessor="trip_plate", verbose_name=_("school bus"), order_by=("trip__vehicle__plate",))
    run = tables.Column(accessor="trip_run", verbose_name=_("run"), order_by=("trip__run",))
    started_at = tables.DateTimeColumn(format="H:i:s")
    ended_at = tables.DateTimeColumn(format="H:i:s")
    peak = tables.Column()
    limit = tables.Column()
    hazard = tables.Column(accessor="hazard_number", verbose_name=_("hazard"), order_by=("hazard__number",))

    class Meta:
        model = Violation
        fields = ()
        sequence = ("date", "organisation", "kind", "vehicle", "run", "started_at", "ended_at", "peak", "limit",
                    "hazard")
        phone_columns = ("date", "kind", "vehicle")
        order_by = ("-date",)
        attrs = {**ATTRS, "data-testid": "violation-table"}

    @cached_property
    def run_labels(self):
        return labels_for(Trip._meta.get_field("run"))  # translated once per table

    def render_run(self, value):
        return self.run_labels.get(value, value)

    def value_run(self, value):
        return self.run_labels.get(value, value)

    # Peak and limit with their unit: km/h for speeding, metres off the route, pupils (models.VIOLATION_MEASURES).
    @cached_property
    def measure_formats(self):
        return measure_formats()  # translated once per table

    def render_peak(self, value, record):
        return violation_measure(record.kind, "peak", value, self.measure_formats)

    def value_peak(self, value, record):
        return violation_measure(record.kind, "peak", value, self.measure_formats)

    def render_limit(self, value, record):
        return violation_measure(record.kind, "limit", value, self.measure_formats)

    def value_limit(self, value, record):
        return violation_measure(record.kind, "limit", value, self.measure_formats)

    def render_hazard(self, value, record):
        return link(reverse("hazards:hazard_detail", args=[record.hazard_id]), value)


class FleetTable(Table):
    """The bureau's picture: one row per school."""

    name = tables.Column(verbose_name=_("school"))
    vehicles = tables.Column(verbose_name=_("school buses"))
    in_service = tables.Column(verbose_name=_("in service"))
    drivers = tables.Column(verbose_name=_("drivers"))
    riders = tables.Column(verbose_name=_("riders"))
    expiring = tables.Column(verbose_name=_("documents expiring or expired"))
    violations = tables.Column(verbose_name=_("violations in the last 30 days"))

    class Meta:
        model = Organisation
        fields = ()
        sequence = ("name", "vehicles", "in_service", "drivers", "riders", "expiring", "violations")
        phone_columns = ("name", "vehicles", "violations")
        order_by = ("-violations",)
        attrs = {**ATTRS, "data-testid": "fleet-table"}


class HireEventTable(Table):
    event_date = tables.DateColumn(format="Y-m-d")
    title = tables.Column(linkify=True)
    organisation = tables.Column(verbose_name=_("school"), order_by=("organisation__name",))
    destination = tables.Column()
    pupils = tables.Column()
    company = tables.Column()
    coach_count = tables.Column(verbose_name=_("coaches"))
    status = tables.Column()

    class Meta:
        model = HireEvent
        fields = ()
        sequence = ("event_date", "title", "organisation", "destination", "pupils", "company", "coach_count",
                    "status")
        phone_columns = ("event_date", "title", "status")
        order_by = ("-event_date",)
        attrs = {**ATTRS, "data-testid": "hire-table"}

    def render_status(self, value, record):
        style = "success" if record.status == "approved" else "warning"
        return badge(value, style)

    def value_status(self, value, record):
        return record.get_status_display()


GATE_STATE_STYLE = {GateState.SIGNED: "success", GateState.MISSED: "danger", GateState.DUE: "secondary"}


class GateDutyTable(Table):
    date = tables.DateColumn(format="Y-m-d", linkify=True)
    slot = tables.Column()
    organisation = tables.Column(verbose_name=_("school"), order_by=("organisation__name",))
    person = tables.Column(order_by=("person__name",))
    times = tables.Column(verbose_name=_("time"), empty_values=(), order_by=("starts_at",))
    state = tables.Column(verbose_name=_("state"))
    signed_in_at = tables.DateTimeColumn(format="H:i")
    signed_in_by = tables.Column(order_by=("signed_in_by__full_name",))
    on_behalf_reason = tables.Column()

    class Meta:
        model = GateDuty
        fields = ()
        sequence = ("date", "slot", "organisation", "person", "times", "state", "signed_in_at", "signed_in_by",
                    "on_behalf_reason")
        phone_columns = ("date", "slot", "person", "state")
        order_by = ("-date",)
        attrs = {**ATTRS, "data-testid": "gate-table"}

    def render_times(self, record):
        return f"{record.starts_at:%H:%M}–{record.ends_at:%H:%M}"

    def value_times(self, record):
        return f"{record.starts_at:%H:%M}–{record.ends_at:%H:%M}"

    def render_state(self, value, record):
        return badge(GateState(value).label, GATE_STATE_STYLE.get(value, "secondary"), data_state=value)

    def value_state(self, value):
        return str(GateState(value).label)


class VehicleReportTable(Table):
    seen_at = tables.DateTimeColumn(format="Y-m-d H:i", linkify=True)
    organisation = tables.Column(verbose_name=_("school"), order_by=("organisation__name",))
    plate = tables.Column()
    vehicle_description = tables.Column()
    place = tables.Column()
    pupils_seen = tables.Column()
    reported_by = tables.Column(order_by=("reported_by__full_name",))

    class Meta:
        model = VehicleReport
        fields = ()
        sequence = ("seen_at", "organisation", "plate", "vehicle_description", "place", "pupils_seen", "reported_by")
        phone_columns = ("seen_at", "plate", "pupils_seen")
        order_by = ("-seen_at",)
        attrs = {**ATTRS, "data-testid": "vehicle-report-table"}
