"""Pages of the school bus records. Thin: parse, call a service or selector, render."""
from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from campaign_site.accounts.models import Organisation, Role
from campaign_site.accounts.permissions import person_for
from campaign_site.generic.audit import audit_record
from campaign_site.generic.errors import DomainError
from campaign_site.generic.export import XLSX_MIME
from campaign_site.generic.scoping import get_visible_or_404
from campaign_site.generic.views import (
    ImportView,
    ObjectCreateView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
)

from . import fleet, gps, masking, permissions, selectors, services
from .filtersets import (
    DriverFilterSet,
    EscortFilterSet,
    FleetFilterSet,
    GateDutyFilterSet,
    HireEventFilterSet,
    RiderFilterSet,
    RouteFilterSet,
    TripFilterSet,
    VehicleFilterSet,
    VehicleReportFilterSet,
    ViolationFilterSet,
)
from .forms import (
    DriverForm,
    EscortForm,
    GateRosterForm,
    GateSignInForm,
    HiredCoachForm,
    HireEventForm,
    RiderForm,
    RouteForm,
    StopForm,
    TrackUploadForm,
    TripForm,
    VehicleForm,
    VehicleReportForm,
    ZoneForm,
)
from .models import (
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
    Violation,
)
from .tables import (
    DriverTable,
    EscortTable,
    FleetTable,
    GateDutyTable,
    HireEventTable,
    RiderTable,
    RouteTable,
    TripTable,
    VehicleReportTable,
    VehicleTable,
    ViolationTable,
)


class BusViewMixin:
    def has_permission(self):
        return permissions.can_view(self.request.user)


class BusListView(BusViewMixin, ObjectListView):
    template_name = "schoolbus/list.html"
    select_related = ("organisation",)

    def can_create(self):
        return bool(self.create_url_name) and permissions.can_manage_any(self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if not permissions.can_manage_any(self.request.user):
            ctx["import_url_name"] = None  # the import page would refuse them
        return ctx


class BusCreateView(ObjectCreateView):
    """Saves through `services.<create_service>(organisation=…, actor=…, **fields_of(form))`."""

    create_service = ""

    def has_permission(self):
        return permissions.can_manage_any(self.request.user)

    def fields_of(self, form, *exclude):
        return {k: v for k, v in form.cleaned_data.items() if k not in ("organisation", *exclude)}

    def perform_save(self, form):
        return getattr(services, self.create_service)(organisation=form.cleaned_data["organisation"],
                                                      actor=self.request.user, **self.fields_of(form))


class BusEditView(ObjectEditView):
    """Saves the changed fields through `services.<update_service>(<record_kwarg>=the record, actor=…)`
    (record_kwarg defaults to the model's name: vehicle, driver …)."""

    permission = staticmethod(permissions.can_edit_record)
    update_service = ""
    record_kwarg = ""

    def changed(self, form, *exclude):
        return {k: form.cleaned_data[k] for k in form.changed_data if k in form.cleaned_data and k not in exclude}

    def perform_save(self, form):
        record = {self.record_kwarg or self.model._meta.model_name: self.object}
        return getattr(services, self.update_service)(actor=self.request.user, **record, **self.changed(form))


def _form_errors_as_messages(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}：{' '.join(errors)}" if label else " ".join(errors))


class PartAddView(LoginRequiredMixin, View):
    """POST of a small form on a record's page adding a part to the record (a stop or a speed zone to
    a route, a coach to a hired-coach event) through `services.<service>(<record_kwarg>=record,
    actor=…, **form)`; refusals come back as messages on the record's page."""

    model = None
    form_class = None
    service = ""
    record_kwarg = ""
    success_message = ""

    def post(self, request, pk):
        record = get_visible_or_404(self.model.objects.select_related("organisation"), request.user, pk=pk)
        if not permissions.can_manage(request.user, record.organisation):
            raise PermissionDenied
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                getattr(services, self.service)(actor=request.user, **{self.record_kwarg: record}, **form.cleaned_data)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, self.success_message)
        else:
            _form_errors_as_messages(request, form)
        return redirect(record.get_absolute_url())


