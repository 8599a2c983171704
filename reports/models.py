"""The school's monthly report (月报) for a campaign month: the statistics table (统计表) computed
from the records and frozen at submission, the figures the records do not track, the month's
progress, and at least 3 work-information items (工作信息) and 1 typical case (典型案例).

    draft ──send_for_approval──▶ awaiting_approval ──approve (principal)──▶ submitted ──accept──▶ accepted
      ▲                               │ send_back                                │ return (bureau)
      └───────────────────────────────┘◀────────────── returned ◀────────────────┘
"""
import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign_site.accounts.models import PATH_STEP
from campaign_site.generic.links import reverse  # django.urls.reverse from a template: list rows link cheaply
from campaign_site.generic.models import OrganisationOwned
from campaign_site.generic.scoping import ScopedQuerySet, scope_q, user_scope_paths
from campaign_site.generic.workflow import Transition, Workflow

MIN_WORK_INFO = 3
MIN_TYPICAL_CASES = 1


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting the principal's approval")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned for revision")


EDITABLE_STATUSES = (ReportStatus.DRAFT, ReportStatus.RETURNED)

_P = "reports.permissions."
_S = "reports.services."
REPORT_FLOW = Workflow(
    Transition("send_for_approval", source=[ReportStatus.DRAFT, ReportStatus.RETURNED],
               target=ReportStatus.AWAITING_APPROVAL, label=_("Send to the principal for approval"),
               icon="send", service=_S + "report_send_for_approval", permission=_P + "can_edit_report",
               done=_("The report was sent to the principal for approval.")),
    Transition("approve", source=[ReportStatus.DRAFT, ReportStatus.AWAITING_APPROVAL, ReportStatus.RETURNED],
               target=ReportStatus.SUBMITTED, label=_("Approve and submit to the bureau"), style="success",
               icon="check-lg", confirm=True, service=_S + "report_approve", permission=_P + "can_approve_report",
               done=_("The report was submitted to the bureau. Its figures are now fixed.")),
    Transition("send_back", source=[ReportStatus.AWAITING_APPROVAL], target=ReportStatus.DRAFT,
               label=_("Send back to the safety officer"), style="outline-danger", note_required=True,
               form="reports.forms.ReasonForm", service=_S + "report_send_back", permission=_P + "can_approve_report",
               done=_("The report was sent back.")),
    Transition("accept", source=[ReportStatus.SUBMITTED], target=ReportStatus.ACCEPTED, label=_("Accept"),
               style="success", icon="check-lg", confirm=True, service=_S + "report_accept",
               permission=_P + "can_review_report", done=_("The report was accepted. The school has been notified.")),
    Transition("return", source=[ReportStatus.SUBMITTED], target=ReportStatus.RETURNED,
               label=_("Return for revision"), style="outline-danger", note_required=True,
               form="reports.forms.ReasonForm", service=_S + "report_return", permission=_P + "can_review_report",
               done=_("The report was returned. The school has been notified.")),
    subject="report",
)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


