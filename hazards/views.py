"""Pages of the hazards app: inspections, the register with its closed loop, listed supervision
and the accountability register. Thin: parse, call a service or selector, render."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Prefetch, Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from campaign_site.accounts.services import person_get_or_create
from campaign_site.generic.errors import DomainError
from campaign_site.generic.scoping import get_visible_or_404
from campaign_site.generic.views import (
    ObjectCreateView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    TransitionView,
)

from . import permissions, selectors, services
from .filtersets import AccountabilityFilterSet, HazardFilterSet, InspectionFilterSet
from .forms import (
    AccountabilityForm,
    HazardEditForm,
    HazardForm,
    InspectionForm,
    ScheduleForm,
)
from .models import (
    HAZARD_FLOW,
    INSPECTION_FLOW,
    OPEN_STATUSES,
    AccountabilityRecord,
    Hazard,
    HazardStatus,
    Inspection,
    InspectionItem,
    InspectionSchedule,
    ItemResult,
)
from .tables import STATUS_STYLE, AccountabilityTable, HazardTable, InspectionTable, ScheduleTable

# The register --------------------------------------------------------------------------------


class HazardListView(ObjectListView):
    model = Hazard
    table_class = HazardTable
    filterset_class = HazardFilterSet
    select_related = ("organisation", "focus_area", "responsible_person", "responsible_department")
    create_url_name = "hazards:hazard_create"
    import_url_name = "hazards:ledger_import"
    # A city bureau's register runs to a million rows: no COUNT(*) per page, counts load after the page.
    lazy_count = lazy_summary = True
    title = gettext_lazy("Hazard register")
    empty_text = gettext_lazy("No hazards match. Register one found in an inspection with “New”.")

    def get_base_queryset(self):
        return super().get_base_queryset().with_effective_deadline()

    def get_export_filename(self):
        return _("hazard-register")

    def get_summary(self, queryset):
        counts = selectors.hazard_status_counts(queryset)
        current = self.request.GET.get("status", "")
        current_overdue = self.request.GET.get("overdue", "")
        base = self.request.GET.copy()
        for key in ("page", "export", "status", "overdue"):
            base.pop(key, None)

        def url(**extra):
            q = base.copy()
            for k, v in extra.items():
                q[k] = v
            return "?" + q.urlencode()

        items = [{"label": _("All"), "count": counts["total"], "url": url(), "active": not current and not current_overdue,
                  "style": "dark"}]
        items.append({"label": _("Open"), "count": counts["open"], "url": url(status="open"),
                      "active": current == "open", "style": "primary"})
        for value, label in HazardStatus.choices:
            items.append({"label": label, "count": counts.get(value, 0), "url": url(status=value),
                          "active": current == value, "style": STATUS_STYLE.get(value, "secondary")})
        items.append({"label": _("Overdue"), "count": counts["overdue"], "url": url(overdue="true"),
                      "active": current_overdue == "true", "style": "danger"})
        return items


class HazardDetailView(ObjectDetailView):
    model = Hazard
    workflow = HAZARD_FLOW
    step_url_name = "hazards:hazard_action"
    template_name = "hazards/hazard_detail.html"
    select_related = ("organisation", "focus_area__campaign", "check_item", "responsible_person",
                      "responsible_department", "found_by", "watcher", "reinspected_by", "recurring_of",
                      "listing_bureau", "inspection_item__inspection", "rectified_by", "signed_off_by",
                      "listed_by", "delisted_by", "created_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        hazard = self.object
        user = self.request.user
        ctx["can_edit"] = permissions.can_edit_hazard(user, hazard)
        ctx["status_style"] = STATUS_STYLE.get(hazard.status, "secondary")
        ctx["recurrences"] = hazard.recurrences.visible_to(user).only("pk", "number", "title", "status")
        ctx["accountability"] = hazard.accountability_records.visible_to(user).select_related("person", "department")
        labels = {"before": _("Before"), "after": _("After rectification"), "finding": _("Found in inspection")}
        for a in ctx["attachments"]:
            a.kind_label = labels.get(a.kind, "")
        return ctx


class HazardCreateView(ObjectCreateView):
    model = Hazard
    form_class = HazardForm
    success_message = gettext_lazy("The hazard was registered.")
    permission = permissions.can_register

    def perform_save(self, form):
        from campaign_site.generic.attachments import attachment_add

        data = form.cleaned_data
        hazard = services.hazard_register(
            organisation=data["organisation"], actor=self.request.user, title=data["title"],
            location=data["location"], found_on=data["found_on"], deadline=data["deadline"], level=data["level"],
            source=selectors.default_source(self.request.user, data["organisation"]),
            focus_area=data.get("focus_area"), description=data.get("description", ""),
            measures=data.get("measures", ""), responsible_department=data.get("responsible_department"),
            responsible_person=data.get("responsible_person"), funds=data.get("funds"),
            interim_measures=data.get("interim_measures", ""), watcher=data.get("watcher"),
        )
        for upload in data.get("photos") or ():
            attachment_add(obj=hazard, upload=upload, actor=self.request.user, kind="before", images_only=True)
        return hazard


class HazardEditView(ObjectEditView):
    model = Hazard
    form_class = HazardEditForm
    success_message = gettext_lazy("The hazard was updated.")
    permission = permissions.can_edit_hazard

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        # Bind a copy: the service compares the new values with the stored row.
        kwargs["instance"] = Hazard.objects.get(pk=self.object.pk)
        return kwargs

    def perform_save(self, form):
        fields = {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}
        return services.hazard_update(hazard=self.object, actor=self.request.user, **fields)


class HazardStepView(TransitionView):
    """One step of the closed loop (HAZARD_FLOW in models.py): its form, then its service."""

    model = Hazard
    workflow = HAZARD_FLOW
    select_related = ("organisation", "responsible_person")
    summary_template = "hazards/_hazard_summary.html"

    def get_title(self):
        return f"{self.transition.button_label(self.object)} · {self.object.number}"


# Inspections ---------------------------------------------------------------------------------


class InspectionListView(ObjectListView):
    model = Inspection
    table_class = InspectionTable
    filterset_class = InspectionFilterSet
    select_related = ("organisation", "leader")
    create_url_name = "hazards:inspection_create"
    empty_text = gettext_lazy("No inspections yet. Start one with “New”: tick the campaign's checklist on your phone.")
    template_name = "hazards/inspection_list.html"

    def get_base_queryset(self):
        return super().get_base_queryset().annotate(
            items_total=Count("items"), items_failed=Count("items", filter=Q(items__result=ItemResult.FAIL)),
        ).order_by("-planned_for", "-pk")

    def get_export_filename(self):
        return _("inspections")


class InspectionDetailView(ObjectDetailView):
    model = Inspection
    workflow = INSPECTION_FLOW
    template_name = "hazards/inspection_detail.html"
    select_related = ("organisation", "campaign", "leader", "bureau", "created_by", "schedule")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        inspection = self.object
        user = self.request.user
        ctx.update(selectors.inspection_checklist(inspection))
        # The forms of the checklist page are the steps this person may take now.
        ctx["steps"] = {b.name: b for b in INSPECTION_FLOW.available_for(user, inspection)}
        ctx["person_choices"] = selectors.people_of(inspection.organisation)
        ctx["levels"] = Hazard._meta.get_field("level").choices
        from django.utils import timezone

        ctx["default_deadline"] = timezone.localdate() + timezone.timedelta(days=7)
        return ctx


class InspectionCreateView(ObjectCreateView):
    model = Inspection
    form_class = InspectionForm
    success_message = gettext_lazy("The inspection was created. Tick the items as you walk the school.")
    permission = permissions.can_inspect

    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("kind"):
            initial["kind"] = self.request.GET["kind"]
        return initial

    def perform_save(self, form):
        data = form.cleaned_data
        return services.inspection_create(
            organisation=data["organisation"], actor=self.request.user, kind=data["kind"], title=data["title"],
            focus_areas=list(data["focus_areas"]), planned_for=data["planned_for"], leader=data.get("leader"),
            participants=data.get("participants", ""), extra_items=data["extra_items"],
        )


class InspectionStepView(TransitionView):
    """The checklist's forms (INSPECTION_FLOW in models.py): start, record an item, add an item,
    complete. They live on the inspection's page, so a refusal is shown there."""

    model = Inspection
    workflow = INSPECTION_FLOW
    select_related = ("organisation",)
    errors_on_object_page = True


