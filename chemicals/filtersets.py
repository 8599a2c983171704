"""Filters of the chemicals lists (declarations)."""
import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaign_site.accounts.models import Organisation, OrgKind

from .models import (
    Cabinet,
    CabinetKind,
    Chemical,
    ChemicalRoom,
    Container,
    ContainerStatus,
    DrugPrecursorCategory,
    RoomKind,
    StorageClass,
    controlled_q,
)

YES_NO = [("true", _("Yes")), ("false", _("No"))]


class ChemicalFilterSet(django_filters.FilterSet):
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


class SchoolScopedFilterSet(django_filters.FilterSet):
    """The "school" filter lists the schools the user sees; shown only to someone above one school."""

    organisation = django_filters.ModelChoiceFilter(queryset=Organisation.objects.none(), label=_("School"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is None or not (user.is_superuser or user.memberships.filter(
                is_active=True).exclude(organisation__kind=OrgKind.SCHOOL).exists()):
            self.filters.pop("organisation")
        else:
            self.filters["organisation"].queryset = Organisation.objects.schools().visible_to(user) \
                .only("pk", "name", "path")


class RoomFilterSet(SchoolScopedFilterSet):
    kind = django_filters.ChoiceFilter(choices=RoomKind.choices, label=_("kind"))

    class Meta:
        model = ChemicalRoom
        fields = ["organisation", "kind"]


class CabinetFilterSet(SchoolScopedFilterSet):
    kind = django_filters.ChoiceFilter(choices=CabinetKind.choices, label=_("kind"))
    controlled = django_filters.BooleanFilter(label=_("two locks (双人双锁)"))

    class Meta:
        model = Cabinet
        fields = ["organisation", "kind", "controlled"]


class ContainerFilterSet(SchoolScopedFilterSet):
    q = django_filters.CharFilter(label=_("Name, CAS or lot"), method="search")
    status = django_filters.ChoiceFilter(choices=ContainerStatus.choices, label=_("status"))
    controlled = django_filters.ChoiceFilter(label=_("Double management"), choices=YES_NO, method="filter_controlled")
    cabinet = django_filters.ModelChoiceFilter(queryset=Cabinet.objects.none(), label=_("cabinet"))

    class Meta:
        model = Container
        fields = ["q", "organisation", "cabinet", "status", "controlled"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is not None:
            self.filters["cabinet"].queryset = Cabinet.objects.visible_to(user).select_related("room")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(chemical__name_zh__icontains=value) | Q(chemical__name_en__icontains=value)
                               | Q(chemical__cas=value) | Q(lot__icontains=value))

    def filter_controlled(self, queryset, name, value):
        if value == "true":
            return queryset.filter(controlled_q("chemical__"))
        if value == "false":
            return queryset.exclude(controlled_q("chemical__"))
        return queryset
