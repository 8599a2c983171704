"""Inspections (checklists), the hazard register with its closed-loop workflow, listed
supervision, the accountability register and public tips."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from campaign_site.accounts.models import Department, Organisation, Person
from campaign_site.accounts.permissions import BUREAU_ROLES
from campaign_site.generic.links import reverse  # django.urls.reverse from a template: list rows link cheaply
from campaign_site.generic.scoping import ScopedQuerySet, user_scope_paths
from campaign_site.generic.workflow import Transition, Workflow

# --------------------------------------------------------------------------------------------
# Inspections
# --------------------------------------------------------------------------------------------


class InspectionKind(models.TextChoices):
    SELF = "self", _("Self-inspection")
    LEADER = "leader", _("Leader-led inspection")
    BUREAU = "bureau", _("Bureau supervision")
    UNANNOUNCED = "unannounced", _("Unannounced inspection")
    LOOKBACK = "lookback", _("Look-back")


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class InspectionQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """An unannounced inspection stays invisible to the school until it starts; the bureau
        that planned it (and anyone above) sees it all along."""
        qs = super().visible_to(user)
        paths = user_scope_paths(user)
        if paths is None:
            return qs
        bureau_paths = [
            m.organisation.path
            for m in user.memberships.filter(is_active=True, role__in=BUREAU_ROLES).select_related("organisation")
        ]
        hidden = models.Q(kind=InspectionKind.UNANNOUNCED, status=InspectionStatus.PLANNED)
        if bureau_paths:
            from functools import reduce
            from operator import or_

            hidden &= ~reduce(or_, (models.Q(organisation__path__startswith=p) for p in bureau_paths))
        return qs.exclude(hidden)


# An inspection on the phone: every form on its checklist page is a step here (TransitionView).
# "record" and "add_item" keep the status (recording on a planned inspection starts it).
INSPECTION_FLOW = Workflow(
    Transition("start", source=[InspectionStatus.PLANNED], target=InspectionStatus.IN_PROGRESS,
               label=_("Start the inspection"), icon="play",
               service="hazards.services.inspection_start", permission="hazards.permissions.can_run_inspection",
               done=_("The inspection has started.")),
    Transition("record", source=[InspectionStatus.PLANNED, InspectionStatus.IN_PROGRESS],
               label=_("Record a check item"), icon="check2-square",
               form="hazards.forms.ItemResultForm", service="hazards.services.inspection_record",
               permission="hazards.permissions.can_run_inspection",
               done=lambda r: _("Recorded, and hazard %(number)s registered.") % {"number": r[1].number}
               if r[1] is not None else _("Recorded."),
               anchor=lambda r: f"#item-{r[0].pk}"),
    Transition("add_item", source=[InspectionStatus.PLANNED, InspectionStatus.IN_PROGRESS],
               label=_("Add a check item"), icon="plus",
               form="hazards.forms.AddItemForm", service="hazards.services.inspection_item_add",
               permission="hazards.permissions.can_run_inspection", done=_("Check item added."),
               anchor=lambda item: f"#item-{item.pk}"),
    Transition("complete", source=[InspectionStatus.IN_PROGRESS], target=InspectionStatus.COMPLETED,
               label=_("Complete the inspection"), style="success", icon="check2-all", confirm=True,
               form="hazards.forms.CompleteForm", service="hazards.services.inspection_complete",
               permission="hazards.permissions.can_run_inspection", done=_("The inspection is completed.")),
    subject="inspection",
    events={"create": _("Created")},
)


class InspectionSchedule(models.Model):
    """A recurring inspection (e.g. the weekly bullying screening, 一周一排查)."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Every week")
        HALF_MONTH = "half_month", _("Every half month")
        MONTHLY = "monthly", _("Every month")

    organisation = models.ForeignKey(Organisation, verbose_name=_("school"), on_delete=models.PROTECT,
                                     related_name="inspection_schedules")
    title = models.CharField(_("title"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=InspectionKind.choices, default=InspectionKind.SELF)
    campaign = models.ForeignKey("campaigns.Campaign", verbose_name=_("campaign"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    focus_areas = models.ManyToManyField("campaigns.FocusArea", verbose_name=_("focus areas"), blank=True,
                                         related_name="+")
    frequency = models.CharField(_("frequency"), max_length=12, choices=Frequency.choices)
    next_due = models.DateField(_("next due"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned to"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("recurring inspection")
        verbose_name_plural = _("recurring inspections")
        ordering = ["next_due", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("hazards:schedule_detail", args=[self.pk])


class Inspection(models.Model):
    organisation = models.ForeignKey(Organisation, verbose_name=_("school"), on_delete=models.PROTECT,
                                     related_name="inspections")
    kind = models.CharField(_("kind"), max_length=20, choices=InspectionKind.choices)
    status = models.CharField(_("status"), max_length=12, choices=InspectionStatus.choices,
                              default=InspectionStatus.IN_PROGRESS)
    title = models.CharField(_("title"), max_length=200)
    campaign = models.ForeignKey("campaigns.Campaign", verbose_name=_("campaign"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="inspections")
    planned_for = models.DateField(_("date"), default=timezone.localdate)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("led by"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="led_inspections",
                               help_text=_("The principal or other leader who led it (leader-led inspections)."))
    leader_role = models.CharField(_("leader's role"), max_length=20, blank=True)
    bureau = models.ForeignKey(Organisation, verbose_name=_("planned by bureau"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    schedule = models.ForeignKey(InspectionSchedule, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="inspections")
    participants = models.CharField(_("people taking part"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-planned_for", "-pk"]
        indexes = [models.Index(fields=["organisation", "kind", "planned_for"])]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "planned_for"], condition=models.Q(schedule__isnull=False),
                                    name="inspection_once_per_schedule_date"),
        ]

    def __str__(self):
        return f"{self.planned_for:%Y-%m-%d} {self.title}"

    def get_absolute_url(self):
        return reverse("hazards:inspection_detail", args=[self.pk])

    @property
    def is_bureau_kind(self) -> bool:
        return self.kind in (InspectionKind.BUREAU, InspectionKind.UNANNOUNCED)

    def can_attach(self, user) -> bool:
        from .permissions import can_attach_to_inspection

        return can_attach_to_inspection(user, self)


class ItemResult(models.TextChoices):
    PENDING = "pending", _("Not checked")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    NA = "na", _("Not applicable")


class InspectionItem(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="items")
    check_item = models.ForeignKey("campaigns.CheckItem", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    focus_area = models.ForeignKey("campaigns.FocusArea", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    order = models.PositiveIntegerField(default=0)
    text = models.TextField(_("check item"))
    result = models.CharField(_("result"), max_length=10, choices=ItemResult.choices, default=ItemResult.PENDING)
    note = models.TextField(_("note"), blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    history = HistoricalRecords()

    scope_field = "inspection__organisation"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection item")
        verbose_name_plural = _("inspection items")
        ordering = ["inspection", "order", "pk"]

    def __str__(self):
        return self.text[:60]

    @property
    def organisation(self):
        return self.inspection.organisation

    @property
    def organisation_id(self):
        return self.inspection.organisation_id


# --------------------------------------------------------------------------------------------
# The hazard register
# --------------------------------------------------------------------------------------------


class HazardLevel(models.TextChoices):
    GENERAL = "general", _("General")
    MAJOR = "major", _("Major")


class HazardSource(models.TextChoices):
    SELF = "self", _("Self-inspection")
    LEADER = "leader", _("Leader-led inspection")
    BUREAU = "bureau", _("Bureau supervision")
    UNANNOUNCED = "unannounced", _("Unannounced inspection")
    TIP = "tip", _("Public tip")
    LOOKBACK = "lookback", _("Look-back")
    MODULE = "module", _("Generated by another module")
    LEDGER = "ledger", _("Imported ledger")


class HazardStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    RECTIFYING = "rectifying", _("Rectifying")
    SUBMITTED = "submitted", _("Rectification submitted")
    AWAITING_SIGNOFF = "awaiting_signoff", _("Awaiting sign-off")
    AWAITING_DELISTING = "awaiting_delisting", _("Awaiting bureau delisting")
    CLOSED = "closed", pgettext_lazy("hazard status", "Closed")


OPEN_STATUSES = (
    HazardStatus.REGISTERED, HazardStatus.RECTIFYING, HazardStatus.SUBMITTED,
    HazardStatus.AWAITING_SIGNOFF, HazardStatus.AWAITING_DELISTING,
)
# While the school still works on it, a major hazard's level may be reconsidered: lowering it is
# the bureau's decision (the school proposes, with the reason); a listed one keeps it until delisted.
LEVEL_DECISION_STATUSES = (
    HazardStatus.REGISTERED, HazardStatus.RECTIFYING, HazardStatus.SUBMITTED, HazardStatus.AWAITING_SIGNOFF,
)


def _level_reconsiderable(hazard) -> bool:
    return hazard.level == HazardLevel.MAJOR and not hazard.is_listed

# The closed loop (闭环管理). A transition with a service is a button on the hazard's page
# (TransitionView); the others are the outcomes those services apply. Who may press each button:
# hazards/permissions.py, asked again by the service.
HAZARD_FLOW = Workflow(
    Transition("start", source=[HazardStatus.REGISTERED], target=HazardStatus.RECTIFYING,
               label=_("Start rectification"), style="outline-primary", icon="play",
               form="hazards.forms.NoteForm", service="hazards.services.hazard_start_rectification",
               permission="hazards.permissions.can_rectify", done=_("Rectification started.")),
    # From "registered" the service starts and submits in one step (fixed at once).
    Transition("submit", source=[HazardStatus.REGISTERED, HazardStatus.RECTIFYING], target=HazardStatus.SUBMITTED,
               label=_("Submit rectification"), icon="camera",
               form="hazards.forms.RectifyForm", service="hazards.services.hazard_submit_rectification",
               permission="hazards.permissions.can_rectify",
               done=_("Rectification submitted for re-inspection.")),
    Transition("reinspect", source=[HazardStatus.SUBMITTED], label=_("Re-inspect"), icon="search",
               form="hazards.forms.ReinspectForm", service="hazards.services.hazard_reinspect",
               permission="hazards.permissions.can_reinspect",
               done=lambda h: _("Re-inspection passed.") if h.status == HazardStatus.AWAITING_SIGNOFF
               else _("Re-inspection failed: sent back for rectification.")),
    Transition("reinspect_pass", source=[HazardStatus.SUBMITTED], target=HazardStatus.AWAITING_SIGNOFF,
               label=_("Re-inspection passed"), style="success"),
    Transition("reinspect_fail", source=[HazardStatus.SUBMITTED], target=HazardStatus.RECTIFYING,
               label=_("Re-inspection failed"), style="danger", note_required=True),
    # The principal's button closes a general hazard and sends a major or listed one to the bureau.
    Transition("sign_off", source=[HazardStatus.AWAITING_SIGNOFF], target=HazardStatus.CLOSED,
               label=_("Sign off and close"), style="success", icon="pen", confirm=True,
               button=lambda h: HAZARD_FLOW["sign_off_listed" if h.needs_bureau_delisting else "sign_off"].label,
               form="hazards.forms.NoteForm", service="hazards.services.hazard_sign_off",
               permission="hazards.permissions.can_sign_off",
               done=lambda h: _("Signed off: the hazard is closed.") if h.status == HazardStatus.CLOSED
               else _("Signed off: the bureau will re-inspect and delist it.")),
    Transition("sign_off_listed", source=[HazardStatus.AWAITING_SIGNOFF], target=HazardStatus.AWAITING_DELISTING,
               label=_("Sign off and request delisting"), style="success"),
    Transition("delist", source=[HazardStatus.AWAITING_DELISTING], target=HazardStatus.CLOSED,
               label=_("Bureau re-inspection passed: delist"), style="success", icon="patch-check", confirm=True,
               button=_("Bureau re-inspection and delisting"),
               form="hazards.forms.DelistForm", service="hazards.services.hazard_delist",
               permission="hazards.permissions.can_supervise",
               done=lambda h: _("Delisted: the hazard is closed.") if h.status == HazardStatus.CLOSED
               else _("Sent back for rectification.")),
    Transition("delist_refuse", source=[HazardStatus.AWAITING_DELISTING], target=HazardStatus.RECTIFYING,
               label=_("Bureau re-inspection failed"), style="danger", note_required=True),
    Transition("list", source=OPEN_STATUSES, label=_("List for supervision"), style="danger", icon="flag",
               condition=lambda h: h.level == HazardLevel.MAJOR and not h.is_listed,
               form="hazards.forms.ListingForm", service="hazards.services.hazard_list_for_supervision",
               permission="hazards.permissions.can_supervise", done=_("The hazard is listed for supervision.")),
    Transition("bureau_deadline", source=OPEN_STATUSES, label=_("Set the bureau deadline"),
               style="outline-secondary", icon="calendar",
               form="hazards.forms.BureauDeadlineForm", service="hazards.services.hazard_set_bureau_deadline",
               permission="hazards.permissions.can_supervise", done=_("The bureau deadline was set.")),
    Transition("propose_general", source=LEVEL_DECISION_STATUSES, label=_("Propose lowering to general"),
               style="outline-secondary", icon="arrow-down-circle",
               condition=lambda h: _level_reconsiderable(h) and h.level_proposed_at is None,
               form="hazards.forms.LevelProposalForm", service="hazards.services.hazard_propose_general_level",
               permission="hazards.permissions.can_propose_lower_level",
               done=_("The proposal was sent to the bureau, which decides on the level.")),
    Transition("decide_level", source=LEVEL_DECISION_STATUSES, label=_("Decide on the level"),
               style="outline-danger", icon="sliders", condition=_level_reconsiderable,
               button=lambda h: _("Decide on the proposal to lower the level") if h.level_proposed_at
               else _("Lower to general"),
               form="hazards.forms.LevelDecisionForm", service="hazards.services.hazard_decide_level",
               permission="hazards.permissions.can_supervise",
               done=lambda h: _("The level was lowered to general.") if h.level == HazardLevel.GENERAL
               else _("The hazard stays major.")),
    subject="hazard",
    events={
        "register": _("Registered"),
        "propose_general": _("Proposed lowering to general"),
        "lower_level": _("Level lowered to general by the bureau"),
        "keep_major": _("The bureau kept the level major"),
        "list": _("Listed for supervision"),
        "bureau_deadline": _("Bureau deadline set"),
        "raise_level": _("Level raised to major"),
    },
)


class HazardQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def with_effective_deadline(self):
        """Annotate `due`: the bureau's deadline once it set one, else the school's."""
        from django.db.models.functions import Coalesce

        return self.annotate(due=Coalesce("bureau_deadline", "deadline"))

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.open().with_effective_deadline().filter(due__lt=today)


class Hazard(models.Model):
    organisation = models.ForeignKey(Organisation, verbose_name=_("school"), on_delete=models.PROTECT,
                                     related_name="hazards")
    number = models.CharField(_("hazard number"), max_length=48, unique=True, editable=False)
    year = models.PositiveSmallIntegerField(editable=False)
    seq = models.PositiveIntegerField(editable=False)
    title = models.CharField(_("hazard"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    campaign = models.ForeignKey("campaigns.Campaign", verbose_name=_("campaign"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="hazards")
    focus_area = models.ForeignKey("campaigns.FocusArea", verbose_name=_("focus area"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="hazards")
    check_item = models.ForeignKey("campaigns.CheckItem", verbose_name=_("check item"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="hazards")
    level = models.CharField(_("level"), max_length=10, choices=HazardLevel.choices, default=HazardLevel.GENERAL)
    location = models.CharField(_("location"), max_length=200)
    found_on = models.DateField(_("found on"))
    found_by = models.ForeignKey(Person, verbose_name=_("found by"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("source"), max_length=20, choices=HazardSource.choices, default=HazardSource.SELF)
    measures = models.TextField(_("rectification measures"), blank=True)
    deadline = models.DateField(_("deadline"))
    responsible_department = models.ForeignKey(Department, verbose_name=_("responsible department"), null=True,
                                               blank=True, on_delete=models.PROTECT, related_name="hazards")
    responsible_person = models.ForeignKey(Person, verbose_name=_("responsible person"), null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="responsible_hazards")
    funds = models.DecimalField(_("funds (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    interim_measures = models.TextField(_("interim control measures"), blank=True)
    watcher = models.ForeignKey(Person, verbose_name=_("watcher"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="watched_hazards")
    rectification_note = models.TextField(_("rectification done"), blank=True)
    rectified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("rectification submitted by"),
                                     null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rectified_at = models.DateTimeField(_("rectification submitted at"), null=True, blank=True)
    reinspection_result = models.TextField(_("re-inspection result"), blank=True)
    reinspected_by = models.ForeignKey(Person, verbose_name=_("re-inspected by"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    reinspected_on = models.DateField(_("re-inspected on"), null=True, blank=True)
    signed_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("signed off by"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="+")
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=HazardStatus.choices,
                              default=HazardStatus.REGISTERED)
    # Recurring hazards (屡查屡有)
    is_recurring = models.BooleanField(_("recurring"), default=False)
    recurring_of = models.ForeignKey("self", verbose_name=_("earlier hazard"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="recurrences")
    cause_analysis = models.TextField(_("cause analysis"), blank=True)
    # Listed supervision (挂牌督办) by the bureau, with the five fixes.
    is_listed = models.BooleanField(_("listed for supervision"), default=False)
    listed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("listed by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    listed_at = models.DateTimeField(_("listed at"), null=True, blank=True)
    listing_bureau = models.ForeignKey(Organisation, verbose_name=_("supervising bureau"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="listed_hazards")
    listing_measure = models.TextField(_("measure"), blank=True)
    listing_owner = models.CharField(_("owner"), max_length=120, blank=True)
    listing_funds = models.CharField(_("funds"), max_length=120, blank=True)
    bureau_deadline = models.DateField(_("bureau deadline"), null=True, blank=True)
    # The school's pending proposal to lower a major hazard to general (the bureau decides).
    level_proposal = models.TextField(_("reason for lowering the level"), blank=True)
    level_proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("level change proposed by"),
                                          null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    level_proposed_at = models.DateTimeField(_("level change proposed at"), null=True, blank=True)
    contingency_plan = models.TextField(_("contingency plan"), blank=True)
    delisted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("delisted by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    delisted_at = models.DateTimeField(_("delisted at"), null=True, blank=True)
    # Where it came from
    inspection_item = models.ForeignKey(InspectionItem, verbose_name=_("inspection item"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="hazards")
    finding_key = models.CharField(max_length=120, null=True, blank=True, editable=False,
                                   help_text="Key of the finding of another module that opened it (idempotent).")
    evidence_url = models.CharField(_("evidence"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registered by"), null=True,
                                   blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = HazardQuerySet.as_manager()

    class Meta:
        verbose_name = _("hazard")
        verbose_name_plural = _("hazards")
        ordering = ["-found_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year", "seq"], name="hazard_number_per_school_year"),
            models.UniqueConstraint(fields=["finding_key"], condition=models.Q(finding_key__isnull=False),
                                    name="hazard_finding_once"),
            models.CheckConstraint(condition=models.Q(deadline__gte=models.F("found_on")),
                                   name="hazard_deadline_not_before_found"),
            models.CheckConstraint(condition=~models.Q(is_listed=True) | models.Q(level="major"),
                                   name="hazard_only_major_listed"),
            models.CheckConstraint(condition=models.Q(funds__isnull=True) | models.Q(funds__gte=0),
                                   name="hazard_funds_not_negative"),
        ]
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["-found_on", "-id"], name="hazard_default_order"),
            models.Index(fields=["level", "status"]),
            # The listed major hazards (a few hundred among a million): the dashboards' list of them.
            models.Index(fields=["status"], condition=models.Q(is_listed=True), name="hazard_listed_status"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("hazards:hazard_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today=None) -> bool:
        return self.is_open and self.effective_deadline < (today or timezone.localdate())

    def days_overdue(self, today=None) -> int:
        return max(0, ((today or timezone.localdate()) - self.effective_deadline).days) if self.is_open else 0

    @property
    def needs_bureau_delisting(self) -> bool:
        """A major or listed hazard is closed by the bureau, never by the school alone."""
        return self.is_listed or self.level == HazardLevel.MAJOR

    @property
    def is_under_supervision(self) -> bool:
        return self.is_listed and self.delisted_at is None

    def can_attach(self, user) -> bool:
        from .permissions import can_attach_to_hazard

        return can_attach_to_hazard(user, self)

    @property
    def effective_deadline(self):
        return self.bureau_deadline or self.deadline


# --------------------------------------------------------------------------------------------
# Accountability register (追责问责清单)
# --------------------------------------------------------------------------------------------


class AccountabilityRecord(models.Model):
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="accountability_records")
    person = models.ForeignKey(Person, verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    department = models.ForeignKey(Department, verbose_name=_("department"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    hazards = models.ManyToManyField(Hazard, verbose_name=_("related hazards"), blank=True,
                                     related_name="accountability_records")
    reason = models.TextField(_("reason"))
    measure = models.TextField(_("measure taken"))
    decided_on = models.DateField(_("date"))
    decided_by = models.CharField(_("decided by"), max_length=120)
    made_public = models.BooleanField(_("exposed in a circular"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("accountability record")
        verbose_name_plural = _("accountability register")
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(department__isnull=False),
                name="accountability_names_someone",
            ),
        ]

    def __str__(self):
        return f"{self.person or self.department} · {self.decided_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("hazards:accountability_detail", args=[self.pk])


# --------------------------------------------------------------------------------------------
# Public tips (公开举报)
# --------------------------------------------------------------------------------------------


class TipStatus(models.TextChoices):
    RECEIVED = "received", _("Received, being reviewed")
    ACCEPTED = "accepted", _("Accepted as a hazard")
    REJECTED = "rejected", _("Not accepted")


# Triage of a public tip by the bureau above the school (TransitionView on the tip's page).
TIP_FLOW = Workflow(
    Transition("accept", source=[TipStatus.RECEIVED], target=TipStatus.ACCEPTED,
               label=_("Accept as a hazard"), style="success", icon="check2-circle", confirm=True,
               form="hazards.forms_tips.TipAcceptForm", initial="hazards.forms_tips.TipAcceptForm.initial_for",
               service="hazards.tips.tip_accept", permission="hazards.permissions.can_triage",
               done=lambda h: _("Hazard %(number)s was registered for %(school)s.")
               % {"number": h.number, "school": h.organisation}),
    Transition("reject", source=[TipStatus.RECEIVED], target=TipStatus.REJECTED,
               label=_("Reject"), style="outline-danger", icon="x-circle", note_required=True, confirm=True,
               form="hazards.forms_tips.TipRejectForm", service="hazards.tips.tip_reject",
               permission="hazards.permissions.can_triage", done=_("The tip was rejected.")),
    subject="tip",
)


class TipQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """Bureau staff above the school only: a tip may be about the school itself and may carry
        the reporter's name, so the school's own staff never see it."""
        paths = user_scope_paths(user)
        if paths is None:
            return self
        bureau_paths = sorted({
            m.organisation.path
            for m in user.memberships.filter(is_active=True, role__in=BUREAU_ROLES).select_related("organisation")
            if m.organisation.is_bureau
        })
        if not bureau_paths:
            return self.none()
        from functools import reduce
        from operator import or_

        return self.filter(reduce(or_, (models.Q(organisation__path__startswith=p) for p in bureau_paths)))


class Tip(models.Model):
    organisation = models.ForeignKey(Organisation, verbose_name=_("school"), on_delete=models.PROTECT,
                                     related_name="tips")
    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True, editable=False)
    description = models.TextField(_("what is the hazard"))
    location = models.CharField(_("where"), max_length=200, blank=True)
    contact_name = models.CharField(_("your name (optional)"), max_length=60, blank=True)
    contact_phone = models.CharField(_("your phone (optional)"), max_length=30, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=TipStatus.choices, default=TipStatus.RECEIVED)
    reject_reason = models.TextField(_("reason"), blank=True)
    hazard = models.OneToOneField(Hazard, verbose_name=_("hazard"), null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="tip")
    triaged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("triaged by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    triaged_at = models.DateTimeField(_("triaged at"), null=True, blank=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = TipQuerySet.as_manager()

    class Meta:
        verbose_name = _("public tip")
        verbose_name_plural = _("public tips")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.tracking_code

    def get_absolute_url(self):
        return reverse("hazards:tip_detail", args=[self.pk])

    def can_attach(self, user) -> bool:
        return False  # the reporter's photo is the evidence; staff add theirs to the hazard
