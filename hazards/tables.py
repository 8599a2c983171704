"""Tables of the hazards lists (declarations). Columns are what the export writes."""
import django_tables2 as tables
from django.db.models import QuerySet
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from campaign_site.generic.tables import Table, badge

from .models import AccountabilityRecord, Hazard, HazardLevel, HazardStatus, Inspection, InspectionSchedule

STATUS_STYLE = {
    HazardStatus.REGISTERED: "secondary",
    HazardStatus.RECTIFYING: "primary",
    HazardStatus.SUBMITTED: "info",
    HazardStatus.AWAITING_SIGNOFF: "warning",
    HazardStatus.AWAITING_DELISTING: "warning",
    HazardStatus.CLOSED: "success",
}


class HazardTable(Table):
    number = tables.Column(linkify=True, verbose_name=_("hazard number"))
    organisation = tables.Column(verbose_name=_("school"), order_by=("organisation__name",))
    title = tables.Column(linkify=True)
    focus_area = tables.Column(order_by=("focus_area__order",))
    level = tables.Column()
    location = tables.Column()
    found_on = tables.DateColumn(format="Y-m-d")
    due = tables.DateColumn(format="Y-m-d", verbose_name=_("deadline"), order_by=("due",))
    responsible_department = tables.Column(order_by=("responsible_department__name",))
    responsible_person = tables.Column(order_by=("responsible_person__name",))
    source = tables.Column()
    status = tables.Column()
    is_listed = tables.BooleanColumn(verbose_name=_("listed"))
    is_recurring = tables.BooleanColumn(verbose_name=_("recurring"))

    class Meta:
        model = Hazard
        phone_columns = ('number', 'title', 'status', 'due')
        fields = ()
        sequence = ("number", "organisation", "title", "focus_area", "level", "location", "found_on", "due",
                    "responsible_department", "responsible_person", "source", "status", "is_listed", "is_recurring")
        order_by = ("-found_on",)
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "hazard-table"}
        row_attrs = {"data-number": lambda record: record.number}

    def __init__(self, data=None, *args, **kwargs):
        if isinstance(data, QuerySet) and "due" not in data.query.annotations:
            data = data.with_effective_deadline()
        super().__init__(data, *args, **kwargs)

    def render_level(self, value, record):
        if record.level == HazardLevel.MAJOR:
            return badge(value, "danger")
        return value

    def render_status(self, value, record):
        html = badge(value, STATUS_STYLE.get(record.status, "secondary"))
        if record.is_overdue(self.today):
            html = format_html("{} {}", html, badge(_("overdue"), "danger"))
        return html

    def value_status(self, value, record):
        return f"{value} ({_('overdue')})" if record.is_overdue(self.today) else value

    def render_due(self, value, record):
        if record.is_overdue(self.today):
            return format_html('<span class="text-danger fw-semibold">{}</span>', f"{value:%Y-%m-%d}")
        return f"{value:%Y-%m-%d}"


class InspectionTable(Table):
    planned_for = tables.DateColumn(format="Y-m-d")
    organisation = tables.Column(verbose_name=_("school"), order_by=("organisation__name",))
    title = tables.Column(linkify=True)
    kind = tables.Column()
    leader = tables.Column()
    status = tables.Column()
    items_total = tables.Column(verbose_name=_("items"), orderable=False)
    items_failed = tables.Column(verbose_name=_("failed"), orderable=False)

    class Meta:
        model = Inspection
        phone_columns = ('planned_for', 'title', 'status')
        fields = ()
        sequence = ("planned_for", "organisation", "title", "kind", "leader", "status", "items_total",
                    "items_failed")
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "inspection-table"}


class ScheduleTable(Table):
    title = tables.Column(linkify=("hazards:schedule_detail", {"pk": tables.A("pk")}))
    organisation = tables.Column(verbose_name=_("school"))
    kind = tables.Column()
    frequency = tables.Column()
    next_due = tables.DateColumn(format="Y-m-d")
    assignee = tables.Column()
    is_active = tables.BooleanColumn()

    class Meta:
        model = InspectionSchedule
        phone_columns = ('title', 'next_due')
        fields = ()
        sequence = ("title", "organisation", "kind", "frequency", "next_due", "assignee", "is_active")


class AccountabilityTable(Table):
    decided_on = tables.DateColumn(format="Y-m-d", linkify=True)
    organisation = tables.Column()
    person = tables.Column()
    department = tables.Column()
    related = tables.Column(verbose_name=_("related hazards"), accessor="pk", orderable=False)
    reason = tables.Column()
    measure = tables.Column()
    decided_by = tables.Column()
    made_public = tables.BooleanColumn()

    class Meta:
        model = AccountabilityRecord
        phone_columns = ('decided_on', 'person', 'reason')
        fields = ()
        sequence = ("decided_on", "organisation", "person", "department", "related", "reason", "measure",
                    "decided_by", "made_public")
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "accountability-table"}

    def render_related(self, record):
        related = getattr(record, "related_hazards", None)  # the list view's Prefetch(to_attr=...)
        if related is None:
            related = record.hazards.all()
        return ", ".join(h.number for h in related) or "—"

    def value_related(self, record):
        return self.render_related(record)
