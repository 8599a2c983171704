"""Pages of expiry and disposal (thin: declarations over the core's generic views)."""
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from campaign_site.generic.views import ObjectActionView, TransitionView

from . import disposal, permissions
from .disposal_forms import ContractorForm, DeteriorationForm, DisposalBatchForm
from .disposal_tables import (
    ContractorFilterSet,
    ContractorTable,
    DisposalBatchFilterSet,
    DisposalBatchTable,
    DisposalCandidateFilterSet,
    DisposalCandidateTable,
)
from .models import DISPOSAL_FLOW, Container, DisposalBatch, WasteContractor
from .views import ChemCreateView, ChemDetailView, ChemEditView, ChemListView, ChemViewMixin


class DisposalCandidateListView(ChemListView):
    """Expired or deteriorated containers listed for scrap (待报废), in the user's scope."""

    model = Container
    table_class = DisposalCandidateTable
    filterset_class = DisposalCandidateFilterSet
    select_related = ("organisation", "chemical", "cabinet", "stock", "deterioration")
    title = _("Listed for scrap")
    create_url_name = "chemicals:disposal_create"

    def get_queryset(self):
        return disposal.disposal_candidates(super().get_queryset())


class ContainerDeteriorateView(ChemViewMixin, ObjectActionView):
    """Record that a container has deteriorated (变质): it is listed for scrap."""

    model = Container
    form_class = DeteriorationForm
    title_format = _("Deteriorated: %(object)s")
    plain_form = True
    permission = staticmethod(permissions.can_edit_record)
    success_message = _("The container is recorded as deteriorated and listed for scrap.")

    def perform_save(self, form):
        disposal.container_mark_deteriorated(container=self.object, actor=self.request.user,
                                             reason=form.cleaned_data["reason"],
                                             found_on=form.cleaned_data["found_on"])
        return self.object

    def get_success_url(self):
        return reverse("chemicals:disposal_candidates")


# Waste contractors (处置单位) ---------------------------------------------------------------------


class ContractorListView(ChemListView):
    model = WasteContractor
    table_class = ContractorTable
    filterset_class = ContractorFilterSet
    select_related = ("organisation",)
    create_url_name = "chemicals:contractor_create"
    title = _("Waste contractors")


class ContractorDetailView(ChemDetailView):
    model = WasteContractor
    select_related = ("organisation",)
    edit_permission = staticmethod(permissions.can_edit_contractor)
    detail_fields = ("organisation", "name", "credit_code", "licence_number", "licence_scope", "licence_authority",
                     "licence_valid_from", "licence_valid_until", "contact_person", "phone", "address", "is_active",
                     "note")


class ContractorCreateView(ChemCreateView):
    model = WasteContractor
    form_class = ContractorForm
    permission = staticmethod(permissions.can_keep_contractors_any)
    success_message = _("The contractor was put on the bureau's list.")

    def perform_save(self, form):
        return disposal.contractor_create(organisation=form.cleaned_data["organisation"], actor=self.request.user,
                                          **self.fields_of(form))


class ContractorEditView(ChemEditView):
    model = WasteContractor
    form_class = ContractorForm
    permission = staticmethod(permissions.can_edit_contractor)
    success_message = _("The contractor was updated.")

    def perform_save(self, form):
        return disposal.contractor_update(contractor=self.object, actor=self.request.user, **self.changed(form))


# Disposal batches (处置批次) ---------------------------------------------------------------------


class DisposalListView(ChemListView):
    model = DisposalBatch
    queryset = DisposalBatch.objects.annotate(line_count=Count("items"))
    table_class = DisposalBatchTable
    filterset_class = DisposalBatchFilterSet
    select_related = ("organisation", "contractor", "handed_over_by")
    create_url_name = "chemicals:disposal_create"
    title = _("Disposal batches")


class DisposalCreateView(ChemCreateView):
    model = DisposalBatch
    form_class = DisposalBatchForm
    success_message = _("The batch was saved as a draft: put the containers and waste on it, then hand it over.")

    def perform_save(self, form):
        data = form.cleaned_data
        return disposal.disposal_create(organisation=data["organisation"], actor=self.request.user,
                                        contractor=data["contractor"], handover_on=data["handover_on"],
                                        manifest_number=data["manifest_number"], note=data["note"])

    def form_invalid(self, form):
        contractor, day = form.cleaned_data.get("contractor"), form.cleaned_data.get("handover_on")
        if form.non_field_errors() and contractor is not None and day:
            disposal.audit_licence_refusal(request=self.request, contractor=contractor, day=day, obj=contractor)
        return super().form_invalid(form)


class DisposalDetailView(ChemDetailView):
    model = DisposalBatch
    select_related = ("organisation", "contractor", "handed_over_by", "created_by")
    template_name = "chemicals/disposal_detail.html"
    workflow = DISPOSAL_FLOW
    step_url_name = "chemicals:disposal_step"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        batch = self.object
        ctx["lines"] = disposal.batch_lines(batch)
        ctx["licence_problem"] = disposal.licence_problem(batch.contractor, batch.handover_on) \
            if batch.status == "draft" else None
        return ctx


class DisposalPrintView(DisposalDetailView):
    """The printable hand-over list of a batch (处置清单)."""

    template_name = "chemicals/disposal_print.html"


class DisposalStepView(ChemViewMixin, TransitionView):
    model = DisposalBatch
    workflow = DISPOSAL_FLOW

    def post(self, request, *args, **kwargs):
        if self.transition.name == "hand_over":  # the service refuses it: the refusal is audited
            disposal.audit_licence_refusal(request=request, contractor=self.object.contractor,
                                           day=self.object.handover_on, obj=self.object)
        return super().post(request, *args, **kwargs)
