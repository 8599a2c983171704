"""Tables of the chemicals lists (declarations). Columns are what the export writes."""
import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from campaign_site.accounts.models import Organisation
from campaign_site.generic.ledger import format_quantity
from campaign_site.generic.links import reverse
from campaign_site.generic.tables import Table, badge, link

from .models import (
    BureauControl,
    Cabinet,
    Chemical,
    ChemicalRoom,
    Container,
    CustodianTraining,
    Movement,
    Requisition,
    StockCount,
)


class ChemicalTable(Table):
    name_zh = tables.Column()
    name_en = tables.Column()
    cas = tables.Column()
    formula = tables.Column()
    storage_class = tables.Column()
    flags = tables.Column(verbose_name=_("flags"), empty_values=(), orderable=False)
    ghs_pictograms = tables.Column()
    keeping = tables.Column(verbose_name=_("keeping"), empty_values=(), orderable=False)

    class Meta:
        model = Chemical
        fields = ()
        sequence = ("name_zh", "name_en", "cas", "formula", "storage_class", "flags", "ghs_pictograms", "keeping")
        phone_columns = ("name_zh", "cas", "flags")
        order_by = ("name_zh",)
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "chemical-table"}

    def render_flags(self, record):
        return "、".join(record.flag_labels()) or "—"

    def value_flags(self, record):
        return "、".join(record.flag_labels())

    def render_keeping(self, record):
        return "、".join(record.keeping_labels()) or "—"

    def value_keeping(self, record):
        return "、".join(record.keeping_labels())


ATTRS = {"class": "table table-sm table-hover align-middle"}


def _yes_no(value):
    return _("Yes") if value else _("No")


class RoomTable(Table):
    name = tables.Column(linkify=True)
    organisation = tables.Column(verbose_name=_("school"), order_by=("organisation__name",))
    kind = tables.Column()
    location = tables.Column()
    hazard_sign = tables.Column()
    is_active = tables.Column()

    class Meta:
        model = ChemicalRoom
        fields = ()
        sequence = ("name", "organisation", "kind", "location", "hazard_sign", "is_active")
        phone_columns = ("name", "kind")
        order_by = ("name",)
        attrs = {**ATTRS, "data-testid": "room-table"}

    def render_hazard_sign(self, value):
        return _yes_no(value)

    def render_is_active(self, value):
        return _yes_no(value)


class CabinetTable(Table):
    code = tables.Column(linkify=True)
    organisation = tables.Column(verbose_name=_("school"), order_by=("organisation__name",))
    room = tables.Column(order_by=("room__name",))
    kind = tables.Column()
    controlled = tables.Column()
    key_holders = tables.Column(verbose_name=_("key holders"), empty_values=(), orderable=False)
    hazard_sign = tables.Column()

    class Meta:
        model = Cabinet
        fields = ()
        sequence = ("code", "organisation", "room", "kind", "controlled", "key_holders", "hazard_sign")
        phone_columns = ("code", "room", "controlled")
        order_by = ("code",)
        attrs = {**ATTRS, "data-testid": "cabinet-table"}

    def render_controlled(self, value):
        return _yes_no(value)

    def render_hazard_sign(self, value):
        return _yes_no(value)

    def value_key_holders(self, record):
        return "、".join(h.display_name for h in (record.key_holder_1, record.key_holder_2) if h is not None)

    def render_key_holders(self, record):
        return self.value_key_holders(record) or "—"