class BusDetailView(BusViewMixin, ObjectDetailView):
    template_name = "schoolbus/record_detail.html"
    select_related = ("organisation",)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_manage"] = permissions.can_manage(self.request.user, self.object.organisation)
        return ctx


# Vehicles -------------------------------------------------------------------------------------


class VehicleListView(BusListView):
    model = Vehicle
    table_class = VehicleTable
    filterset_class = VehicleFilterSet
    create_url_name = "schoolbus:vehicle_create"
    import_url_name = "schoolbus:vehicle_import"
    title = gettext_lazy("School buses")


class VehicleDetailView(BusDetailView):
    model = Vehicle
    template_name = "schoolbus/vehicle_detail.html"
    detail_fields = ("organisation", "plate", "operator", "make_model", "seats", "meets_standard", "is_assembled",
                     "registered_on", "permit_number", "permit_office", "permit_route", "insurer", "status",
                     "scrapped_on")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["documents"] = self.object.document_dates()
        ctx["today"] = timezone.localdate()
        ctx["missing_equipment"] = self.object.missing_equipment
        ctx["recent_trips"] = self.object.trips.select_related("route", "driver").order_by("-date", "-run")[:10]
        return ctx


class VehicleCreateView(BusCreateView):
    model = Vehicle
    create_service = "vehicle_create"
    form_class = VehicleForm
    success_message = gettext_lazy("The school bus was put on file.")


class VehicleEditView(BusEditView):
    model = Vehicle
    update_service = "vehicle_update"
    form_class = VehicleForm
    success_message = gettext_lazy("The school bus was updated.")


# Drivers and escorts --------------------------------------------------------------------------


class DriverListView(BusListView):
    model = Driver
    table_class = DriverTable
    filterset_class = DriverFilterSet
    create_url_name = "schoolbus:driver_create"
    import_url_name = "schoolbus:driver_import"
    title = gettext_lazy("School bus drivers")


class DriverDetailView(BusDetailView):
    model = Driver
    template_name = "schoolbus/driver_detail.html"
    detail_fields = ("organisation", "name", "phone", "birth_date", "licence_class", "licence_since",
                     "endorsement_valid_until", "health_checked_on", "records_checked_on", "full_point_cycles",
                     "serious_accident", "drink_driving", "overload_speeding_last_year", "criminal_record",
                     "is_active")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["reasons"] = services.driver_eligibility(self.object, timezone.localdate())
        ctx["id_masked"] = masking.mask_id(self.object.id_number)
        return ctx


class DriverCreateView(BusCreateView):
    model = Driver
    create_service = "driver_create"
    form_class = DriverForm
    success_message = gettext_lazy("The driver was put on file.")


class DriverEditView(BusEditView):
    model = Driver
    update_service = "driver_update"
    form_class = DriverForm
    success_message = gettext_lazy("The driver was updated.")


class EscortListView(BusListView):
    model = Escort
    table_class = EscortTable
    filterset_class = EscortFilterSet
    create_url_name = "schoolbus:escort_create"
    title = gettext_lazy("Escorts")


class EscortDetailView(BusDetailView):
    model = Escort
    detail_fields = ("organisation", "name", "phone", "trained_on", "training_valid_until", "is_active")


class EscortCreateView(BusCreateView):
    model = Escort
    create_service = "escort_create"
    form_class = EscortForm
    success_message = gettext_lazy("The escort was put on file.")


class EscortEditView(BusEditView):
    model = Escort
    update_service = "escort_update"
    form_class = EscortForm
    success_message = gettext_lazy("The escort was updated.")


# Routes, stops, zones and riders --------------------------------------------------------------


