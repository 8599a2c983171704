import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from campaign_site.accounts.models import Organisation
from campaign_site.generic.links import reverse
from campaign_site.generic.tables import Table, badge, link

from .models import Activity, Campaign, PlanStatus
from .selectors import Timeliness

STATUS_STYLES = {"draft": "secondary", "active": "primary", "closed": "dark",
                 PlanStatus.SUBMITTED: "info", PlanStatus.ACCEPTED: "success", PlanStatus.RETURNED: "danger"}


class CampaignTable(Table):
    title = tables.Column(verbose_name=_("Title"), linkify=True, accessor="title")
    issuer_name = tables.Column(verbose_name=_("Issued by"), accessor="issuer_label", order_by=("issuer_name",))
    document_number = tables.Column(verbose_name=_("Document number"))
    start = tables.DateColumn(verbose_name=_("Start"), format="Y-m-d")
    end = tables.DateColumn(verbose_name=_("End"), format="Y-m-d")
    status = tables.Column(verbose_name=_("Status"))

    class Meta:
        model = Campaign
        phone_columns = ('title', 'status')
        fields = ("title", "issuer_name", "document_number", "start", "end", "status")
        attrs = {"class": "table table-hover align-middle"}

    def render_title(self, record):
        return link(record.get_absolute_url(), record.label)

    def value_title(self, record):
        return record.label

    def render_status(self, record):
        return badge(record.get_status_display(), STATUS_STYLES.get(record.status, "secondary"))

    def value_status(self, record):
        return record.get_status_display()


class PlanOverviewTable(Table):
    name = tables.Column(verbose_name=_("School"))
    school_type = tables.Column(verbose_name=_("School type"))
    timeliness = tables.Column(verbose_name=_("Submission"))
    plan_status = tables.Column(verbose_name=_("Review"), default="—")
    plan_first = tables.DateTimeColumn(verbose_name=_("First submitted"), format="Y-m-d H:i")
    plan_submitted = tables.DateTimeColumn(verbose_name=_("Last submitted"), format="Y-m-d H:i")
    plan_similarity = tables.Column(verbose_name=_("Overlap with the bureau's plan"), default="—")

    class Meta:
        model = Organisation
        phone_columns = ('name', 'timeliness', 'plan_status')
        fields = ("name", "school_type", "timeliness", "plan_status", "plan_first", "plan_submitted",
                  "plan_similarity")
        attrs = {"class": "table table-hover align-middle", "data-testid": "plan-overview"}

    def render_name(self, record, value):
        if record.plan_pk:
            return link(reverse("campaigns:plan_detail", args=[record.plan_pk]), value)
        return value

    def render_school_type(self, record):
        return record.get_school_type_display()

    def value_school_type(self, record):
        return record.get_school_type_display()

    def render_timeliness(self, value):
        return badge(Timeliness.label(value), Timeliness.styles.get(value, "secondary"))

    def value_timeliness(self, value):
        return str(Timeliness.label(value))

    def render_plan_status(self, value):
        return badge(PlanStatus(value).label, STATUS_STYLES.get(value, "secondary"))

    def value_plan_status(self, value):
        return str(PlanStatus(value).label) if value else ""

    def render_plan_similarity(self, value):
        from .similarity import COPY_THRESHOLD

        text = f"{round(value * 100)}%"
        if value >= COPY_THRESHOLD:
            return badge(format_html("{} · {}", text, _("largely copied")), "danger")
        return text

    def value_plan_similarity(self, value):
        return f"{round(value * 100)}%" if value is not None else ""


class ActivityTable(Table):
    date = tables.DateColumn(verbose_name=_("Date"), format="Y-m-d", linkify=True)
    kind = tables.Column(verbose_name=_("Kind"))
    topic = tables.Column(verbose_name=_("Topic"), linkify=True)
    organisation = tables.Column(verbose_name=_("Organisation"), accessor="organisation__name")
    participants = tables.Column(verbose_name=_("Participants"))
    campaign = tables.Column(verbose_name=_("Campaign"), accessor="campaign__title", default="—")

    class Meta:
        model = Activity
        phone_columns = ('date', 'kind', 'topic')
        fields = ("date", "kind", "topic", "organisation", "participants", "campaign")
        attrs = {"class": "table table-hover align-middle"}

    def render_kind(self, record):
        return badge(record.get_kind_display(), "info" if record.kind == "training" else "warning")

    def value_kind(self, record):
        return record.get_kind_display()
