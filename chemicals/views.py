"""Pages of the chemicals app (thin: declarations over the core's generic views)."""
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from campaign_site.accounts.models import Organisation
from campaign_site.generic.audit import audit_record
from campaign_site.generic.errors import DomainError
from campaign_site.generic.export import file_response
from campaign_site.generic.ledger import format_quantity
from campaign_site.generic.views import (
    ImportView,
    ObjectActionView,
    ObjectCreateView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    TransitionView,
)

from . import permissions, selectors, services
from .catalogue import ChemicalListImporter, can_load_lists
from .filtersets import (
    CabinetFilterSet,
    ChemicalFilterSet,
    ContainerFilterSet,
    ControlFilterSet,
    MovementFilterSet,
    RequisitionFilterSet,
    RoomFilterSet,
    StockCountFilterSet,
    TrainingFilterSet,
)
from .forms import (
    CabinetForm,
    ContainerForm,
    ControlForm,
    CountEntryForm,
    MovementForm,
    RequisitionForm,
    ReverseForm,
    RoomForm,
    TrainingForm,
)
from .models import (
    COUNT_FLOW,
    REQUISITION_FLOW,
    BureauControl,
    Cabinet,
    Chemical,
    ChemicalRoom,
    Container,
    ContainerStatus,
    ContainerStock,
    CustodianTraining,
    Movement,
    MovementKind,
    Requisition,
    RequisitionLine,
    StockCount,
    StorageClass,
)
from .tables import (
    CabinetTable,
    ChemicalTable,
    ContainerTable,
    ControlTable,
    MovementTable,
    RequisitionTable,
    RoomTable,
    StockCountTable,
    TrainingTable,
)


class ChemicalListView(ObjectListView):
    model = Chemical
    table_class = ChemicalTable
    filterset_class = ChemicalFilterSet
    title = _("Chemical catalogue")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if can_load_lists(self.request.user):
            ctx["import_url_name"] = "chemicals:chemical_list_load"
        return ctx


class ChemicalListLoadView(ImportView):
    importer_class = ChemicalListImporter
    success_url_name = "chemicals:chemical_list"


# A school's rooms, cabinets and containers ----------------------------------------------------


class ChemViewMixin:
    permission = staticmethod(permissions.can_view)


class ChemListView(ChemViewMixin, ObjectListView):
    template_name = "chemicals/list.html"


class ChemDetailView(ChemViewMixin, ObjectDetailView):
    """A record's page. Its "Edit" button (`can_keep`) asks `edit_permission`, the rule of the record's
    edit page; a record with a `workflow` and a `step_url_name` lists the steps the user may take now
    (ObjectDetailView)."""

    template_name = "chemicals/record_detail.html"
    edit_permission = staticmethod(permissions.can_edit_record)

    def get_detail_rows(self):
        # Every decimal of this app is a quantity: 500, as people write it, not the column's 500.000.
        return [(label, format_quantity(value) if isinstance(value, Decimal) else value)
                for label, value in super().get_detail_rows()]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_keep"] = self.edit_permission(self.request.user, self.object)
        return ctx


class ChemCreateView(ObjectCreateView):
    permission = staticmethod(permissions.can_keep_any)

    def fields_of(self, form, *exclude):
        return {k: v for k, v in form.cleaned_data.items() if k not in ("organisation", *exclude)}


class ChemEditView(ObjectEditView):
    permission = staticmethod(permissions.can_edit_record)

    def changed(self, form, *exclude):
        return {k: form.cleaned_data[k] for k in form.changed_data if k in form.cleaned_data and k not in exclude}


class RoomListView(ChemListView):
    model = ChemicalRoom
    table_class = RoomTable
    filterset_class = RoomFilterSet
    select_related = ("organisation",)
    create_url_name = "chemicals:room_create"
    title = _("Chemical rooms")


class RoomDetailView(ChemDetailView):
    model = ChemicalRoom
    select_related = ("organisation",)
    template_name = "chemicals/room_detail.html"
    detail_fields = ("organisation", "name", "kind", "location", "hazard_sign", "note", "is_active")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["cabinets"] = self.object.cabinets.select_related("key_holder_1", "key_holder_2").order_by("code")
        return ctx