class RouteListView(BusListView):
    model = Route
    table_class = RouteTable
    filterset_class = RouteFilterSet
    create_url_name = "schoolbus:route_create"
    title = gettext_lazy("Bus routes")

    def get_base_queryset(self):
        return super().get_base_queryset().annotate(stop_count=Count("stops", distinct=True),
                                                    rider_count=Count("riders", distinct=True))


class RouteDetailView(BusDetailView):
    model = Route
    template_name = "schoolbus/route_detail.html"
    detail_fields = ("organisation", "name", "speed_limit", "tolerance_m", "grace_seconds", "is_active")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        route = self.object
        ctx["stops"] = route.stops.annotate(rider_count=Count("riders"))
        ctx["zones"] = route.zones.all()
        ctx["track_points"] = len(route.track or [])
        if ctx["can_manage"]:
            ctx["stop_form"] = StopForm()
            ctx["zone_form"] = ZoneForm()
        return ctx


class RouteCreateView(BusCreateView):
    model = Route
    create_service = "route_create"
    form_class = RouteForm
    success_message = gettext_lazy("The route was put on file.")

    def fields_of(self, form, *exclude):
        fields = super().fields_of(form, "track_text", *exclude)
        fields["track"] = services.parse_track(form.cleaned_data.get("track_text", ""))
        return fields


class RouteEditView(BusEditView):
    model = Route
    update_service = "route_update"
    form_class = RouteForm
    success_message = gettext_lazy("The route was updated.")

    def changed(self, form, *exclude):
        fields = super().changed(form, "track_text", *exclude)
        if "track_text" in form.changed_data:
            fields["track"] = services.parse_track(form.cleaned_data.get("track_text", ""))
        return fields


class StopAddView(PartAddView):
    model = Route
    form_class = StopForm
    service = "stop_add"
    record_kwarg = "route"
    success_message = gettext_lazy("Added to the route.")


class ZoneAddView(StopAddView):
    form_class = ZoneForm
    service = "zone_add"


class RiderListView(BusListView):
    model = Rider
    table_class = RiderTable
    filterset_class = RiderFilterSet
    select_related = ("organisation", "route", "stop")
    create_url_name = "schoolbus:rider_create"
    title = gettext_lazy("Riders")


class RiderDetailView(BusDetailView):
    model = Rider
    select_related = ("organisation", "route", "stop")
    template_name = "schoolbus/rider_detail.html"
    detail_fields = ("organisation", "name", "grade_class", "route", "stop", "guardian_name", "is_active")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        rider = self.object
        ctx["sensitive"] = [
            (field, rider._meta.get_field(field).verbose_name, masking.masked(rider, field))
            for field in masking.REVEALABLE if getattr(rider, field)
        ]
        ctx["can_reveal"] = permissions.can_reveal(self.request.user, rider.organisation)
        return ctx


class RiderRevealView(LoginRequiredMixin, View):
    """The full guardian phone or ID number, for the transport officer and the principal; every
    look is written to the audit log (masking.reveal)."""

    model = Rider

    def post(self, request, pk):
        rider = get_visible_or_404(Rider.objects.select_related("organisation", "route", "stop"), request.user, pk=pk)
        field = request.POST.get("field", "guardian_phone")
        value = masking.reveal(user=request.user, rider=rider, field=field, request=request)
        return render(request, "schoolbus/_revealed.html", {"value": value, "field": field})


class RiderCreateView(BusCreateView):
    model = Rider
    create_service = "rider_create"
    form_class = RiderForm
    success_message = gettext_lazy("The pupil was added to the riders.")


class RiderEditView(BusEditView):
    model = Rider
    update_service = "rider_update"
    form_class = RiderForm
    success_message = gettext_lazy("The rider was updated.")

    def changed(self, form, *exclude):
        fields = super().changed(form, *exclude)
        for name in ("guardian_phone", "id_number"):
            if not fields.get(name):
                fields.pop(name, None)  # left empty: keep the number on file
        return fields