class ContainerTable(Table):
    chemical = tables.Column(linkify=lambda record: record.get_absolute_url(), order_by=("chemical__name_zh",))
    organisation = tables.Column(verbose_name=_("school"), order_by=("organisation__name",))
    cas = tables.Column(verbose_name=_("CAS number"), accessor="chemical__cas", orderable=False)
    cabinet = tables.Column(order_by=("cabinet__code",))
    position = tables.Column()
    lot = tables.Column()
    size = tables.Column()
    left = tables.Column(verbose_name=_("left"), accessor="stock__quantity", order_by=("stock__quantity",))
    unit = tables.Column()
    expires_on = tables.DateColumn(format="Y-m-d")
    status = tables.Column()

    class Meta:
        model = Container
        fields = ()
        sequence = ("chemical", "organisation", "cas", "cabinet", "position", "lot", "size", "left", "unit",
                    "expires_on", "status")
        phone_columns = ("chemical", "cabinet", "left")
        order_by = ("chemical",)
        attrs = {**ATTRS, "data-testid": "container-table"}

    def render_chemical(self, record):
        return record.chemical.name_zh

    def value_chemical(self, record):
        return record.chemical.name_zh

    def render_cabinet(self, record):
        return record.cabinet.code

    def value_cabinet(self, record):
        return str(record.cabinet)

    def render_size(self, value):
        return format_quantity(value)

    def value_size(self, value):
        return format_quantity(value)

    def render_left(self, value):
        return format_quantity(value)

    def value_left(self, value):
        return format_quantity(value)


def _person(user):
    return user.display_name if user is not None else ""


class MovementTable(Table):
    occurred_at = tables.DateTimeColumn(format="Y-m-d H:i", linkify=lambda record: record.get_absolute_url())
    organisation = tables.Column(verbose_name=_("school"), order_by=("organisation__name",))
    chemical = tables.Column(order_by=("chemical__name_zh",))
    container = tables.Column(orderable=False)
    kind = tables.Column()
    quantity = tables.Column()
    unit = tables.Column(verbose_name=_("unit"), accessor="container__unit", orderable=False)
    created_by = tables.Column(verbose_name=_("custodian"), orderable=False)
    second_person = tables.Column(orderable=False)
    counterparty = tables.Column(verbose_name=_("received or returned by"), empty_values=(), orderable=False)
    reference = tables.Column()
    equipment = tables.Column()
    reason = tables.Column()

    class Meta:
        model = Movement
        fields = ()
        sequence = ("occurred_at", "organisation", "chemical", "container", "kind", "quantity", "unit", "created_by",
                    "second_person", "counterparty", "reference", "equipment", "reason")
        phone_columns = ("occurred_at", "chemical", "kind", "quantity")
        order_by = ("-occurred_at",)
        attrs = {**ATTRS, "data-testid": "movement-table"}

    def render_chemical(self, record):
        return record.chemical.name_zh

    def value_chemical(self, record):
        return record.chemical.name_zh

    def render_container(self, record):
        return f"#{record.container_id}"

    def value_container(self, record):
        return f"#{record.container_id}"

    def render_kind(self, record):
        label = record.get_kind_display()
        return format_html("{} {}", label, badge(_("reversal"))) if record.reverses_id else label

    def value_kind(self, record):
        return record.get_kind_display() + (f"（{_('reversal')}）" if record.reverses_id else "")

    def render_quantity(self, value):
        return format_quantity(value)

    def value_quantity(self, value):
        return format_quantity(value)

    def render_created_by(self, record):
        return _person(record.created_by) or "—"

    def value_created_by(self, record):
        return _person(record.created_by)

    def render_second_person(self, record):
        return _person(record.second_person) or "—"

    def value_second_person(self, record):
        return _person(record.second_person)

    def value_counterparty(self, record):
        return _person(record.counterparty) or record.counterparty_name

    def render_counterparty(self, record):
        return self.value_counterparty(record) or "—"


class TrainingTable(Table):
    person = tables.Column(linkify=lambda record: record.get_absolute_url(), order_by=("person__full_name",))
    organisation = tables.Column(verbose_name=_("school"), order_by=("organisation__name",))
    course = tables.Column()
    certificate = tables.Column()
    trained_on = tables.DateColumn(format="Y-m-d")
    valid_until = tables.DateColumn(format="Y-m-d")
    valid_today = tables.Column(verbose_name=_("valid today"), empty_values=(), orderable=False)

    class Meta:
        model = CustodianTraining
        fields = ()
        sequence = ("person", "organisation", "course", "certificate", "trained_on", "valid_until", "valid_today")
        phone_columns = ("person", "valid_until", "valid_today")
        order_by = ("-valid_until",)
        attrs = {**ATTRS, "data-testid": "training-table"}

    def render_person(self, record):
        return record.person.display_name

    def value_person(self, record):
        return record.person.display_name

    def value_valid_today(self, record):
        return _yes_no(record.is_valid_on(self.today))

    def render_valid_today(self, record):
        return self.value_valid_today(record)