class RoomCreateView(ChemCreateView):
    model = ChemicalRoom
    form_class = RoomForm
    success_message = _("The room was put on file.")

    def perform_save(self, form):
        return services.room_create(organisation=form.cleaned_data["organisation"], actor=self.request.user,
                                    **self.fields_of(form))


class RoomEditView(ChemEditView):
    model = ChemicalRoom
    form_class = RoomForm
    success_message = _("The room was updated.")

    def perform_save(self, form):
        return services.room_update(room=self.object, actor=self.request.user, **self.changed(form))


class CabinetListView(ChemListView):
    model = Cabinet
    table_class = CabinetTable
    filterset_class = CabinetFilterSet
    select_related = ("organisation", "room", "key_holder_1", "key_holder_2")
    create_url_name = "chemicals:cabinet_create"
    title = _("Cabinets")


class CabinetDetailView(ChemDetailView):
    model = Cabinet
    select_related = ("organisation", "room", "key_holder_1", "key_holder_2")
    template_name = "chemicals/cabinet_detail.html"
    detail_fields = ("organisation", "room", "code", "kind", "hazard_sign", "controlled", "key_holder_1",
                     "key_holder_2", "note", "is_active")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["containers"] = self.object.containers.select_related("chemical").order_by("position", "pk")
        ctx["count_schedule"] = selectors.count_schedule(self.object)
        ctx["can_start_count"] = permissions.can_start_count(self.request.user, self.object)
        return ctx


class CabinetCreateView(ChemCreateView):
    model = Cabinet
    form_class = CabinetForm
    success_message = _("The cabinet was put on file.")

    def perform_save(self, form):
        return services.cabinet_create(organisation=form.cleaned_data["organisation"], actor=self.request.user,
                                       **self.fields_of(form))


class CabinetEditView(ChemEditView):
    model = Cabinet
    form_class = CabinetForm
    success_message = _("The cabinet was updated.")

    def perform_save(self, form):
        return services.cabinet_update(cabinet=self.object, actor=self.request.user, **self.changed(form))


class ContainerListView(ChemListView):
    model = Container
    table_class = ContainerTable
    filterset_class = ContainerFilterSet
    select_related = ("organisation", "chemical", "cabinet", "cabinet__room", "stock")
    create_url_name = "chemicals:container_create"
    title = _("Containers")


class ContainerDetailView(ChemDetailView):
    model = Container
    select_related = ("organisation", "chemical", "cabinet", "cabinet__room")
    template_name = "chemicals/container_detail.html"
    detail_fields = ("organisation", "chemical", "cabinet", "position", "lot", "supplier", "received_on",
                     "opened_on", "expires_on", "unit", "size", "status", "note")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        stock = ContainerStock.objects.filter(container=self.object).first()
        ctx["left"] = format_quantity(stock.quantity if stock else 0)
        ctx["movements"] = self.object.movements.select_related("created_by", "second_person", "counterparty") \
            .order_by("-occurred_at", "-pk")[:50]
        ctx["pending"] = list(selectors.pending_for_container(self.object, self.request.user)[:20])
        ctx["controlled"] = selectors.is_controlled(self.object.chemical, self.object.organisation)
        return ctx


class ContainerCreateView(ChemCreateView):
    model = Container
    form_class = ContainerForm
    success_message = _("The container was put on file.")

    def perform_save(self, form):
        container = services.container_create(organisation=form.cleaned_data["organisation"],
                                              actor=self.request.user, **self.fields_of(form))
        if container.status == ContainerStatus.AWAITING:
            self.success_message = _("The container is on file; its receipt enters the books when a second "
                                     "custodian confirms it.")
        return container


class ContainerEditView(ChemEditView):
    model = Container
    form_class = ContainerForm
    success_message = _("The container was updated.")

    def perform_save(self, form):
        return services.container_update(container=self.object, actor=self.request.user, **self.changed(form))


# The books ------------------------------------------------------------------------------------