# Recurring inspections -----------------------------------------------------------------------


class ScheduleListView(ObjectListView):
    model = InspectionSchedule
    table_class = ScheduleTable
    filterset_class = None
    select_related = ("organisation", "assignee")
    create_url_name = "hazards:schedule_create"
    export_formats = ()
    title = gettext_lazy("Recurring inspections")
    empty_text = gettext_lazy("No recurring inspections. Plan one, e.g. the weekly bullying screening.")


class ScheduleDetailView(ObjectDetailView):
    model = InspectionSchedule
    template_name = "hazards/schedule_detail.html"
    select_related = ("organisation", "assignee", "campaign")
    detail_fields = ("organisation", "title", "kind", "frequency", "next_due", "assignee", "is_active")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["recent"] = self.object.inspections.order_by("-planned_for")[:10]
        ctx["can_change"] = permissions.can_plan_schedules(self.request.user, self.object)
        return ctx


class ScheduleCreateView(ObjectCreateView):
    model = InspectionSchedule
    form_class = ScheduleForm
    success_message = gettext_lazy("The recurring inspection was planned.")
    permission = permissions.can_plan_schedules

    def perform_save(self, form):
        data = form.cleaned_data
        return services.inspection_schedule_create(
            organisation=data["organisation"], actor=self.request.user, title=data["title"], kind=data["kind"],
            frequency=data["frequency"], next_due=data["next_due"], focus_areas=list(data["focus_areas"]),
            assignee=data.get("assignee"))

    def get_success_url(self):
        return reverse("hazards:schedule_detail", args=[self.object.pk])


