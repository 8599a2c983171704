"""Filters of the chemicals lists (declarations)."""
import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Chemical, DrugPrecursorCategory, StorageClass

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