class MovementCreateView(ChemViewMixin, ObjectActionView):
    """Book a movement against one container (the container is looked up in the user's scope)."""

    model = Container
    form_class = MovementForm
    title_format = _("Book a movement: %(object)s")
    permission = staticmethod(permissions.can_edit_record)
    template_name = "generic/object_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["container"] = self.object
        return kwargs

    def perform_save(self, form):
        data = form.cleaned_data
        result = services.movement_book(
            container=self.object, actor=self.request.user, kind=data["kind"], quantity=data["quantity"],
            unit=data["unit"], occurred_at=data["occurred_at"], reason=data["reason"], reference=data["reference"],
            equipment=data["equipment"], counterparty=data["counterparty"],
            counterparty_name=data["counterparty_name"], note=data["note"])
        self.booked = result
        if not isinstance(result, Movement):
            self.success_message = ""
        return self.object

    def form_valid(self, form):
        response = super().form_valid(form)
        if getattr(self, "booked", None) is not None and not isinstance(self.booked, Movement):
            messages.warning(self.request, _("Nothing is booked yet: a second custodian must confirm it."))
        return response

    success_message = _("The movement was booked.")


class MovementListView(ChemListView):
    model = Movement
    table_class = MovementTable
    filterset_class = MovementFilterSet
    select_related = ("organisation", "chemical", "container", "created_by", "second_person", "counterparty")
    title = _("Movements (detail of the books)")
    lazy_count = True


class MovementDetailView(ChemDetailView):
    model = Movement
    select_related = ("organisation", "chemical", "container", "created_by", "second_person", "counterparty",
                      "reverses", "pending_action")
    template_name = "chemicals/movement_detail.html"
    show_history = False
    detail_fields = ("organisation", "chemical", "container", "kind", "quantity", "entered_quantity",
                     "entered_unit", "occurred_at", "created_by", "second_person", "counterparty",
                     "counterparty_name", "reason", "reference", "equipment", "reverses", "note", "created_at")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["reversed_by"] = Movement.objects.filter(reverses=self.object).first()
        ctx["can_reverse"] = ctx["can_keep"] and self.object.reverses_id is None and ctx["reversed_by"] is None
        ctx["reverse_form"] = ReverseForm()
        return ctx


class MovementReverseView(ChemViewMixin, ObjectActionView):
    model = Movement
    form_class = ReverseForm
    title_format = _("Reverse: %(object)s")
    plain_form = True
    permission = staticmethod(permissions.can_edit_record)
    success_message = _("The reversing entry was booked.")

    def perform_save(self, form):
        self.booked = services.movement_reverse_book(movement=self.object, actor=self.request.user,
                                                     note=form.cleaned_data["note"])
        if not isinstance(self.booked, Movement):
            self.success_message = ""
        return self.object

    def form_valid(self, form):
        response = super().form_valid(form)
        if getattr(self, "booked", None) is not None and not isinstance(self.booked, Movement):
            messages.warning(self.request, _("Nothing is booked yet: a second custodian must confirm it."))
        return response


def _school_for(request):
    """The school whose books are shown: ?school= (in the user's scope) or the user's own school."""
    schools = Organisation.objects.schools().visible_to(request.user)
    pk = request.GET.get("school", "")
    if pk.isdigit():
        return get_object_or_404(schools, pk=pk)
    org = getattr(request, "organisation", None)
    if org is not None and org.is_school:
        return org
    return None


def _year(request) -> int:
    value = request.GET.get("year", "")
    this_year = timezone.localdate().year
    return int(value) if value.isdigit() and 2000 <= int(value) <= this_year + 1 else this_year


class LedgerPageMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_view(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def base_context(self):
        request = self.request
        school = _school_for(request)
        schools = None
        if school is None or not school.is_school or getattr(request, "organisation", None) != school:
            schools = Organisation.objects.schools().visible_to(request.user).only("pk", "name")[:500]
        return {"school": school, "year": _year(request), "schools": schools,
                "years": list(range(timezone.localdate().year, timezone.localdate().year - 6, -1))}


def _q(value):
    return format_quantity(value)


class GeneralLedgerView(LedgerPageMixin, View):
    """总账: per chemical, the opening balance, what came in and went out, by month."""

    def get(self, request):
        ctx = self.base_context()
        ctx["title"] = _("General ledger")
        if ctx["school"] is not None:
            ctx["ledgers"] = selectors.general_ledger(organisation=ctx["school"], year=ctx["year"])
            if request.GET.get("export") in ("xlsx", "csv"):
                return self.export(request.GET["export"], ctx)
        return render(request, "chemicals/general_ledger.html", ctx)

    def export(self, fmt, ctx):
        headers = [_("Chemical"), _("CAS number"), _("unit"), _("Month"), _("Opening balance"), _("In"), _("Out"),
                   _("Balance")]
        rows = []
        for g in ctx["ledgers"]:
            rows.append([g.chemical.name_zh, g.chemical.cas or "", g.unit, _("Brought forward"), "", "", "",
                         _q(g.opening)])
            for m in g.months:
                rows.append([g.chemical.name_zh, g.chemical.cas or "", g.unit, m.month.strftime("%Y-%m"),
                             _q(m.opening), _q(m.received), _q(m.issued), _q(m.closing)])
        title = _("%(school)s · hazardous chemicals general ledger %(year)s") % {
            "school": ctx["school"].name, "year": ctx["year"]}
        audit_record("export", request=self.request, organisation=ctx["school"], detail=title)
        return file_response(fmt, str(_("General ledger")), headers=[str(h) for h in headers],
                             rows=[[str(c) for c in r] for r in rows], title=title)


class DetailLedgerView(LedgerPageMixin, View):
    """明细账: every movement of one chemical at one school, with the running balance."""

    def get(self, request):
        ctx = self.base_context()
        ctx["title"] = _("Detail ledger")
        school = ctx["school"]
        if school is not None:
            ctx["chemicals"] = selectors.chemicals_on_books(school)
            pk = request.GET.get("chemical", "")
            chemical = Chemical.objects.filter(pk=pk).first() if pk.isdigit() else None
            ctx["chemical"] = chemical
            if chemical is not None:
                ctx["opening"], ctx["lines"] = selectors.detail_ledger(organisation=school, chemical=chemical,
                                                                       year=ctx["year"])
                ctx["unit"] = ctx["lines"][0].movement.base_unit if ctx["lines"] else ""
                if request.GET.get("export") in ("xlsx", "csv"):
                    return self.export(request.GET["export"], ctx)
        return render(request, "chemicals/detail_ledger.html", ctx)

    def export(self, fmt, ctx):
        headers = [_("time"), _("movement"), _("container"), _("reference"), _("In"), _("Out"), _("Balance"),
                   _("custodian"), _("second custodian"), _("received or returned by"), _("measured with"),
                   _("reason or purpose")]
        rows = [[_("Brought forward"), "", "", "", "", "", _q(ctx["opening"]), "", "", "", "", ""]]
        for line in ctx["lines"]:
            m = line.movement
            rows.append([timezone.localtime(m.occurred_at).strftime("%Y-%m-%d %H:%M"),
                         m.get_kind_display() + (f"（{_('reversal')}）" if m.reverses_id else ""),
                         f"#{m.container_id}", m.reference, _q(line.received) if line.received else "",
                         _q(line.issued) if line.issued else "", _q(line.balance),
                         m.created_by.display_name if m.created_by else "",
                         m.second_person.display_name if m.second_person else "",
                         m.counterparty.display_name if m.counterparty else m.counterparty_name, m.equipment,
                         m.reason])
        chem = ctx["chemical"]
        title = _("%(school)s · detail ledger of %(chemical)s %(year)s (unit: %(unit)s)") % {
            "school": ctx["school"].name, "chemical": str(chem), "year": ctx["year"], "unit": ctx["unit"] or "—"}
        audit_record("export", request=self.request, organisation=ctx["school"], detail=title)
        return file_response(fmt, str(_("Detail ledger")), headers=[str(h) for h in headers],
                             rows=[[str(c) for c in r] for r in rows], title=title)


# Two-person control: custodian training records, bureau additions ------------------------------


class TrainingListView(ChemListView):
    model = CustodianTraining
    table_class = TrainingTable
    filterset_class = TrainingFilterSet
    select_related = ("organisation", "person")
    create_url_name = "chemicals:training_create"
    title = _("Custodian training")


class TrainingDetailView(ChemDetailView):
    model = CustodianTraining
    select_related = ("organisation", "person", "activity", "created_by")
    template_name = "chemicals/training_detail.html"
    detail_fields = ("organisation", "person", "course", "certificate", "trained_by", "trained_on", "valid_until",
                     "activity", "note", "created_by", "created_at")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_edit"] = permissions.can_edit_training(self.request.user, self.object)
        ctx["valid_today"] = self.object.is_valid_on(timezone.localdate())
        return ctx


class TrainingCreateView(ChemCreateView):
    model = CustodianTraining
    form_class = TrainingForm
    permission = staticmethod(permissions.can_manage_training_any)
    success_message = _("The training was put on file.")

    def perform_save(self, form):
        return services.training_create(organisation=form.cleaned_data["organisation"], actor=self.request.user,
                                        **self.fields_of(form))


class TrainingEditView(ChemEditView):
    model = CustodianTraining
    form_class = TrainingForm
    permission = staticmethod(permissions.can_edit_training)
    success_message = _("The training record was updated.")

    def perform_save(self, form):
        return services.training_update(record=self.object, actor=self.request.user, **self.changed(form))


class ControlListView(ChemListView):
    """The chemicals bureaus added to two-person control: a bureau's own and, for a school, those of
    the bureaus above it."""

    model = BureauControl
    table_class = ControlTable
    filterset_class = ControlFilterSet
    select_related = ("organisation", "chemical", "created_by")
    create_url_name = "chemicals:control_create"
    title = _("Chemicals under bureau control")

    def get_queryset(self):
        return selectors.controls_for(self.request.user).select_related(*self.select_related)


class ControlCreateView(ObjectCreateView):
    model = BureauControl
    form_class = ControlForm
    permission = staticmethod(permissions.can_control_any)
    success_message = _("The chemical is under two-person control in every school below the bureau.")

    def perform_save(self, form):
        data = form.cleaned_data
        return services.control_add(organisation=data["organisation"], chemical=data["chemical"],
                                    actor=self.request.user, reason=data["reason"])


class ControlRemoveView(ChemViewMixin, ObjectEditView):
    """POST only: lift a bureau's addition."""

    model = BureauControl
    permission = staticmethod(permissions.can_remove_control)
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            services.control_remove(control=self.object, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(chemical)s is no longer under the bureau's control.")
                             % {"chemical": self.object.chemical})
        return redirect("chemicals:control_list")


# Requisitions (领用审批单) ------------------------------------------------------------------------


class RequisitionListView(ChemListView):
    model = Requisition
    # to_attr: a list per requisition instead of a filtered queryset built per row (Django's prefetch
    # does that for `.all()`, ~40 µs a row); the table shows each line's chemical, quantity and unit.
    queryset = Requisition.objects.prefetch_related(Prefetch(
        "lines", to_attr="line_list",
        queryset=RequisitionLine.objects.select_related("chemical").only(
            "requisition", "quantity", "unit", "chemical__name_zh")))
    table_class = RequisitionTable
    filterset_class = RequisitionFilterSet
    select_related = ("organisation", "requester")
    create_url_name = "chemicals:requisition_create"
    title = _("Requisitions")


class RequisitionCreateView(ObjectCreateView):
    model = Requisition
    form_class = RequisitionForm
    permission = staticmethod(permissions.can_request_any)
    success_message = _("The requisition was saved as a draft: submit it for approval.")

    def perform_save(self, form):
        data = form.cleaned_data
        return services.requisition_create(organisation=data["organisation"], actor=self.request.user,
                                           class_name=data["class_name"], purpose=data["purpose"],
                                           use_at=data["use_at"], lines=form.lines())


class RequisitionDetailView(ChemDetailView):
    model = Requisition
    select_related = ("organisation", "requester", "approved_by", "issued_by")
    template_name = "chemicals/requisition_detail.html"
    workflow = REQUISITION_FLOW
    step_url_name = "chemicals:requisition_step"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        requisition = self.object
        ctx["accounts"] = selectors.requisition_accounts(requisition)
        ctx["movements"] = selectors.requisition_movements(requisition) \
            .select_related("chemical", "container", "created_by", "second_person").order_by("occurred_at", "pk")
        ctx["pending"] = selectors.requisition_pending(requisition).select_related("requested_by") \
            .order_by("requested_at", "pk")
        ctx["returned_by"] = "、".join(dict.fromkeys(
            m.created_by.display_name for m in ctx["movements"] if m.kind == MovementKind.RETURN and m.created_by))
        return ctx


class RequisitionStepView(ChemViewMixin, TransitionView):
    model = Requisition
    workflow = REQUISITION_FLOW


class RequisitionPrintView(RequisitionDetailView):
    """The printable requisition approval form (领用审批单)."""

    template_name = "chemicals/requisition_print.html"
class SegregationView(LedgerPageMixin, View):
    """分类存放: chemicals now sharing a cabinet against the segregation table, in every school the
    user sees (e.g. after a national list reload changed a flag), with the table's source."""

    def get(self, request):
        from .segregation import incompatible_pairs, source

        containers = Container.objects.visible_to(request.user)
        return render(request, "chemicals/segregation.html", {
            "title": _("Segregation"), "violations": selectors.segregation_violations(containers),
            "pairs": [(StorageClass(a).label, StorageClass(b).label, reason) for a, b, reason in incompatible_pairs()],
            "source": source(),
        })


# Stock counts (盘点) ----------------------------------------------------------------------------


class StockCountListView(ChemListView):
    model = StockCount
    table_class = StockCountTable
    filterset_class = StockCountFilterSet
    select_related = ("organisation", "cabinet", "cabinet__room", "started_by", "completed_by")
    title = _("Stock counts")


class StockCountStartView(ChemViewMixin, ObjectEditView):
    """POST only, from the cabinet's page: start a count of the cabinet."""

    model = Cabinet
    permission = staticmethod(permissions.can_start_count)
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            count = services.stock_count_start(cabinet=self.object, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(self.object.get_absolute_url())
        messages.success(request, _("The count has started: enter what you find in the cabinet."))
        return redirect(count.get_absolute_url())


class StockCountDetailView(ChemDetailView):
    model = StockCount
    select_related = ("organisation", "cabinet", "cabinet__room", "started_by", "completed_by")
    template_name = "chemicals/count_detail.html"
    workflow = COUNT_FLOW
    step_url_name = "chemicals:count_step"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        count, user = self.object, self.request.user
        ctx["lines"] = lines = list(selectors.count_lines(count))
        ctx["can_count"] = permissions.can_count(user, count)
        if ctx["can_count"]:
            ctx["form"] = CountEntryForm(lines=lines)
        ctx["entered"] = sum(1 for line in lines if line.found is not None)
        return ctx


class StockCountEnterView(ChemViewMixin, ObjectActionView):
    """The phone form: what was found in each container (the same form as on the count's page)."""

    model = StockCount
    form_class = CountEntryForm
    title_format = _("Enter the count: %(object)s")
    permission = staticmethod(permissions.can_count)
    template_name = "chemicals/count_entry.html"
    success_message = _("What you found was saved.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["lines"] = list(selectors.count_lines(self.object))
        return kwargs

    def perform_save(self, form):
        return services.stock_count_enter(count=self.object, actor=self.request.user, entries=form.entries())


class StockCountStepView(ChemViewMixin, TransitionView):
    model = StockCount
    workflow = COUNT_FLOW
    summary_template = "chemicals/_count_summary.html"

    def get_object(self):
        count = super().get_object()
        count.summary_lines = [line for line in selectors.count_lines(count)
                               if line.found is None or line.difference or line.problems]
        return count


class StockCountPrintView(StockCountDetailView):
    """The printable count sheet (盘点表)."""

    template_name = "chemicals/count_print.html"
