"""Filters of the hazards lists (declarations; choices scoped to the user)."""
import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign_site.accounts.filtersets import organisation_filter, school_filter
from campaign_site.campaigns.models import Campaign, FocusArea
from campaign_site.generic.filtersets import ScopedFilterSet

from .models import (
    OPEN_STATUSES,
    AccountabilityRecord,
    Hazard,
    HazardLevel,
    HazardSource,
    HazardStatus,
    Inspection,
    InspectionKind,
    InspectionStatus,
)

DATE = {"type": "date"}
YES_NO = [("true", _("Yes")), ("false", _("No"))]


def _live_focus_areas(request=None):
    # Only what the option shows (its label): the rows carry the areas' descriptions.
    return FocusArea.objects.filter(campaign__in=Campaign.objects.live()).only("pk", "name", "name_en").order_by(
        "-campaign__start", "order")


class HazardFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"),
                                  widget=forms.TextInput(attrs={"placeholder": _("Number, hazard or location")}))
    organisation = school_filter()
    status = django_filters.ChoiceFilter(
        method="filter_status", label=_("Status"),
        choices=[("open", _("Open (not closed)")), *HazardStatus.choices],
    )
    level = django_filters.ChoiceFilter(choices=HazardLevel.choices, label=_("Level"))
    overdue = django_filters.ChoiceFilter(method="filter_overdue", label=_("Overdue"), choices=YES_NO)
    focus_area = django_filters.ModelChoiceFilter(queryset=_live_focus_areas, label=_("Focus area"))
    source = django_filters.ChoiceFilter(choices=HazardSource.choices, label=_("Source"))
    deadline_from = django_filters.DateFilter(method="filter_deadline_from", label=_("Deadline from"),
                                              widget=forms.DateInput(attrs=DATE))
    deadline_to = django_filters.DateFilter(method="filter_deadline_to", label=_("Deadline to"),
                                            widget=forms.DateInput(attrs=DATE))
    responsible = django_filters.CharFilter(method="filter_responsible", label=_("Responsible (person or department)"))
    is_listed = django_filters.ChoiceFilter(method="filter_listed", label=_("Listed for supervision"), choices=YES_NO)
    is_recurring = django_filters.ChoiceFilter(method="filter_recurring", label=_("Recurring"), choices=YES_NO)
    found_from = django_filters.DateFilter(field_name="found_on", lookup_expr="gte", label=_("Found from"),
                                           widget=forms.DateInput(attrs=DATE))
    found_to = django_filters.DateFilter(field_name="found_on", lookup_expr="lte", label=_("Found to"),
                                         widget=forms.DateInput(attrs=DATE))
    closed_from = django_filters.DateFilter(field_name="closed_at", lookup_expr="date__gte", label=_("Closed from"),
                                            widget=forms.DateInput(attrs=DATE))
    closed_to = django_filters.DateFilter(field_name="closed_at", lookup_expr="date__lte", label=_("Closed to"),
                                          widget=forms.DateInput(attrs=DATE))

    class Meta:
        model = Hazard
        fields = []

    def _due(self, queryset):
        return queryset if "due" in queryset.query.annotations else queryset.with_effective_deadline()

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__icontains=value) | Q(title__icontains=value) | Q(location__icontains=value))

    def filter_status(self, queryset, name, value):
        if value == "open":
            return queryset.filter(status__in=OPEN_STATUSES)
        return queryset.filter(status=value)

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate()
        queryset = self._due(queryset)
        if value == "true":
            return queryset.filter(status__in=OPEN_STATUSES, due__lt=today)
        return queryset.exclude(status__in=OPEN_STATUSES, due__lt=today)

    def filter_deadline_from(self, queryset, name, value):
        return self._due(queryset).filter(due__gte=value)

    def filter_deadline_to(self, queryset, name, value):
        return self._due(queryset).filter(due__lte=value)

    def filter_responsible(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(responsible_person__name__icontains=value)
                               | Q(responsible_department__name__icontains=value))

    def filter_listed(self, queryset, name, value):
        return queryset.filter(is_listed=(value == "true"))

    def filter_recurring(self, queryset, name, value):
        return queryset.filter(is_recurring=(value == "true"))


class InspectionFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("Search"))
    organisation = school_filter()
    kind = django_filters.ChoiceFilter(choices=InspectionKind.choices, label=_("Kind"))
    status = django_filters.ChoiceFilter(choices=InspectionStatus.choices, label=_("Status"))
    date_from = django_filters.DateFilter(field_name="planned_for", lookup_expr="gte", label=_("From"),
                                          widget=forms.DateInput(attrs=DATE))
    date_to = django_filters.DateFilter(field_name="planned_for", lookup_expr="lte", label=_("To"),
                                        widget=forms.DateInput(attrs=DATE))

    class Meta:
        model = Inspection
        fields = []


class AccountabilityFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    organisation = organisation_filter()
    decided_from = django_filters.DateFilter(field_name="decided_on", lookup_expr="gte", label=_("From"),
                                             widget=forms.DateInput(attrs=DATE))
    decided_to = django_filters.DateFilter(field_name="decided_on", lookup_expr="lte", label=_("To"),
                                           widget=forms.DateInput(attrs=DATE))
    made_public = django_filters.ChoiceFilter(method="filter_public", label=_("Exposed in a circular"),
                                              choices=YES_NO)

    class Meta:
        model = AccountabilityRecord
        fields = []

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(person__name__icontains=value) | Q(department__name__icontains=value)
                               | Q(reason__icontains=value) | Q(hazards__number__icontains=value)).distinct()

    def filter_public(self, queryset, name, value):
        return queryset.filter(made_public=(value == "true"))