class ControlTable(Table):
    chemical = tables.Column(order_by=("chemical__name_zh",))
    cas = tables.Column(verbose_name=_("CAS number"), accessor="chemical__cas", orderable=False)
    organisation = tables.Column(verbose_name=_("bureau"), order_by=("organisation__name",))
    reason = tables.Column()
    created_by = tables.Column(orderable=False)
    created_at = tables.DateTimeColumn(format="Y-m-d")
    remove = tables.Column(verbose_name="", empty_values=(), orderable=False, exclude_from_export=True)

    class Meta:
        model = BureauControl
        fields = ()
        sequence = ("chemical", "cas", "organisation", "reason", "created_by", "created_at", "remove")
        phone_columns = ("chemical", "organisation", "remove")
        order_by = ("chemical",)
        attrs = {**ATTRS, "data-testid": "control-table"}

    def render_chemical(self, record):
        return record.chemical.name_zh

    def value_chemical(self, record):
        return record.chemical.name_zh

    def render_created_by(self, record):
        return _person(record.created_by) or "—"

    def value_created_by(self, record):
        return _person(record.created_by)

    def render_remove(self, record):
        from django.middleware.csrf import get_token

        from .permissions import can_remove_control

        request = getattr(self, "request", None)
        if request is None:
            return ""
        allowed = self.__dict__.setdefault("_can_remove", {})  # per bureau: a page holds few
        if record.organisation_id not in allowed:
            allowed[record.organisation_id] = can_remove_control(request.user, record)
        if not allowed[record.organisation_id]:
            return ""
        if "_csrf_token" not in self.__dict__:  # one masked token per page, as {% csrf_token %} gives
            self._csrf_token = get_token(request)
        return format_html(
            '<form method="post" action="{}" class="d-inline"><input type="hidden" name="csrfmiddlewaretoken" '
            'value="{}"><button type="submit" class="btn btn-sm btn-outline-danger" data-testid="control-remove">'
            '{}</button></form>', reverse("chemicals:control_remove", args=[record.pk]), self._csrf_token,
            _("Remove"))


class RequisitionTable(Table):
    number = tables.Column(verbose_name=_("number"), accessor="pk", linkify=lambda record: record.get_absolute_url())
    organisation = tables.Column(verbose_name=_("school"), order_by=("organisation__name",))
    requester = tables.Column(order_by=("requester__full_name",))
    class_name = tables.Column()
    purpose = tables.Column()
    use_at = tables.DateTimeColumn(format="Y-m-d H:i")
    chemicals = tables.Column(verbose_name=_("chemicals"), empty_values=(), orderable=False)
    status = tables.Column()
    leftover_due_at = tables.DateTimeColumn(format="Y-m-d H:i")

    class Meta:
        model = Requisition
        fields = ()
        sequence = ("number", "organisation", "requester", "class_name", "purpose", "use_at", "chemicals", "status",
                    "leftover_due_at")
        phone_columns = ("number", "class_name", "use_at", "status")
        order_by = ("-use_at",)
        attrs = {**ATTRS, "data-testid": "requisition-table"}

    def render_number(self, record):
        return record.number

    def value_number(self, record):
        return record.number

    def render_requester(self, record):
        return _person(record.requester)

    def value_requester(self, record):
        return _person(record.requester)

    def value_chemicals(self, record):
        lines = getattr(record, "line_list", None)  # the list view's Prefetch(to_attr=...)
        if lines is None:
            lines = record.lines.select_related("chemical")
        return "、".join(str(line) for line in lines)

    def render_chemicals(self, record):
        return self.value_chemicals(record) or "—"

    def render_status(self, record):
        label = record.get_status_display()
        if record.is_overdue:
            return format_html("{} {}", label, badge(_("overdue"), "danger", data_testid="overdue"))
        return label

    def value_status(self, record):
        return record.get_status_display() + (f"（{_('overdue')}）" if record.is_overdue else "")


