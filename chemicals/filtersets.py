"""Filters of the chemicals lists (declarations)."""
import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaign_site.accounts.filtersets import school_filter
from campaign_site.accounts.models import Organisation
from campaign_site.generic.filtersets import ScopedFilterSet, SearchableChoiceFilter

from .models import (
    BureauControl,
    Cabinet,
    CabinetKind,
    Chemical,
    ChemicalRoom,
    Container,
    ContainerStatus,
    CustodianTraining,
    DrugPrecursorCategory,
    Movement,
    MovementKind,
    Requisition,
    RequisitionStatus,
    RoomKind,
    StockCount,
    StockCountStatus,
    StorageClass,
)
from .selectors import controlled_rows_q

YES_NO = [("true", _("Yes")), ("false", _("No"))]


class ChemicalFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Name, alias or CAS"), method="search")
    storage_class = django_filters.ChoiceFilter(label=_("storage class"), choices=StorageClass.choices)
    controlled = django_filters.ChoiceFilter(label=_("Double management"), choices=YES_NO, method="filter_controlled")
    highly_toxic = django_filters.BooleanFilter(label=_("highly toxic (剧毒)"))
    explosive_precursor = django_filters.BooleanFilter(label=_("explosive precursor (易制爆)"))
    drug_precursor_category = django_filters.ChoiceFilter(label=_("drug precursor category (易制毒)"),
                                                          choices=DrugPrecursorCategory.choices)

    class Meta:
        model = Chemical
        fields = ()

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name_zh__icontains=value) | Q(name_en__icontains=value)
                               | Q(aliases__icontains=value) | Q(cas=value))

    def filter_controlled(self, queryset, name, value):
        from .models import CONTROLLED_Q

        if value == "true":
            return queryset.filter(CONTROLLED_Q)
        if value == "false":
            return queryset.exclude(CONTROLLED_Q)
        return queryset


class SchoolScopedFilterSet(ScopedFilterSet):
    """The "school" filter lists the schools the user sees; shown only to someone above one school."""

    organisation = school_filter()


class RoomFilterSet(SchoolScopedFilterSet):
    kind = django_filters.ChoiceFilter(choices=RoomKind.choices, label=_("kind"))

    class Meta:
        model = ChemicalRoom
        fields = ["organisation", "kind"]


class CabinetFilterSet(SchoolScopedFilterSet):
    kind = django_filters.ChoiceFilter(choices=CabinetKind.choices, label=_("kind"))
    controlled = django_filters.BooleanFilter(label=_("two locks (双人双锁)"))
    count_overdue = django_filters.ChoiceFilter(label=_("Stock count overdue"), choices=YES_NO,
                                                method="filter_count_overdue")

    class Meta:
        model = Cabinet
        fields = ["organisation", "kind", "controlled", "count_overdue"]

    def filter_count_overdue(self, queryset, name, value):
        from .selectors import overdue_count_cabinets

        overdue = overdue_count_cabinets(Cabinet.objects.all()).values("pk")
        if value == "true":
            return queryset.filter(pk__in=overdue)
        if value == "false":
            return queryset.exclude(pk__in=overdue)
        return queryset


def _cabinet_filter():
    """The cabinet choice: a drop-down of the cabinets the user sees, a search box (number, room,
    school) for a bureau that sees thousands."""
    return SearchableChoiceFilter(queryset=Cabinet.objects.select_related("room"), label=_("cabinet"),
                                  search_lookups=("code__icontains", "room__name__icontains",
                                                  "organisation__name__icontains"))


class ContainerFilterSet(SchoolScopedFilterSet):
    q = django_filters.CharFilter(label=_("Name, CAS or lot"), method="search")
    status = django_filters.ChoiceFilter(choices=ContainerStatus.choices, label=_("status"))
    controlled = django_filters.ChoiceFilter(label=_("Double management"), choices=YES_NO, method="filter_controlled")
    cabinet = _cabinet_filter()

    class Meta:
        model = Container
        fields = ["q", "organisation", "cabinet", "status", "controlled"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(chemical__name_zh__icontains=value) | Q(chemical__name_en__icontains=value)
                               | Q(chemical__cas=value) | Q(lot__icontains=value))

    def filter_controlled(self, queryset, name, value):
        if value == "true":
            return queryset.filter(controlled_rows_q())
        if value == "false":
            return queryset.exclude(controlled_rows_q())
        return queryset


class MovementFilterSet(SchoolScopedFilterSet):
    q = django_filters.CharFilter(label=_("Name or CAS"), method="search")
    kind = django_filters.ChoiceFilter(choices=MovementKind.choices, label=_("movement"))
    controlled = django_filters.BooleanFilter(label=_("double management"))
    since = django_filters.DateFilter(field_name="occurred_at", lookup_expr="date__gte", label=_("From"),
                                      widget=forms.DateInput(attrs={"type": "date"}))
    until = django_filters.DateFilter(field_name="occurred_at", lookup_expr="date__lte", label=_("To"),
                                      widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = Movement
        fields = ["q", "organisation", "kind", "controlled", "since", "until"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(chemical__name_zh__icontains=value) | Q(chemical__cas=value))


class TrainingFilterSet(SchoolScopedFilterSet):
    valid = django_filters.ChoiceFilter(label=_("Valid today"), choices=YES_NO, method="filter_valid")

    class Meta:
        model = CustodianTraining
        fields = ["organisation", "valid"]

    def filter_valid(self, queryset, name, value):
        from django.utils import timezone

        today = timezone.localdate()
        valid = Q(trained_on__lte=today, valid_until__gte=today)
        if value == "true":
            return queryset.filter(valid)
        if value == "false":
            return queryset.exclude(valid)
        return queryset


class ControlFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Name or CAS"), method="search")

    class Meta:
        model = BureauControl
        fields = ["q"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(chemical__name_zh__icontains=value) | Q(chemical__cas=value))


class RequisitionFilterSet(SchoolScopedFilterSet):
    status = django_filters.ChoiceFilter(choices=RequisitionStatus.choices, label=_("status"))
    overdue = django_filters.ChoiceFilter(label=_("Leftovers overdue"), choices=YES_NO, method="filter_overdue")

    class Meta:
        model = Requisition
        fields = ["organisation", "status", "overdue"]

    def filter_overdue(self, queryset, name, value):
        overdue = Q(status=RequisitionStatus.ISSUED, overdue_at__isnull=False)
        if value == "true":
            return queryset.filter(overdue)
        if value == "false":
            return queryset.exclude(overdue)
        return queryset


class StockCountFilterSet(SchoolScopedFilterSet):
    status = django_filters.ChoiceFilter(choices=StockCountStatus.choices, label=_("status"))
    cabinet = _cabinet_filter()
    with_differences = django_filters.ChoiceFilter(label=_("With differences"), choices=YES_NO,
                                                   method="filter_differences")

    class Meta:
        model = StockCount
        fields = ["organisation", "cabinet", "status", "with_differences"]

    def filter_differences(self, queryset, name, value):
        if value == "true":
            return queryset.filter(differences__gt=0)
        if value == "false":
            return queryset.filter(differences=0)
        return queryset


class BureauSchoolFilterSet(ScopedFilterSet):
    """The bureau's page lists schools: the core's school filter (a search box above 300 schools)."""

    school = school_filter(method="filter_school")

    class Meta:
        model = Organisation
        fields = ["school"]

    def filter_school(self, queryset, name, value):
        if value is None or value == "":
            return queryset
        return queryset.filter(pk__in=value.values("pk") if hasattr(value, "values") else [value.pk])