class ScheduleToggleView(LoginRequiredMixin, View):
    model = InspectionSchedule

    def get(self, request, pk):
        get_visible_or_404(InspectionSchedule, request.user, pk=pk)
        return redirect("hazards:schedule_detail", pk=pk)

    def post(self, request, pk):
        schedule = get_visible_or_404(InspectionSchedule, request.user, pk=pk)
        try:
            services.inspection_schedule_set_active(schedule=schedule, actor=request.user,
                                                    active=not schedule.is_active)
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("hazards:schedule_detail", pk=pk)


# Accountability register ---------------------------------------------------------------------


class AccountabilityListView(ObjectListView):
    model = AccountabilityRecord
    table_class = AccountabilityTable
    filterset_class = AccountabilityFilterSet
    select_related = ("organisation", "person", "department")
    create_url_name = "hazards:accountability_create"
    title = gettext_lazy("Accountability register")
    empty_text = gettext_lazy("No accountability records. Add one when a person or department is held to account.")

    def get_base_queryset(self):
        # to_attr: a list per record instead of a filtered queryset built per record (Django's
        # prefetch does that for `.all()`, ~40 µs a row); only the numbers are shown.
        return super().get_base_queryset().prefetch_related(
            Prefetch("hazards", queryset=Hazard.objects.only("number"), to_attr="related_hazards"))

    def get_export_filename(self):
        return _("accountability-register")


class AccountabilityDetailView(ObjectDetailView):
    model = AccountabilityRecord
    template_name = "hazards/accountability_detail.html"
    select_related = ("organisation", "person", "department", "created_by")
    detail_fields = ("organisation", "person", "department", "reason", "measure", "decided_on", "decided_by",
                     "made_public")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["hazards"] = self.object.hazards.visible_to(self.request.user)
        ctx["can_edit"] = permissions.can_keep_accountability(self.request.user, self.object)
        return ctx


class AccountabilitySaveMixin:
    def save_record(self, form, record=None):
        data = form.cleaned_data
        org = record.organisation if record is not None else data["organisation"]
        person = data.get("person")
        if person is None and data.get("new_person_name"):
            if not permissions.can_keep_accountability(self.request.user, org):
                raise DomainError(_("Only the principal or the bureau can keep the accountability register."))
            person = person_get_or_create(organisation=org, name=data["new_person_name"])
        values = dict(person=person, department=data.get("department"), hazards=data["hazards"],
                      reason=data["reason"], measure=data["measure"], decided_on=data["decided_on"],
                      decided_by=data["decided_by"], made_public=data["made_public"])
        if record is None:
            return services.accountability_create(organisation=org, actor=self.request.user, **values)
        return services.accountability_update(record=record, actor=self.request.user, **values)


class AccountabilityCreateView(AccountabilitySaveMixin, ObjectCreateView):
    model = AccountabilityRecord
    form_class = AccountabilityForm
    success_message = gettext_lazy("The accountability record was saved.")
    permission = permissions.can_keep_accountability

    def perform_save(self, form):
        return self.save_record(form)


class AccountabilityEditView(AccountabilitySaveMixin, ObjectEditView):
    model = AccountabilityRecord
    form_class = AccountabilityForm
    success_message = gettext_lazy("The accountability record was saved.")
    permission = permissions.can_keep_accountability

    def perform_save(self, form):
        return self.save_record(form, record=self.object)


def hazard_list_url(**params) -> str:
    return reverse("hazards:hazard_list") + ("?" + urlencode(params) if params else "")


__all__ = ["HAZARD_FLOW", "OPEN_STATUSES", "InspectionItem", "hazard_list_url"]
