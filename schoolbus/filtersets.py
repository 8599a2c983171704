"""Filters of the school bus lists (declarations; the school choice is scoped to the user)."""
import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign_site.accounts.filtersets import school_filter
from campaign_site.accounts.models import Organisation
from campaign_site.generic.filtersets import ScopedFilterSet, SearchableChoiceFilter

from .models import (
    Driver,
    Escort,
    GateDuty,
    GateSlot,
    GateState,
    HireEvent,
    Rider,
    Route,
    Run,
    Trip,
    Vehicle,
    VehicleReport,
    VehicleStatus,
    Violation,
    ViolationKind,
)

DATE = {"type": "date"}


class SchoolScopedFilterSet(ScopedFilterSet):
    """The "school" filter lists the schools the user sees; shown only to someone above one school."""

    organisation = school_filter()


class VehicleFilterSet(SchoolScopedFilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"),
                                  widget=forms.TextInput(attrs={"placeholder": _("Plate, make or operator")}))
    status = django_filters.ChoiceFilter(choices=VehicleStatus.choices, label=_("Status"))

    class Meta:
        model = Vehicle
        fields = ["q", "organisation", "status"]

    def filter_q(self, qs, name, value):
        return qs.filter(Q(plate__icontains=value) | Q(make_model__icontains=value) | Q(operator__icontains=value))


class DriverFilterSet(SchoolScopedFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Name"))
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Driver
        fields = ["q", "organisation", "is_active"]


class EscortFilterSet(SchoolScopedFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Name"))

    class Meta:
        model = Escort
        fields = ["q", "organisation"]


class RouteFilterSet(SchoolScopedFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Route name"))

    class Meta:
        model = Route
        fields = ["q", "organisation"]


class RiderFilterSet(SchoolScopedFilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"),
                                  widget=forms.TextInput(attrs={"placeholder": _("Pupil, class or guardian")}))
    # A bureau sees every school's routes: a search box above SELECT_LIMIT of them.
    route = SearchableChoiceFilter(queryset=Route.objects.only("pk", "name"), label=_("Route"))

    class Meta:
        model = Rider
        fields = ["q", "organisation", "route", "is_active"]

    def filter_q(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(grade_class__icontains=value) | Q(guardian_name__icontains=value))


class TripFilterSet(SchoolScopedFilterSet):
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("From"),
                                          widget=forms.DateInput(attrs=DATE))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("To"),
                                        widget=forms.DateInput(attrs=DATE))
    run = django_filters.ChoiceFilter(choices=Run.choices, label=_("Run"))
    plate = django_filters.CharFilter(field_name="vehicle__plate", lookup_expr="icontains", label=_("Plate number"))

    class Meta:
        model = Trip
        fields = ["organisation", "date_from", "date_to", "run", "plate"]


class ViolationFilterSet(SchoolScopedFilterSet):
    kind = django_filters.ChoiceFilter(choices=ViolationKind.choices, label=_("Kind"))
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("From"),
                                          widget=forms.DateInput(attrs=DATE))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("To"),
                                        widget=forms.DateInput(attrs=DATE))

    class Meta:
        model = Violation
        fields = ["organisation", "kind", "date_from", "date_to"]


class FleetFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("School (name or code)"))

    class Meta:
        model = Organisation
        fields = ["q"]

    def filter_q(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(code=value))


class HireEventFilterSet(SchoolScopedFilterSet):
    upcoming = django_filters.BooleanFilter(method="filter_upcoming", label=_("Upcoming only"),
                                            widget=forms.CheckboxInput)

    class Meta:
        model = HireEvent
        fields = ["organisation", "status", "upcoming"]

    def filter_upcoming(self, qs, name, value):
        return qs.filter(event_date__gte=timezone.localdate()) if value else qs


class GateDutyFilterSet(SchoolScopedFilterSet):
    state = django_filters.ChoiceFilter(choices=GateState.choices, label=_("State"), method="filter_state")
    slot = django_filters.ChoiceFilter(choices=GateSlot.choices, label=_("Slot"))
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("From"),
                                          widget=forms.DateInput(attrs=DATE))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("To"),
                                        widget=forms.DateInput(attrs=DATE))

    class Meta:
        model = GateDuty
        fields = ["organisation", "state", "slot", "date_from", "date_to"]

    def filter_state(self, qs, name, value):
        return qs.filter(state=value)


class VehicleReportFilterSet(SchoolScopedFilterSet):
    plate = django_filters.CharFilter(field_name="plate", lookup_expr="icontains", label=_("Plate number"))
    date_from = django_filters.DateFilter(field_name="seen_at", lookup_expr="date__gte", label=_("From"),
                                          widget=forms.DateInput(attrs=DATE))
    date_to = django_filters.DateFilter(field_name="seen_at", lookup_expr="date__lte", label=_("To"),
                                        widget=forms.DateInput(attrs=DATE))

    class Meta:
        model = VehicleReport
        fields = ["organisation", "plate", "date_from", "date_to"]
