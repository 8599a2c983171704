"""Campaign pages. `model` names the model whose pk is in the URL (the access tests rely on it)."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from campaign_site.generic.scoping import get_visible_or_404
from campaign_site.generic.views import (
    ObjectCreateView,
    ObjectDetailView,
    ObjectEditView,
    ObjectFormMixin,
    ObjectListView,
    TransitionView,
)

from . import permissions, selectors, services
from .filtersets import ActivityFilterSet, CampaignFilterSet, PlanOverviewFilterSet
from .forms import (
    ActivityForm,
    CampaignForm,
    CampaignStartForm,
    CheckItemForm,
    DeadlineForm,
    FocusAreaForm,
    PhaseForm,
    PlanReturnForm,
    PlanSubmitForm,
)
from .models import (
    CAMPAIGN_FLOW,
    PLAN_FLOW,
    Activity,
    ActivityKind,
    Campaign,
    CampaignStatus,
    CheckItem,
    Deadline,
    FocusArea,
    ImplementationPlan,
    Phase,
    PlanStatus,
)
from .similarity import COPY_THRESHOLD, highlight_segments
from .tables import ActivityTable, CampaignTable, PlanOverviewTable

ATTACHMENT_KINDS = {"plan": gettext_lazy("Plan document"), "photo": gettext_lazy("Photo"),
                    "sign_in": gettext_lazy("Sign-in sheet")}


# --- campaigns ---------------------------------------------------------------------------------

class CampaignListView(ObjectListView):
    model = Campaign
    queryset = Campaign.objects.live()
    select_related = ("organisation",)
    table_class = CampaignTable
    filterset_class = CampaignFilterSet
    template_name = "campaigns/campaign_list.html"
    title = gettext_lazy("Campaigns")
    empty_text = gettext_lazy("No campaign applies to you yet. Bureaus start one from a template below.")

    def get_summary(self, queryset):
        from django.db.models import Count

        counts = dict(queryset.order_by().values_list("status").annotate(n=Count("pk")))
        current = self.request.GET.get("status", "")
        return [{"label": label, "count": counts.get(value, 0), "url": f"?status={value}",
                 "active": current == value, "style": {"active": "primary"}.get(value, "secondary")}
                for value, label in CampaignStatus.choices]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_start"] = permissions.can_start_campaign(self.request.user)
        if ctx["can_start"]:
            ctx["campaign_templates"] = Campaign.objects.templates().order_by("-start")
        return ctx


class CampaignDetailView(ObjectDetailView):
    model = Campaign
    select_related = ("organisation", "source")
    template_name = "campaigns/campaign_detail.html"
    workflow = CAMPAIGN_FLOW

    def step_url(self, name):
        return reverse(f"campaigns:{name}", args=[self.object.pk])  # one URL per step

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        campaign, user = self.object, self.request.user
        ctx["title"] = campaign.label
        ctx["phases"] = campaign.phases.all()
        ctx["deadlines"] = campaign.deadlines.all()
        ctx["requirements"] = campaign.requirements.all()
        ctx["focus_areas"] = campaign.focus_areas.prefetch_related("items")
        ctx["item_count"] = CheckItem.objects.filter(focus_area__campaign=campaign).count()
        ctx["can_manage"] = permissions.can_manage_campaign(user, campaign)
        ctx["can_edit"] = permissions.can_edit_campaign(user, campaign)
        ctx["can_start"] = permissions.can_start_campaign(user)
        ctx["plan_deadline"] = selectors.plan_deadline_date(campaign)
        if not campaign.is_template and campaign.status != CampaignStatus.DRAFT \
                and permissions.can_see_plan_overview(user, campaign):
            ctx["plan_counts"] = selectors.plan_counts(campaign, user)
        org = self.request.organisation
        if not campaign.is_template and org is not None and org.is_school:
            plan = ImplementationPlan.objects.filter(campaign=campaign, organisation=org).first()
            ctx["my_plan"] = plan
            ctx["my_timeliness"] = selectors.timeliness(plan.first_submitted_at if plan else None,
                                                        ctx["plan_deadline"])
            ctx["can_submit_plan"] = (
                permissions.can_submit_plan(user, org) and campaign.status == CampaignStatus.ACTIVE
                and (plan is None or plan.status != PlanStatus.ACCEPTED)
            )
            ctx["my_timeliness_label"] = selectors.Timeliness.label(ctx["my_timeliness"])
            ctx["my_timeliness_style"] = selectors.Timeliness.styles[ctx["my_timeliness"]]
        return ctx


class CampaignStartView(ObjectFormMixin, FormView):
    """Start a campaign of one's own bureau from a template (or another campaign)."""

    model = Campaign
    form_class = CampaignStartForm
    success_message = gettext_lazy("The campaign was created as a draft. Check it, then start it.")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.source = get_visible_or_404(Campaign, request.user, pk=kwargs["pk"])
        if not permissions.can_start_campaign(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"title": self.source.title, "start": self.source.start, "end": None}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("Start a campaign from “%(source)s”") % {"source": self.source.label}
        return ctx

    def perform_save(self, form):
        cd = form.cleaned_data
        return services.campaign_start_from_template(
            template=self.source, organisation=cd["organisation"], actor=self.request.user, title=cd["title"],
            document_number=cd["document_number"], start=cd["start"], end=cd["end"])


