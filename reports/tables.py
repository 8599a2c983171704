"""Tables of the reports lists (declarations). Columns are what the export writes."""
import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from campaign_site.accounts.models import Organisation
from campaign_site.campaigns.selectors import Timeliness
from campaign_site.generic.links import reverse
from campaign_site.generic.tables import Table, badge, link

from .models import BullyingScreening, MonthlyReport, ReportStatus, Summary

STATUS_STYLE = {
    ReportStatus.DRAFT: "secondary", ReportStatus.AWAITING_APPROVAL: "info", ReportStatus.SUBMITTED: "primary",
    ReportStatus.ACCEPTED: "success", ReportStatus.RETURNED: "danger",
}


def status_badge(status, label):
    return badge(label, STATUS_STYLE.get(status, "secondary"))


class MonthlyReportTable(Table):
    month = tables.DateColumn(format="Y-m", linkify=True)
    organisation = tables.Column(order_by=("organisation__name",))
    campaign = tables.Column(order_by=("campaign__start",))
    due_date = tables.DateColumn(format="Y-m-d")
    status = tables.Column()
    first_submitted_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("submitted"))

    class Meta:
        model = MonthlyReport
        phone_columns = ("month", "status")
        fields = ()
        sequence = ("month", "organisation", "campaign", "due_date", "status", "first_submitted_at")
        order_by = ("-month",)
        attrs = {"class": "table table-hover align-middle", "data-testid": "report-table"}

    def render_status(self, value, record):
        return status_badge(record.status, value)


class OverviewTable(Table):
    """One row per school of the campaign: its report of the month, on time / late / missing."""

    name = tables.Column(verbose_name=_("School"))
    timeliness = tables.Column(verbose_name=_("Submission"))
    report_status = tables.Column(verbose_name=_("Report"), default="—")
    submitted_at = tables.DateTimeColumn(verbose_name=_("First submitted"), format="Y-m-d H:i")

    class Meta:
        model = Organisation
        phone_columns = ("name", "timeliness", "report_status")
        fields = ("name", "timeliness", "report_status", "submitted_at")
        attrs = {"class": "table table-hover align-middle", "data-testid": "report-overview"}

    def render_name(self, record, value):
        if record.report_id:
            return link(reverse("reports:report_detail", args=[record.report_id]), value)
        return value

    def render_timeliness(self, record):
        return badge(Timeliness.label(record.timeliness), Timeliness.styles[record.timeliness])

    def value_timeliness(self, record):
        return Timeliness.label(record.timeliness)

    def render_report_status(self, record):
        return status_badge(record.report_status, ReportStatus(record.report_status).label)

    def value_report_status(self, record):
        return ReportStatus(record.report_status).label if record.report_status else ""


class ScreeningTable(Table):
    week = tables.DateColumn(format="Y-m-d", linkify=True)
    organisation = tables.Column(order_by=("organisation__name",))
    screened_on = tables.DateColumn(format="Y-m-d")
    classes_covered = tables.Column()
    risks_found = tables.Column()
    measures = tables.Column()

    class Meta:
        model = BullyingScreening
        phone_columns = ("week", "risks_found")
        fields = ()
        sequence = ("week", "organisation", "screened_on", "classes_covered", "risks_found", "measures")
        order_by = ("-week",)
        attrs = {"class": "table table-hover align-middle", "data-testid": "screening-table"}


class SummaryTable(Table):
    title = tables.Column(linkify=True)
    organisation = tables.Column(order_by=("organisation__name",))
    kind = tables.Column()
    period = tables.DateColumn(format="Y-m-d")
    due_date = tables.DateColumn(format="Y-m-d")
    first_submitted_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name=_("submitted"))

    class Meta:
        model = Summary
        phone_columns = ("title", "due_date")
        fields = ()
        sequence = ("title", "organisation", "kind", "period", "due_date", "first_submitted_at")
        order_by = ("-due_date",)
        attrs = {"class": "table table-hover align-middle", "data-testid": "summary-table"}


class SummaryOverviewTable(OverviewTable):
    """Schools and their summary for one deadline and period."""

    report_status = None

    class Meta(OverviewTable.Meta):
        fields = ("name", "timeliness", "submitted_at")
        attrs = {"class": "table table-hover align-middle", "data-testid": "summary-overview"}

    def render_name(self, record, value):
        if record.summary_id:
            return link(reverse("reports:summary_detail", args=[record.summary_id]), value)
        return value
