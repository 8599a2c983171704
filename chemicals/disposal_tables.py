"""Tables and filters of expiry and disposal (declarations)."""
import django_filters
import django_tables2 as tables
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from campaign_site.generic.filtersets import ScopedFilterSet
from campaign_site.generic.tables import Table

from .filtersets import YES_NO, SchoolScopedFilterSet
from .models import Container, DisposalBatch, DisposalStatus, WasteContractor
from .selectors import controlled_rows_q
from .tables import ATTRS, _person, _yes_no


class ContractorTable(Table):
    name = tables.Column(linkify=True)
    organisation = tables.Column(verbose_name=_("bureau"), order_by=("organisation__name",))
    licence_number = tables.Column()
    licence_scope = tables.Column()
    licence_authority = tables.Column()
    licence_valid_from = tables.DateColumn(format="Y-m-d")
    licence_valid_until = tables.DateColumn(format="Y-m-d")
    is_active = tables.Column()

    class Meta:
        model = WasteContractor
        fields = ()
        sequence = ("name", "organisation", "licence_number", "licence_scope", "licence_authority",
                    "licence_valid_from", "licence_valid_until", "is_active")
        phone_columns = ("name", "licence_valid_until")
        order_by = ("name",)
        attrs = {**ATTRS, "data-testid": "contractor-table"}

    def render_is_active(self, value):
        return _yes_no(value)

    def render_licence_valid_until(self, value):
        if value < timezone.localdate():
            return format_html('<span class="text-danger fw-semibold">{} · {}</span>', value.isoformat(),
                               _("expired"))
        return value.isoformat()


class ContractorFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Name or licence number"), method="search")
    valid_today = django_filters.ChoiceFilter(label=_("Licence valid today"), choices=YES_NO,
                                              method="filter_valid")

    class Meta:
        model = WasteContractor
        fields = ["q", "valid_today"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(licence_number__icontains=value))

    def filter_valid(self, queryset, name, value):
        today = timezone.localdate()
        valid = Q(licence_valid_from__lte=today, licence_valid_until__gte=today)
        if value == "true":
            return queryset.filter(valid)
        if value == "false":
            return queryset.exclude(valid)
        return queryset


class DisposalCandidateTable(Table):
    chemical = tables.Column(linkify=lambda record: record.get_absolute_url(), order_by=("chemical__name_zh",))
    organisation = tables.Column(verbose_name=_("school"), order_by=("organisation__name",))
    cabinet = tables.Column(order_by=("cabinet__code",))
    left = tables.Column(verbose_name=_("left"), accessor="stock__quantity", order_by=("stock__quantity",))
    unit = tables.Column()
    expires_on = tables.DateColumn(format="Y-m-d")
    why = tables.Column(verbose_name=_("listed because"), empty_values=(), orderable=False)
    actions = tables.Column(verbose_name="", empty_values=(), orderable=False, exclude_from_export=True)

    class Meta:
        model = Container
        fields = ()
        sequence = ("chemical", "organisation", "cabinet", "left", "unit", "expires_on", "why", "actions")
        phone_columns = ("chemical", "expires_on", "why")
        order_by = ("expires_on",)
        attrs = {**ATTRS, "data-testid": "candidate-table"}

    def render_chemical(self, record):
        return f"{record.chemical.name_zh} #{record.pk}"

    def value_chemical(self, record):
        return f"{record.chemical.name_zh} #{record.pk}"

    def render_cabinet(self, record):
        return record.cabinet.code

    def value_why(self, record):
        reasons = []
        deterioration = getattr(record, "deterioration", None)
        if record.expires_on and record.expires_on < timezone.localdate():
            reasons.append(str(_("expired on %(date)s") % {"date": record.expires_on.isoformat()}))
        if deterioration is not None:
            reasons.append(str(_("deteriorated: %(reason)s") % {"reason": deterioration.reason}))
        return "；".join(reasons)

    def render_why(self, record):
        return self.value_why(record)

    def render_actions(self, record):
        if getattr(record, "deterioration", None) is not None:
            return ""
        return format_html('<a class="btn btn-sm btn-outline-secondary" href="{}">{}</a>',
                           reverse("chemicals:container_deteriorated", args=[record.pk]), _("Mark deteriorated"))


class DisposalCandidateFilterSet(SchoolScopedFilterSet):
    controlled = django_filters.ChoiceFilter(label=_("Double management"), choices=YES_NO, method="filter_controlled")

    class Meta:
        model = Container
        fields = ["organisation", "controlled"]

    def filter_controlled(self, queryset, name, value):
        if value == "true":
            return queryset.filter(controlled_rows_q())
        if value == "false":
            return queryset.exclude(controlled_rows_q())
        return queryset


class DisposalBatchTable(Table):
    number = tables.Column(verbose_name=_("number"), accessor="pk", linkify=lambda record: record.get_absolute_url())
    organisation = tables.Column(verbose_name=_("school"), order_by=("organisation__name",))
    contractor = tables.Column(order_by=("contractor__name",))
    handover_on = tables.DateColumn(format="Y-m-d")
    manifest_number = tables.Column()
    lines = tables.Column(verbose_name=_("lines"), accessor="line_count", orderable=False)
    status = tables.Column()
    handed_over_by = tables.Column(orderable=False)

    class Meta:
        model = DisposalBatch
        fields = ()
        sequence = ("number", "organisation", "contractor", "handover_on", "manifest_number", "lines", "status",
                    "handed_over_by")
        phone_columns = ("number", "handover_on", "status")
        order_by = ("-handover_on",)
        attrs = {**ATTRS, "data-testid": "disposal-table"}

    def render_number(self, record):
        return record.number

    def value_number(self, record):
        return record.number

    def render_handed_over_by(self, record):
        return _person(record.handed_over_by) or "—"

    def value_handed_over_by(self, record):
        return _person(record.handed_over_by)


class DisposalBatchFilterSet(SchoolScopedFilterSet):
    status = django_filters.ChoiceFilter(choices=DisposalStatus.choices, label=_("status"))
    manifest_number = django_filters.CharFilter(label=_("transfer manifest number (转移联单号)"),
                                                lookup_expr="icontains")

    class Meta:
        model = DisposalBatch
        fields = ["organisation", "status", "manifest_number"]
