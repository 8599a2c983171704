"""Campaigns (攻坚行动/专项行动/集中整治): phases, deadlines, focus areas with numbered check items,
the schools' implementation plans, trainings and drills."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaign_site.accounts.models import PATH_STEP, Organisation
from campaign_site.generic.i18n import localized
from campaign_site.generic.links import reverse  # django.urls.reverse from a template: list rows link cheaply
from campaign_site.generic.scoping import ScopedQuerySet, scope_q, user_scope_paths
from campaign_site.generic.workflow import Transition, Workflow


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("In progress")
    CLOSED = "closed", _("Closed")


# Starting and closing a campaign: buttons on its page for the issuing bureau (TransitionView).
CAMPAIGN_FLOW = Workflow(
    Transition("activate", source=[CampaignStatus.DRAFT], target=CampaignStatus.ACTIVE,
               label=_("Start the campaign"), style="success", icon="play", confirm=True,
               service="campaign_site.campaigns.services.campaign_activate",
               permission="campaign_site.campaigns.permissions.can_manage_campaign",
               done=lambda c: _("The campaign is now “%(status)s”.") % {"status": c.get_status_display()},
               extra={"confirm_text": _("Start the campaign? It will apply to every school below your bureau.")}),
    Transition("close", source=[CampaignStatus.ACTIVE], target=CampaignStatus.CLOSED,
               label=_("Close the campaign"), style="outline-danger", icon="stop", confirm=True,
               service="campaign_site.campaigns.services.campaign_close",
               permission="campaign_site.campaigns.permissions.can_manage_campaign",
               done=lambda c: _("The campaign is now “%(status)s”.") % {"status": c.get_status_display()},
               extra={"confirm_text": _("Close the campaign? It can no longer be changed afterwards.")}),
    subject="campaign",
)


class CampaignQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Campaigns issued by an organisation above the user (they apply to the user's school) or
        within the user's subtree; templates are visible to everyone logged in."""
        paths = user_scope_paths(user)
        if paths is None:
            return self
        step = PATH_STEP + 1
        ancestors = {p[: i + step] for p in paths for i in range(0, len(p), step)}
        issued_above = models.Q(organisation__path__in=ancestors) & ~models.Q(status=CampaignStatus.DRAFT)
        return self.filter(models.Q(is_template=True) | issued_above | scope_q(user, "organisation__path"))

    def templates(self):
        return self.filter(is_template=True)

    def live(self):
        return self.filter(is_template=False)

    def applying_to(self, organisation: Organisation):
        """Active campaigns issued by `organisation` or a bureau above it."""
        step = PATH_STEP + 1
        paths = [organisation.path[: i + step] for i in range(0, len(organisation.path), step)]
        return self.filter(is_template=False, status=CampaignStatus.ACTIVE, organisation__path__in=paths)