class StockCountTable(Table):
    number = tables.Column(verbose_name=_("number"), accessor="pk", linkify=lambda record: record.get_absolute_url())
    organisation = tables.Column(verbose_name=_("school"), order_by=("organisation__name",))
    cabinet = tables.Column(order_by=("cabinet__code",))
    started_at = tables.DateTimeColumn(format="Y-m-d H:i")
    started_by = tables.Column(order_by=("started_by__full_name",))
    status = tables.Column()
    counted_on = tables.DateColumn(format="Y-m-d")
    differences = tables.Column()
    findings = tables.Column()
    completed_by = tables.Column(order_by=("completed_by__full_name",))

    class Meta:
        model = StockCount
        fields = ()
        sequence = ("number", "organisation", "cabinet", "started_at", "started_by", "status", "counted_on",
                    "differences", "findings", "completed_by")
        phone_columns = ("number", "cabinet", "status", "differences")
        order_by = ("-started_at",)
        attrs = {**ATTRS, "data-testid": "count-table"}

    def render_number(self, record):
        return record.number

    def value_number(self, record):
        return record.number

    def render_started_by(self, record):
        return _person(record.started_by)

    def value_started_by(self, record):
        return _person(record.started_by)

    def render_completed_by(self, record):
        return _person(record.completed_by)

    def value_completed_by(self, record):
        return _person(record.completed_by)


class BureauSchoolTable(Table):
    """One row per school below the bureau: its controlled stock, what awaits a second custodian,
    what shares a cabinet against the segregation table. The figures of the rows shown (the page,
    or every row in an export) come from one call of `selectors.bureau_school_figures`."""

    name = tables.Column(verbose_name=_("School"))
    controlled_containers = tables.Column(verbose_name=_("Controlled containers in stock"), empty_values=(),
                                          orderable=False)
    controlled_chemicals = tables.Column(verbose_name=_("Controlled chemicals"), empty_values=(), orderable=False)
    pending_movements = tables.Column(verbose_name=_("Movements awaiting a second custodian"), empty_values=(),
                                      orderable=False)
    segregation_violations = tables.Column(verbose_name=_("Segregation violations"), empty_values=(),
                                           orderable=False)
    overdue_counts = tables.Column(verbose_name=_("Cabinets with an overdue stock count"), empty_values=(),
                                   orderable=False)

    class Meta:
        model = Organisation
        fields = ()
        sequence = ("name", "controlled_containers", "controlled_chemicals", "pending_movements",
                    "segregation_violations", "overdue_counts")
        phone_columns = ("name", "controlled_containers", "segregation_violations")
        order_by = ("path",)
        attrs = {**ATTRS, "data-testid": "bureau-table"}
        row_attrs = {"data-school": lambda record: record.pk}

    def figures(self, record):
        found = getattr(self, "_figures", None)
        if found is None:
            from .selectors import bureau_school_figures

            page = getattr(self, "page", None)
            if page is not None:
                ids = [row.record.pk for row in page.object_list]  # the page's rows, read once
            else:
                ids = list(self.data.data.values_list("pk", flat=True))
            found = self._figures = bureau_school_figures(ids)
        return found[record.pk]

    def render_controlled_containers(self, record):
        n = self.figures(record).controlled_containers
        if not n:
            return "0"
        return link(f"{reverse('chemicals:container_list')}?organisation={record.pk}&status=in_stock&controlled=true", n)

    def value_controlled_containers(self, record):
        return self.figures(record).controlled_containers

    def render_controlled_chemicals(self, record):
        return self.figures(record).controlled_chemicals

    value_controlled_chemicals = render_controlled_chemicals

    def render_pending_movements(self, record):
        return self.figures(record).pending_movements

    value_pending_movements = render_pending_movements

    def render_segregation_violations(self, record):
        n = self.figures(record).segregation_violations
        if not n:
            return "0"
        return link(reverse("chemicals:segregation"), n, "text-danger fw-semibold")

    def value_segregation_violations(self, record):
        return self.figures(record).segregation_violations

    def render_overdue_counts(self, record):
        n = self.figures(record).overdue_counts
        if not n:
            return "0"
        return link(f"{reverse('chemicals:cabinet_list')}?organisation={record.pk}&count_overdue=true", n,
                    "text-danger fw-semibold")

    def value_overdue_counts(self, record):
        return self.figures(record).overdue_counts