# Trips and violations -------------------------------------------------------------------------


class TripListView(BusListView):
    model = Trip
    table_class = TripTable
    filterset_class = TripFilterSet
    create_url_name = "schoolbus:trip_create"
    # A city bureau sees a million trips: no COUNT(*) per page; the violation count is the trip's
    # own column (kept by services.violation_open), not an aggregate over every trip it sees.
    lazy_count = True
    title = gettext_lazy("Trips")

    def get_base_queryset(self):
        # Names only: columns instead of an Organisation, Route, Vehicle, Driver and Escort per row.
        return super().get_base_queryset().annotate(
            school_name=F("organisation__name"), route_name=F("route__name"), vehicle_plate=F("vehicle__plate"),
            driver_name=F("driver__name"), escort_name=F("escort__name"))

    def get_export_filename(self):
        return _("school-bus-trips")


class TripDetailView(BusDetailView):
    model = Trip
    select_related = ("organisation", "route", "vehicle", "driver", "escort", "created_by")
    template_name = "schoolbus/trip_detail.html"
    detail_fields = ("organisation", "date", "run", "route", "vehicle", "driver", "escort", "boarded", "alighted",
                     "departed_at", "arrived_at", "pre_trip_check", "check_note", "adverse_weather", "track_points",
                     "created_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        trip = self.object
        ctx["violations"] = trip.violations.select_related("hazard").order_by("started_at", "pk")
        ctx["picture"] = selectors.trip_picture(trip)
        if ctx["can_manage"] and not trip.track_points:
            ctx["upload_form"] = TrackUploadForm()
        return ctx


class TripCreateView(BusCreateView):
    model = Trip
    create_service = "trip_log"
    form_class = TripForm
    success_message = gettext_lazy("The trip was logged and checked.")


class TripEditView(BusEditView):
    model = Trip
    update_service = "trip_update"
    form_class = TripForm
    success_message = gettext_lazy("The trip was updated and checked again.")


class TrackImportView(LoginRequiredMixin, View):
    """Upload a trip's GPS export: streamed into the track, checked, all rows or none."""

    model = Trip
    template_name = "schoolbus/track_import.html"

    def _trip(self, request, pk):
        trip = get_visible_or_404(Trip.objects.select_related("organisation", "route", "vehicle"), request.user,
                                  pk=pk)
        if not permissions.can_manage(request.user, trip.organisation):
            raise PermissionDenied
        return trip

    def get(self, request, pk):
        trip = self._trip(request, pk)
        return render(request, self.template_name, {"trip": trip, "form": TrackUploadForm(),
                                                    "title": _("Import the GPS track")})

    def post(self, request, pk):
        trip = self._trip(request, pk)
        form = TrackUploadForm(request.POST, request.FILES)
        errors = []
        if form.is_valid():
            try:
                outcome = gps.import_track(trip=trip, fileobj=form.cleaned_data["file"],
                                           datum=form.cleaned_data["datum"], actor=request.user)
            except gps.TrackImportError as exc:
                errors = exc.errors
            except DomainError as exc:
                errors = [exc.message]
            else:
                messages.success(request, _("Imported %(points)d GPS points; %(episodes)d episodes found.")
                                 % {"points": outcome.points, "episodes": len(outcome.episodes)})
                return redirect(trip.get_absolute_url())
        return render(request, self.template_name, {"trip": trip, "form": form, "errors": errors,
                                                    "title": _("Import the GPS track")}, status=200)


class ViolationListView(BusListView):
    model = Violation
    table_class = ViolationTable
    filterset_class = ViolationFilterSet
    # The hazard's number, the trip's run and the bus's plate are all a row shows of them: read as
    # columns, not as a 55-field Hazard, a Trip and a Vehicle per row.
    select_related = ("organisation",)
    lazy_count = True  # grows with the trips (issue 9: the bureau's list at 1,000,000 trips)
    title = gettext_lazy("School bus violations")

    def get_base_queryset(self):
        return super().get_base_queryset().annotate(
            hazard_number=F("hazard__number"), trip_run=F("trip__run"), trip_plate=F("trip__vehicle__plate"))

    def get_export_filename(self):
        return _("school-bus-violations")


class ViolationDetailView(BusDetailView):
    model = Violation
    select_related = ("organisation", "trip__vehicle", "trip__route", "hazard")
    template_name = "schoolbus/violation_detail.html"
    detail_fields = ("organisation", "kind", "date", "trip", "started_at", "ended_at", "points", "peak", "limit",
                     "evidence", "hazard")


class FleetView(BusListView):
    """The bureau's view: every school's fleet, documents running out and violations."""

    model = Organisation  # the schools the user sees, with their figures (selectors.fleet_overview)
    table_class = FleetTable
    filterset_class = FleetFilterSet
    title = gettext_lazy("School bus overview")

    def get_queryset(self):
        return selectors.fleet_overview(self.request.user)

    def get_export_filename(self):
        return _("school-bus-overview")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["model_meta"] = None
        return ctx


# Events with hired coaches --------------------------------------------------------------------


class HireListView(BusListView):
    model = HireEvent
    filterset_class = HireEventFilterSet
    table_class = HireEventTable
    create_url_name = "schoolbus:hire_create"
    title = gettext_lazy("Events with hired coaches")

    def get_base_queryset(self):
        return super().get_base_queryset().annotate(coach_count=Count("coaches"))


class HireDetailView(BusDetailView):
    model = HireEvent
    select_related = ("organisation", "approved_by")
    template_name = "schoolbus/hire_detail.html"
    detail_fields = ("organisation", "title", "event_date", "destination", "pupils", "company", "company_licence",
                     "company_licence_valid_until", "status", "approved_by", "approved_at")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        event = self.object
        ctx["coaches"] = event.coaches.all()
        ctx["checks"] = services.hire_checks(event)
        ctx["all_pass"] = all(ok for ok, _text in ctx["checks"])
        draft = event.status == "draft"
        ctx["can_manage"] = ctx["can_manage"] and draft
        ctx["coach_form"] = HiredCoachForm() if ctx["can_manage"] else None
        ctx["can_approve"] = draft and services.can_approve_hire(self.request.user, event)
        return ctx


class HireCreateView(BusCreateView):
    model = HireEvent
    create_service = "hire_create"
    form_class = HireEventForm
    success_message = gettext_lazy("The event was put on file; add its coaches.")


class HireEditView(BusEditView):
    model = HireEvent
    update_service = "hire_update"
    record_kwarg = "event"
    form_class = HireEventForm
    success_message = gettext_lazy("The event was updated.")
    permission = staticmethod(permissions.can_edit_hire)


class HireCoachAddView(PartAddView):
    model = HireEvent
    form_class = HiredCoachForm
    service = "hire_coach_add"
    record_kwarg = "event"
    success_message = gettext_lazy("The coach was added.")


class HireApproveView(LoginRequiredMixin, View):
    model = HireEvent

    def post(self, request, pk):
        event = get_visible_or_404(self.model.objects.select_related("organisation"), request.user, pk=pk)
        if not services.can_approve_hire(request.user, event):
            raise PermissionDenied
        try:
            services.hire_approve(event=event, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The event with hired coaches was approved."))
        return redirect(event.get_absolute_url())


# Gate duty --------------------------------------------------------------------------------------


def _can_view_gate(user, obj=None):
    return permissions.can_view_gate(user)


def _can_roster_somewhere(user, obj=None):
    return permissions.can_roster(user, None)


class GateDutyListView(ObjectListView):
    """The gate roster with each duty's state; missed duties (no sign-in by the end of the slot)
    in red, for the principal and the bureau to see."""

    model = GateDuty
    table_class = GateDutyTable
    filterset_class = GateDutyFilterSet
    template_name = "schoolbus/gate_list.html"
    select_related = ("organisation", "person", "signed_in_by")
    create_url_name = "schoolbus:gate_create"
    permission = staticmethod(_can_view_gate)
    title = gettext_lazy("Gate duty")

    def get_queryset(self):
        return super().get_queryset().with_state()

    def get_export_filename(self):
        return _("gate-duty")


class GateDutyDetailView(ObjectDetailView):
    model = GateDuty
    select_related = ("organisation", "person", "signed_in_by", "created_by")
    template_name = "schoolbus/gate_detail.html"
    permission = staticmethod(_can_view_gate)
    detail_fields = ("organisation", "date", "slot", "person", "starts_at", "ends_at", "signed_in_at",
                     "signed_in_by", "on_behalf_reason", "created_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        duty = self.object
        ctx["state"] = GateState(duty.state_at())
        duty.sign = _sign_option(self.request.user, duty, ctx["state"])
        return ctx


def _sign_option(user, duty, state) -> str:
    """"self", "behalf" or "" : what the user may do with a duty that is still open."""
    if state != GateState.DUE:
        return ""
    if permissions.is_on_duty(user, duty):
        return "self"
    return "behalf" if permissions.can_sign_in_for(user, duty) else ""


class GateRosterView(ObjectCreateView):
    model = GateDuty
    form_class = GateRosterForm
    permission = staticmethod(_can_roster_somewhere)

    def perform_save(self, form):
        data = dict(form.cleaned_data)
        organisation = data.pop("organisation")
        duties = services.gate_roster(organisation=organisation, actor=self.request.user, **data)
        messages.success(self.request, _("%(n)d gate duties rostered for %(name)s.")
                         % {"n": len(duties), "name": data["person"].name})
        return duties

    def get_success_url(self):
        return reverse("schoolbus:gate_list")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("Roster gate duty")
        return ctx


class GateTodayView(LoginRequiredMixin, View):
    """The phone page at the gate: today's duties the user signs in for (their own; the safety
    officer's whole school, to sign on someone's behalf)."""

    template_name = "schoolbus/gate_today.html"

    def get(self, request):
        if not permissions.can_view_gate(request.user):
            raise PermissionDenied
        today = timezone.localdate()
        person = person_for(request.user)
        own = Q(person=person) if person is not None else Q(pk__in=[])
        schools = [m.organisation_id for m in request.user.memberships.filter(is_active=True,
                                                                             role=Role.SAFETY_OFFICER)]
        duties = list(GateDuty.objects.visible_to(request.user).filter(date=today)
                      .filter(own | Q(organisation__in=schools))
                      .select_related("organisation", "person", "signed_in_by").order_by("slot", "starts_at", "pk"))
        for duty in duties:
            duty.state = GateState(duty.state_at())
            duty.sign = _sign_option(request.user, duty, duty.state)
        return render(request, self.template_name, {"title": _("Gate duty today"), "today": today, "duties": duties})


class GateSignInView(LoginRequiredMixin, View):
    """POST: sign in for a duty now (the service records the time and checks who and when)."""

    model = GateDuty

    def post(self, request, pk):
        duty = get_visible_or_404(GateDuty.objects.select_related("organisation", "person"), request.user, pk=pk)
        if not permissions.can_sign_in(request.user, duty):
            raise PermissionDenied
        form = GateSignInForm(request.POST)
        form.is_valid()
        try:
            duty = services.gate_sign_in(duty=duty, actor=request.user, reason=form.cleaned_data.get("reason", ""))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Signed in at %(time)s: %(duty)s.")
                             % {"time": timezone.localtime(duty.signed_in_at).strftime("%H:%M"), "duty": duty})
        if request.POST.get("next") == "today":
            return redirect("schoolbus:gate_today")
        return redirect(duty.get_absolute_url())


# Reports of unlicensed vehicles (黑车) ----------------------------------------------------------


def _can_report_somewhere(user, obj=None):
    return permissions.can_report_vehicle(user, None)


class VehicleReportListView(ObjectListView):
    """Reports of unlicensed vehicles carrying pupils: the school's own, every school's for the bureau."""

    model = VehicleReport
    table_class = VehicleReportTable
    filterset_class = VehicleReportFilterSet
    template_name = "schoolbus/gate_list.html"
    select_related = ("organisation", "reported_by")
    create_url_name = "schoolbus:report_create"
    permission = staticmethod(_can_view_gate)
    title = gettext_lazy("Unlicensed vehicles reported")

    def get_export_filename(self):
        return _("unlicensed-vehicle-reports")


class VehicleReportDetailView(ObjectDetailView):
    model = VehicleReport
    select_related = ("organisation", "reported_by")
    template_name = "schoolbus/gate_detail.html"
    permission = staticmethod(_can_view_gate)
    detail_fields = ("organisation", "plate", "vehicle_description", "seen_at", "place", "pupils_seen", "note",
                     "reported_by", "reported_at")


class VehicleReportCreateView(ObjectCreateView):
    model = VehicleReport
    form_class = VehicleReportForm
    permission = staticmethod(_can_report_somewhere)
    success_message = gettext_lazy("Reported; the bureau has been told.")

    def perform_save(self, form):
        data = dict(form.cleaned_data)
        return services.vehicle_report_file(organisation=data.pop("organisation"), actor=self.request.user, **data)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("Report an unlicensed vehicle carrying pupils")
        return ctx


# The fleet in Excel: vehicles and drivers (import layout) -------------------------------------


class FleetImportView(ImportView):
    template_name = "schoolbus/fleet_import.html"
    kind = ""

    def get_initial(self):
        initial = super().get_initial()
        org = getattr(self.request, "organisation", None)
        if org is not None and org.is_school:
            initial["school"] = org.pk
        return initial

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["kind"] = self.kind
        ctx["export_url"] = reverse(f"schoolbus:{self.kind}_export")
        return ctx


class VehicleImportView(FleetImportView):
    importer_class = fleet.VehicleImporter
    success_url_name = "schoolbus:vehicle_list"
    kind = "vehicles"


class DriverImportView(FleetImportView):
    importer_class = fleet.DriverImporter
    success_url_name = "schoolbus:driver_list"
    kind = "drivers"


@login_required
def fleet_export(request, kind):
    """The school's vehicles or drivers as .xlsx in the import layout (?school=<pk>; a keeper of
    one school gets theirs). Only for whoever keeps the school's bus records: the file carries
    the drivers' full ID numbers."""
    schools = permissions.schools_managed_by(request.user)
    pk = request.GET.get("school", "")
    if pk:
        school = get_visible_or_404(Organisation.objects.schools(), request.user, pk=pk) if pk.isdigit() else None
        if school is None:
            raise Http404
        if not permissions.can_manage(request.user, school):
            raise PermissionDenied
    else:
        choices = list(schools[:301])
        if not choices:
            raise PermissionDenied
        if len(choices) > 1:
            return render(request, "schoolbus/fleet_export.html", {
                "title": _("Export the fleet (Excel)"), "schools": choices, "kind": kind})
        school = choices[0]
    buf = io.BytesIO()
    count = fleet.fleet_write(buf, school=school, kind=kind)
    audit_record("export", request=request, organisation=school,
                 detail=_("%(school)s %(kind)s, import layout, %(count)d rows")
                 % {"school": school.name, "kind": kind, "count": count})
    label = _("school buses") if kind == "vehicles" else _("school bus drivers")
    name = f"{school.name}-{label}-{timezone.localtime():%Y%m%d}.xlsx"
    response = HttpResponse(buf.getvalue(), content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(name)}"
    return response