class CampaignEditView(ObjectEditView):
    model = Campaign
    form_class = CampaignForm
    success_message = gettext_lazy("Campaign saved.")
    permission = permissions.can_edit_campaign

    def perform_save(self, form):
        fields = {k: form.cleaned_data[k] for k in form.Meta.fields}
        return services.campaign_update(campaign=self.object, actor=self.request.user, **fields)


class CampaignStepView(TransitionView):
    """Start or close a campaign (CAMPAIGN_FLOW in models.py): buttons on the campaign's page."""

    model = Campaign
    workflow = CAMPAIGN_FLOW
    errors_on_object_page = True


class _CampaignPartMixin:
    """Create/edit forms for the parts of a campaign; only its bureau's managers, never templates."""

    parent_model = Campaign

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)

    permission = permissions.can_edit_campaign_part

    def campaign_of(self, obj) -> Campaign:
        return permissions.campaign_of(obj)

    def get_success_url(self):
        campaign = self.campaign_of(self.object)
        return f"{campaign.get_absolute_url()}#{self.anchor}"


class _PartCreateView(_CampaignPartMixin, ObjectCreateView):
    def get_permission_object(self):
        return self.parent  # the campaign or focus area the new part goes under

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.parent = get_visible_or_404(self.model, request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = self.page_title
        return ctx


class _PartEditView(_CampaignPartMixin, ObjectEditView):
    pass


class FocusAreaCreateView(_PartCreateView):
    model = Campaign
    form_class = FocusAreaForm
    anchor = "focus-areas"
    page_title = gettext_lazy("New focus area")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = FocusArea(campaign=self.parent)
        return kwargs

    def perform_save(self, form):
        cd = form.cleaned_data
        return services.focus_area_save(campaign=self.parent, actor=self.request.user, code=cd["code"],
                                        name=cd["name"], name_en=cd["name_en"], order=cd["order"])


class FocusAreaEditView(_PartEditView):
    model = FocusArea
    form_class = FocusAreaForm
    anchor = "focus-areas"

    def perform_save(self, form):
        cd = form.cleaned_data
        return services.focus_area_save(campaign=self.object.campaign, actor=self.request.user, code=cd["code"],
                                        name=cd["name"], name_en=cd["name_en"], order=cd["order"],
                                        focus_area=self.object)


class CheckItemCreateView(_PartCreateView):
    model = FocusArea
    form_class = CheckItemForm
    anchor = "focus-areas"

    @property
    def page_title(self):
        return _("New check item in “%(area)s”") % {"area": self.parent.label}

    def get_initial(self):
        numbers = [int(n) for n in self.parent.items.values_list("number", flat=True) if n.isdigit()]
        return {"number": str(max(numbers, default=0) + 1)}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = CheckItem(focus_area=self.parent)
        return kwargs

    def perform_save(self, form):
        cd = form.cleaned_data
        return services.check_item_save(focus_area=self.parent, actor=self.request.user, number=cd["number"],
                                        text=cd["text"], text_en=cd["text_en"])


class CheckItemEditView(_PartEditView):
    model = CheckItem
    form_class = CheckItemForm
    anchor = "focus-areas"

    def perform_save(self, form):
        cd = form.cleaned_data
        return services.check_item_save(focus_area=self.object.focus_area, actor=self.request.user,
                                        number=cd["number"], text=cd["text"], text_en=cd["text_en"], item=self.object)


class DeadlineCreateView(_PartCreateView):
    model = Campaign
    form_class = DeadlineForm
    anchor = "deadlines"
    page_title = gettext_lazy("New deadline")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = Deadline(campaign=self.parent)
        return kwargs

    def perform_save(self, form):
        cd = form.cleaned_data
        return services.deadline_save(campaign=self.parent, actor=self.request.user, kind=cd["kind"],
                                      name=cd["name"], name_en=cd["name_en"], date=cd["date"],
                                      day_of_month=cd["day_of_month"], note=cd["note"])


class DeadlineEditView(_PartEditView):
    model = Deadline
    form_class = DeadlineForm
    anchor = "deadlines"

    def perform_save(self, form):
        cd = form.cleaned_data
        return services.deadline_save(campaign=self.object.campaign, actor=self.request.user, kind=cd["kind"],
                                      name=cd["name"], name_en=cd["name_en"], date=cd["date"],
                                      day_of_month=cd["day_of_month"], note=cd["note"], deadline=self.object)


class PhaseEditView(_PartEditView):
    model = Phase
    form_class = PhaseForm
    anchor = "phases"

    def perform_save(self, form):
        cd = form.cleaned_data
        return services.phase_update(phase=self.object, actor=self.request.user, name=cd["name"],
                                     name_en=cd["name_en"], start=cd["start"], end=cd["end"])


# --- implementation plans ----------------------------------------------------------------------

class PlanSubmitView(ObjectFormMixin, FormView):
    model = Campaign
    form_class = PlanSubmitForm
    template_name = "campaigns/plan_form.html"
    success_message = gettext_lazy("Your implementation plan was submitted to the bureau.")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.campaign = get_visible_or_404(Campaign.objects.live(), request.user, pk=kwargs["pk"])
        self.organisation = request.organisation
        if not permissions.can_submit_plan(request.user, self.organisation):
            raise PermissionDenied
        self.plan = ImplementationPlan.objects.filter(campaign=self.campaign, organisation=self.organisation).first()
        if self.plan and self.plan.status == PlanStatus.ACCEPTED:
            messages.info(request, _("Your plan has been accepted; there is nothing more to submit."))
            return redirect(self.plan.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        if self.plan is None:
            return {}
        return {k: getattr(self.plan, k) for k in ("leader", "deputy", "office", "members", "known_major_hazards")}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("Implementation plan for “%(campaign)s”") % {"campaign": self.campaign.label}
        ctx["campaign"] = self.campaign
        ctx["plan"] = self.plan
        ctx["plan_deadline"] = selectors.plan_deadline_date(self.campaign)
        ctx["threshold"] = round(COPY_THRESHOLD * 100)
        return ctx

    def perform_save(self, form):
        cd = form.cleaned_data
        return services.plan_submit(
            campaign=self.campaign, organisation=self.organisation, actor=self.request.user, leader=cd["leader"],
            deputy=cd["deputy"], office=cd["office"], members=cd["members"],
            known_major_hazards=cd["known_major_hazards"], document=cd["document"], text=cd["text"])


class PlanDetailView(ObjectDetailView):
    model = ImplementationPlan
    select_related = ("campaign__organisation", "organisation", "submitted_by", "reviewed_by")
    template_name = "campaigns/plan_detail.html"
    detail_fields = ("leader", "deputy", "office", "members", "known_major_hazards")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        plan, user = self.object, self.request.user
        ctx["title"] = _("Implementation plan: %(school)s") % {"school": plan.organisation.name}
        for att in ctx["attachments"]:
            att.kind_label = ATTACHMENT_KINDS.get(att.kind, "")
        deadline = selectors.plan_deadline_date(plan.campaign)
        ctx["plan_deadline"] = deadline
        t = selectors.timeliness(plan.first_submitted_at, deadline)
        ctx["timeliness"] = {"value": t, "label": selectors.Timeliness.label(t),
                             "style": selectors.Timeliness.styles[t]}
        ctx["similarity_percent"] = round(plan.similarity * 100)
        ctx["threshold"] = round(COPY_THRESHOLD * 100)
        ctx["segments"] = highlight_segments(plan.text, plan.overlap) if plan.text else []
        ctx["review_steps"] = {b.name: b for b in PLAN_FLOW.available_for(user, plan)}
        ctx["can_review"] = bool(ctx["review_steps"])
        ctx["return_form"] = PlanReturnForm()
        ctx["can_resubmit"] = (
            plan.status != PlanStatus.ACCEPTED and plan.campaign.status == CampaignStatus.ACTIVE
            and permissions.can_submit_plan(user, plan.organisation)
        )
        return ctx


class PlanReviewView(TransitionView):
    """Accept or return a plan (PLAN_FLOW in models.py); the review box on the plan's page posts
    the pressed step as `action`."""

    model = ImplementationPlan
    workflow = PLAN_FLOW
    select_related = ("campaign__organisation", "organisation")
    errors_on_object_page = True


class PlanOverviewView(ObjectListView):
    """Every school below the issuing bureau: on time / late / missing / returned / accepted."""

    model = Campaign  # the pk in the URL is the campaign's
    table_class = PlanOverviewTable
    filterset_class = PlanOverviewFilterSet
    template_name = "campaigns/plan_overview.html"
    paginate_by = 50
    empty_text = gettext_lazy("No school below the issuing bureau is visible to you.")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.campaign = get_visible_or_404(Campaign.objects.live().select_related("organisation"), request.user,
                                           pk=kwargs["pk"])
        if not permissions.can_see_plan_overview(request.user, self.campaign):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.plan_overview(self.campaign, self.request.user)

    def get_title(self):
        return _("Implementation plans: %(campaign)s") % {"campaign": self.campaign.label}

    def get_export_filename(self):
        return _("implementation plans")

    def get_summary(self, queryset):
        counts = selectors.plan_counts(self.campaign, self.request.user)
        get = self.request.GET
        items = [
            (_("On time"), counts["on_time"], "timeliness", "on_time", "success"),
            (_("Late"), counts["late"], "timeliness", "late", "warning"),
            (_("Missing"), counts["missing"], "timeliness", "missing", "danger"),
            (_("Not yet due"), counts["not_due"], "timeliness", "not_due", "secondary"),
            (_("Awaiting review"), counts["submitted"], "plan_status", PlanStatus.SUBMITTED, "info"),
            (_("Returned"), counts["returned"], "plan_status", PlanStatus.RETURNED, "danger"),
            (_("Accepted"), counts["accepted"], "plan_status", PlanStatus.ACCEPTED, "success"),
            (_("Largely copied"), counts["flagged"], "flagged", "true", "danger"),
        ]
        return [{"label": label, "count": n, "url": f"?{key}={value}", "style": style,
                 "active": get.get(key) == value} for label, n, key, value, style in items]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["campaign"] = self.campaign
        ctx["plan_deadline"] = selectors.plan_deadline_date(self.campaign)
        return ctx


# --- trainings and drills ----------------------------------------------------------------------

class ActivityListView(ObjectListView):
    model = Activity
    select_related = ("organisation", "campaign")
    table_class = ActivityTable
    filterset_class = ActivityFilterSet
    create_url_name = "campaigns:activity_create"
    title = gettext_lazy("Trainings & drills")
    empty_text = gettext_lazy("No training or drill recorded yet. Record one after it has taken place.")

    def get_summary(self, queryset):
        from django.db.models import Count, Sum

        rows = {r["kind"]: r for r in queryset.order_by().values("kind").annotate(n=Count("pk"),
                                                                                 people=Sum("participants"))}
        current = self.request.GET.get("kind", "")
        return [{"label": label, "count": rows.get(value, {}).get("n", 0), "url": f"?kind={value}",
                 "active": current == value, "style": "info" if value == ActivityKind.TRAINING else "warning"}
                for value, label in ActivityKind.choices]


class ActivityCreateView(ObjectCreateView):
    model = Activity
    form_class = ActivityForm
    success_message = gettext_lazy("Recorded.")
    permission = permissions.can_record_activity

    def get_permission_object(self):
        return self.request.organisation

    def get_initial(self):
        return {"kind": self.request.GET.get("kind", ActivityKind.TRAINING)}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("Record a training or drill at %(org)s") % {"org": self.request.organisation.name}
        return ctx

    def perform_save(self, form):
        cd = form.cleaned_data
        return services.activity_record(
            organisation=self.request.organisation, actor=self.request.user, kind=cd["kind"], date=cd["date"],
            topic=cd["topic"], participants=cd["participants"], notes=cd["notes"], campaign=cd["campaign"],
            photos=cd["photos"], sign_in_sheets=cd["sign_in_sheet"])


class ActivityDetailView(ObjectDetailView):
    model = Activity
    select_related = ("organisation", "campaign", "created_by")
    template_name = "campaigns/activity_detail.html"
    detail_fields = ("organisation", "kind", "date", "topic", "participants", "campaign", "notes")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        for att in ctx["attachments"]:
            att.kind_label = ATTACHMENT_KINDS.get(att.kind, "")
        ctx["can_edit"] = permissions.can_edit_activity(self.request.user, self.object)
        return ctx


class ActivityEditView(ObjectEditView):
    model = Activity
    form_class = ActivityForm
    success_message = gettext_lazy("Saved.")
    permission = permissions.can_edit_activity

    def perform_save(self, form):
        cd = form.cleaned_data
        return services.activity_update(
            activity=self.object, actor=self.request.user, kind=cd["kind"], date=cd["date"], topic=cd["topic"],
            participants=cd["participants"], notes=cd["notes"], campaign=cd["campaign"], photos=cd["photos"],
            sign_in_sheets=cd["sign_in_sheet"])