class MonthlyReport(OrganisationOwned):
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("school"), on_delete=models.PROTECT,
        related_name="monthly_reports", related_query_name="monthly_report",
    )
    campaign = models.ForeignKey("campaigns.Campaign", verbose_name=_("campaign"), on_delete=models.PROTECT,
                                 related_name="monthly_reports")
    month = models.DateField(_("month"), help_text=_("The first day of the month reported on."))
    due_date = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    progress = models.TextField(_("progress this month"), blank=True,
                                help_text=_("Main work, progress and serious problems found this month."))
    manual_figures = models.JSONField(_("figures entered by the school"), default=dict, blank=True)
    # The statistics table as submitted (None until then): {key: number}; never recomputed afterwards.
    figures = models.JSONField(_("statistics as submitted"), null=True, blank=True, editable=False)
    figures_at = models.DateTimeField(_("figures computed at"), null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(
        _("first submitted at"), null=True, blank=True,
        help_text=_("On time or late is judged by the first submission; a resubmission after return keeps it."))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("bureau's note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta(OrganisationOwned.Meta):
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-month", "organisation__path"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "campaign", "month"], name="report_once_per_school_month"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="report_month_is_first_day"),
            models.CheckConstraint(
                condition=~models.Q(status__in=["submitted", "accepted"]) | models.Q(figures__isnull=False),
                name="report_submitted_has_figures"),
        ]
        indexes = [models.Index(fields=["campaign", "month", "status"])]

    def __str__(self):
        return _("%(school)s, %(month)s") % {"school": self.organisation.name, "month": f"{self.month:%Y-%m}"}

    def get_absolute_url(self):
        return reverse("reports:report_detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class ItemKind(models.TextChoices):
    WORK_INFO = "work_info", _("Work information")
    TYPICAL_CASE = "typical_case", _("Typical case")


class ReportItem(OrganisationOwned):
    """A piece of work information or a typical case of a monthly report."""

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("school"), on_delete=models.PROTECT,
        related_name="report_items", related_query_name="report_item",
    )
    report = models.ForeignKey(MonthlyReport, verbose_name=_("monthly report"), on_delete=models.PROTECT,
                               related_name="items")
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    for_circular = models.BooleanField(_("selected for the circular"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("written by"), null=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta(OrganisationOwned.Meta):
        verbose_name = _("report item")
        verbose_name_plural = _("report items")
        ordering = ["report", "kind", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(for_circular=False) | models.Q(kind="typical_case"),
                                   name="report_item_only_cases_in_circular"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"{self.report.get_absolute_url()}#item-{self.pk}"


class BullyingScreening(OrganisationOwned):
    """A school's weekly screening for bullying (校园欺凌隐患排查: 一周一排查、一月一上报); the month's
    screenings make the bullying part of its monthly report."""

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("school"), on_delete=models.PROTECT,
        related_name="bullying_screenings", related_query_name="bullying_screening",
    )
    week = models.DateField(_("week of"), help_text=_("The Monday of the week screened."))
    screened_on = models.DateField(_("screened on"))
    classes_covered = models.PositiveIntegerField(_("classes covered"))
    risks_found = models.PositiveIntegerField(_("risks found"), default=0)
    findings = models.TextField(_("what was found"), blank=True)
    measures = models.TextField(_("measures taken"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta(OrganisationOwned.Meta):
        verbose_name = _("bullying screening")
        verbose_name_plural = _("bullying screenings")
        ordering = ["-week", "organisation__path"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "week"], name="bullying_screening_once_a_week"),
            models.CheckConstraint(condition=models.Q(screened_on__gte=models.F("week")),
                                   name="bullying_screening_not_before_its_week"),
        ]

    def __str__(self):
        return _("Bullying screening, week of %(week)s") % {"week": f"{self.week:%Y-%m-%d}"}

    def get_absolute_url(self):
        return reverse("reports:screening_detail", args=[self.pk])


class SummaryKind(models.TextChoices):
    PHASE = "phase", _("Phase summary")
    FIRE = "fire", _("Monthly fire-safety summary")


class Summary(OrganisationOwned):
    """A school's written summary answering one of the campaign's deadlines: a phase summary (集中整治
    工作总结, on a date) or the monthly fire-safety summary (消防安全工作小结, by a day each month).
    On time or late is judged by the first submission, as for plans and monthly reports."""

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("school"), on_delete=models.PROTECT,
        related_name="summaries", related_query_name="summary",
    )
    deadline = models.ForeignKey("campaigns.Deadline", verbose_name=_("deadline"), on_delete=models.PROTECT,
                                 related_name="summaries")
    kind = models.CharField(_("kind"), max_length=10, choices=SummaryKind.choices)
    period = models.DateField(_("period"), help_text=_("The month of a monthly summary (its first day), or the "
                                                       "deadline's date."))
    due_date = models.DateField(_("due"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    first_submitted_at = models.DateTimeField(_("first submitted at"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True,
                                     on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta(OrganisationOwned.Meta):
        verbose_name = _("written summary")
        verbose_name_plural = _("written summaries")
        ordering = ["-due_date", "organisation__path"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "deadline", "period"], name="summary_once_per_deadline"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reports:summary_detail", args=[self.pk])

    def can_attach(self, user) -> bool:
        from .permissions import can_open_report

        return can_open_report(user, self)


# --------------------------------------------------------------------------------------------
# Circulars (通报): the bureau's monthly circular, drafted from the records by a task
# --------------------------------------------------------------------------------------------
#
#     draft ──approve (bureau leader)──▶ approved ──publish──▶ published (every school below is told)
#
# Drafting again replaces a draft; an approved or published circular is never replaced.


class CircularStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")


_C = "reports.circular."
CIRCULAR_FLOW = Workflow(
    Transition("approve", source=[CircularStatus.DRAFT], target=CircularStatus.APPROVED,
               label=_("Approve the circular"), style="success", icon="check-lg", confirm=True,
               service=_C + "circular_approve", permission=_P + "can_approve_circular",
               done=_("The circular was approved. It can now be published.")),
    Transition("publish", source=[CircularStatus.APPROVED], target=CircularStatus.PUBLISHED,
               label=_("Publish to the schools"), style="primary", icon="megaphone", confirm=True,
               service=_C + "circular_publish", permission=_P + "can_publish_circular",
               done=_("The circular was published. Every school below has been notified.")),
    subject="circular",
)


class CircularQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """The bureau (and everyone above it) sees its circulars in every state; the schools and
        bureaus below see only the published circulars of the bureaus above them."""
        paths = user_scope_paths(user)
        if paths is None:
            return self
        step = PATH_STEP + 1
        ancestors = {p[: i + step] for p in paths for i in range(0, len(p), step)}
        published_above = models.Q(status=CircularStatus.PUBLISHED, organisation__path__in=ancestors)
        return self.filter(published_above | scope_q(user, "organisation__path"))


def circular_path(instance, filename):
    return f"circulars/{instance.organisation_id}/{instance.month:%Y-%m}-{instance.campaign_id}.docx"


class Circular(OrganisationOwned):
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("bureau"), on_delete=models.PROTECT,
        related_name="circulars", related_query_name="circular",
    )
    campaign = models.ForeignKey("campaigns.Campaign", verbose_name=_("campaign"), on_delete=models.PROTECT,
                                 related_name="circulars")
    month = models.DateField(_("month"), help_text=_("The first day of the month the circular is about."))
    number = models.CharField(_("document number"), max_length=80)
    title = models.CharField(_("title"), max_length=300)
    date = models.DateField(_("date"))
    # {"opening": str, "sections": [{"heading": str, "paragraphs": [str]}], "attachment": {"title": str,
    #  "headers": [str], "rows": [[str]]}}: what the page and the .docx both show.
    content = models.JSONField(_("content"), default=dict)
    document = models.FileField(_("Word document"), upload_to=circular_path, max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=CircularStatus.choices,
                              default=CircularStatus.DRAFT)
    drafted_at = models.DateTimeField(_("drafted at"))
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("drafted by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = CircularQuerySet.as_manager()

    class Meta(OrganisationOwned.Meta):
        verbose_name = _("circular")
        verbose_name_plural = _("circulars")
        ordering = ["-month", "organisation__path", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "campaign", "month"],
                                    name="circular_once_per_bureau_month"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="circular_month_is_first_day"),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(approved_by__isnull=False, approved_at__isnull=False),
                name="circular_approved_has_approver"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reports:circular_detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == CircularStatus.DRAFT


# -- Dashboards: per-school daily rollups (reports/rollups.py keeps them) --------------------------


class SchoolDailyRollup(models.Model):
    """One school's dashboard figures on one day, or a bureau's (the sum over every school below
    it), recomputed for every organisation at once by a periodic task (grouped queries, never per
    school) so that a bureau's dashboard reads its own row instead of counting a million hazards
    per page view. Derived data, rewritten every few minutes: no history (the records it counts
    keep theirs)."""

    organisation = models.ForeignKey("accounts.Organisation", verbose_name=_("school or bureau"),
                                     on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    computed_at = models.DateTimeField(_("computed at"))
    is_school = models.BooleanField(default=True)
    schools = models.PositiveIntegerField(default=1)  # schools summed in this row
    # Hazards (hazards.selectors.dashboard_counts)
    hazards_total = models.PositiveIntegerField(default=0)
    status_registered = models.PositiveIntegerField(default=0)
    status_rectifying = models.PositiveIntegerField(default=0)
    status_submitted = models.PositiveIntegerField(default=0)
    status_awaiting_signoff = models.PositiveIntegerField(default=0)
    status_awaiting_delisting = models.PositiveIntegerField(default=0)
    status_closed = models.PositiveIntegerField(default=0)
    open_general = models.PositiveIntegerField(default=0)
    open_major = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    listed_open = models.PositiveIntegerField(default=0)
    found_today = models.PositiveIntegerField(default=0)
    found_month = models.PositiveIntegerField(default=0)
    closed_month = models.PositiveIntegerField(default=0)
    by_focus_area = models.JSONField(default=dict, blank=True)  # {focus area id: hazards}
    by_month = models.JSONField(default=dict, blank=True)  # {"YYYY-MM": hazards found}, the last 12 months
    # School buses (schoolbus.selectors.violation_counts_by_school), this month
    bus_violations_month = models.PositiveIntegerField(default=0)
    violations_by_kind = models.JSONField(default=dict, blank=True)  # {kind: violations this month}
    # Chemicals (chemicals.selectors.controlled_stock_by_school)
    controlled_in_stock = models.PositiveIntegerField(default=0)
    # A bureau's row: its schools with the most overdue hazards and the lowest rectification rate
    # ({"overdue": [[id, name, overdue]...], "rate": [[id, name, closed, registered]...]}).
    rankings = models.JSONField(default=dict, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("daily school figures")
        verbose_name_plural = _("daily school figures")
        constraints = [models.UniqueConstraint(fields=["organisation", "date"], name="rollup_once_per_school_day")]
        indexes = [models.Index(fields=["date", "is_school", "organisation"], name="rollup_date_school")]

    def __str__(self):
        return f"{self.organisation_id} {self.date}"


class WorkbookJobStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a worker")
    RUNNING = "running", _("Building the workbook")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class WorkbookJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A workbook job is its owner's alone (another user, even a colleague, gets 404)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(owner=user)


class WorkbookJob(models.Model):
    """The month's statistics workbook of a bureau, built by a Celery task
    (`reports.tasks.build_workbook_job`) while its page shows the progress; downloaded by its owner."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT,
                              related_name="+")
    bureau = models.ForeignKey("accounts.Organisation", verbose_name=_("bureau"), on_delete=models.PROTECT,
                               related_name="+")
    campaign = models.ForeignKey("campaigns.Campaign", verbose_name=_("campaign"), on_delete=models.PROTECT,
                                 related_name="+")
    month = models.DateField(_("month"))
    status = models.CharField(_("status"), max_length=20, choices=WorkbookJobStatus.choices,
                              default=WorkbookJobStatus.PENDING)
    rows_total = models.PositiveIntegerField(_("schools"), default=0)
    rows_done = models.PositiveIntegerField(default=0)
    file_path = models.CharField(max_length=300, blank=True)  # under MEDIA_ROOT once built
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = WorkbookJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("statistics workbook")
        verbose_name_plural = _("statistics workbooks")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"])]

    def __str__(self):
        return f"{self.bureau} {self.month:%Y-%m}"

    def get_absolute_url(self):
        return reverse("reports:workbook_job", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (WorkbookJobStatus.DONE, WorkbookJobStatus.FAILED)

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_done / self.rows_total))