class Campaign(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("issuing bureau"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="campaigns",
    )
    is_template = models.BooleanField(_("template"), default=False)
    slug = models.SlugField(max_length=60, blank=True, help_text="Key of a shipped template.")
    source = models.ForeignKey(
        "self", verbose_name=_("copied from"), null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    issuer_name = models.CharField(_("issued by"), max_length=120, blank=True)
    issuer_name_en = models.CharField(max_length=200, blank=True)
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    parent_document = models.CharField(_("superior document"), max_length=120, blank=True)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    plan_text = models.TextField(
        _("bureau plan text"), blank=True,
        help_text=_("The bureau's own plan; schools' plans are compared with it to flag copying."),
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    status = models.CharField(_("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-start", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="campaign_end_after_start"),
            models.CheckConstraint(
                condition=models.Q(is_template=True) | models.Q(organisation__isnull=False),
                name="campaign_has_issuer_unless_template",
            ),
            models.UniqueConstraint(
                fields=["slug"], condition=models.Q(is_template=True), name="campaign_template_slug_unique"
            ),
        ]

    def __str__(self):
        return self.label

    def get_absolute_url(self):
        return reverse("campaigns:detail", args=[self.pk])

    @property
    def label(self) -> str:
        return localized(self, "title")

    def plan_deadline(self):
        return self.deadlines.filter(kind=DeadlineKind.PLAN, date__isnull=False).order_by("date").first()

    def can_attach(self, user) -> bool:
        from .permissions import can_manage_campaign

        return can_manage_campaign(user, self)

    @property
    def is_editable(self) -> bool:
        return not self.is_template and self.status != CampaignStatus.CLOSED


class CampaignPartQuerySet(models.QuerySet):
    """Phases, deadlines, focus areas: visible with their campaign."""

    campaign_field = "campaign"

    def visible_to(self, user):
        return self.filter(**{f"{self.campaign_field}__in": Campaign.objects.visible_to(user).values("pk")})


class CheckItemQuerySet(CampaignPartQuerySet):
    campaign_field = "focus_area__campaign"


class PhaseKind(models.TextChoices):
    MOBILISATION = "mobilisation", _("Mobilisation")
    RECTIFICATION = "rectification", _("Inspection and rectification")
    LOOKBACK = "lookback", _("Look-back and summary")


class Phase(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="phases")
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=20, choices=PhaseKind.choices)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(max_length=200, blank=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    duties = models.JSONField(_("duties"), default=list, blank=True, help_text='[{"zh": "...", "en": "..."}]')
    history = HistoricalRecords()

    objects = CampaignPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["campaign", "order"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return localized(self, "name")


class DeadlineKind(models.TextChoices):
    PLAN = "plan", _("Implementation plan")
    MONTHLY_REPORT = "monthly_report", _("Monthly report")
    SUMMARY = "summary", _("Written summary")
    FIRE_SUMMARY = "fire_summary", _("Fire-safety work summary")
    OTHER = "other", _("Other")


class Deadline(models.Model):
    """A dated deadline (`date`) or a monthly one (`day_of_month`)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(_("kind"), max_length=20, choices=DeadlineKind.choices)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(max_length=200, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    day_of_month = models.PositiveSmallIntegerField(_("day of each month"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    note_en = models.TextField(blank=True)
    history = HistoricalRecords()

    objects = CampaignPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["campaign", "date", "day_of_month"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(day_of_month__isnull=True) | models.Q(day_of_month__gte=1, day_of_month__lte=31),
                name="deadline_day_of_month_range",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return localized(self, "name")


class Requirement(models.Model):
    """A duty of the campaign document that the software checks (code names the check)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="requirements")
    code = models.CharField(max_length=40)
    text = models.TextField(_("text"))
    text_en = models.TextField(blank=True)
    history = HistoricalRecords()

    objects = CampaignPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        ordering = ["campaign", "pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="requirement_code_unique")]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return localized(self, "text")


class FocusArea(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="focus_areas")
    code = models.CharField(max_length=30)
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    objects = CampaignPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")
        ordering = ["campaign", "order"]
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="focus_area_code_unique")]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return localized(self, "name")


class CheckItem(models.Model):
    focus_area = models.ForeignKey(FocusArea, on_delete=models.CASCADE, related_name="items")
    number = models.CharField(_("number"), max_length=10)
    order = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(_("check item"))
    text_en = models.TextField(blank=True)
    history = HistoricalRecords()

    objects = CheckItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("check item")
        verbose_name_plural = _("check items")
        ordering = ["focus_area", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["focus_area", "number"], name="check_item_number_unique")]

    def __str__(self):
        return f"{self.focus_area.order}.{self.number} {self.label[:40]}"

    @property
    def label(self) -> str:
        return localized(self, "text")


class PlanStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


# The bureau reviews a school's implementation plan on the plan's page (TransitionView); the
# school's resubmission is part of plan_submit, not a button.
PLAN_FLOW = Workflow(
    Transition("accept", source=[PlanStatus.SUBMITTED], target=PlanStatus.ACCEPTED,
               label=_("Accept"), style="success", icon="check-lg", confirm=True,
               service="campaign_site.campaigns.services.plan_accept",
               permission="campaign_site.campaigns.permissions.can_review_plan",
               done=_("The plan was accepted. The school has been notified.")),
    Transition("return", source=[PlanStatus.SUBMITTED], target=PlanStatus.RETURNED,
               label=_("Return for revision"), style="outline-danger", note_required=True,
               form="campaign_site.campaigns.forms.PlanReturnForm",
               service="campaign_site.campaigns.services.plan_return",
               permission="campaign_site.campaigns.permissions.can_review_plan",
               done=_("The plan was returned. The school has been notified.")),
    Transition("resubmit", source=[PlanStatus.RETURNED], target=PlanStatus.SUBMITTED,
               label=_("Resubmit")),
    subject="plan",
)


class ImplementationPlan(models.Model):
    """A school's own implementation plan (实施方案) for a campaign, with its leading group."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="plans")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("school"), on_delete=models.PROTECT, related_name="plans"
    )
    status = models.CharField(_("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.SUBMITTED)
    leader = models.CharField(_("leading group leader"), max_length=60)
    deputy = models.CharField(_("deputy leader"), max_length=120, blank=True)
    office = models.CharField(_("office (where and who)"), max_length=200, blank=True)
    members = models.TextField(_("other members"), blank=True)
    known_major_hazards = models.TextField(_("major hazards already known"), blank=True)
    text = models.TextField(_("plan text"), blank=True, help_text=_("Extracted from the uploaded document."))
    text_extracted = models.BooleanField(_("text read from the document"), default=False)
    similarity = models.FloatField(_("overlap with the bureau's plan"), default=0)
    overlap = models.JSONField(default=list, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(
        _("first submitted at"), null=True, blank=True,
        help_text=_("On time or late is judged by the first submission; a resubmission after return keeps it."),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    return_reason = models.TextField(_("reason for return"), blank=True)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("implementation plan")
        verbose_name_plural = _("implementation plans")
        ordering = ["-submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "organisation"], name="plan_one_per_school"),
        ]

    def __str__(self):
        return f"{self.organisation} · {self.campaign}"

    def get_absolute_url(self):
        return reverse("campaigns:plan_detail", args=[self.pk])

    @property
    def is_flagged(self) -> bool:
        from .similarity import COPY_THRESHOLD

        return self.similarity >= COPY_THRESHOLD

    def can_attach(self, user) -> bool:
        # The plan document arrives only through plan_submit (its text is read and compared).
        return False



class ActivityKind(models.TextChoices):
    TRAINING = "training", _("Training")
    DRILL = "drill", _("Emergency drill")


class Activity(models.Model):
    """A training or emergency drill held by a school, counted in the statistics."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="activities"
    )
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), null=True, blank=True, on_delete=models.PROTECT, related_name="activities"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ActivityKind.choices)
    date = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=200)
    participants = models.PositiveIntegerField(_("participants"))
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("training or drill")
        verbose_name_plural = _("trainings and drills")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.topic}"

    def get_absolute_url(self):
        return reverse("campaigns:activity_detail", args=[self.pk])

    def can_attach(self, user) -> bool:
        from .permissions import can_edit_activity

        return can_edit_activity(user, self)
