"""Pages of the chemicals app (thin: declarations over the core's generic views)."""
from django.utils.translation import gettext_lazy as _

from campaign_site.generic.views import (
    ImportView,
    ObjectCreateView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
)

from . import permissions, services
from .catalogue import ChemicalListImporter, can_load_lists
from .filtersets import CabinetFilterSet, ChemicalFilterSet, ContainerFilterSet, RoomFilterSet
from .forms import CabinetForm, ContainerForm, RoomForm
from .models import Cabinet, Chemical, ChemicalRoom, Container
from .tables import CabinetTable, ChemicalTable, ContainerTable, RoomTable


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
    template_name = "chemicals/record_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_keep"] = permissions.can_keep(self.request.user, self.object.organisation)
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
    select_related = ("organisation", "chemical", "cabinet", "cabinet__room")
    create_url_name = "chemicals:container_create"
    title = _("Containers")


class ContainerDetailView(ChemDetailView):
    model = Container
    select_related = ("organisation", "chemical", "cabinet", "cabinet__room")
    template_name = "chemicals/container_detail.html"
    detail_fields = ("organisation", "chemical", "cabinet", "position", "lot", "supplier", "received_on",
                     "opened_on", "expires_on", "unit", "size", "status", "note")


class ContainerCreateView(ChemCreateView):
    model = Container
    form_class = ContainerForm
    success_message = _("The container was put on file.")

    def perform_save(self, form):
        return services.container_create(organisation=form.cleaned_data["organisation"], actor=self.request.user,
                                         **self.fields_of(form))


class ContainerEditView(ChemEditView):
    model = Container
    form_class = ContainerForm
    success_message = _("The container was updated.")

    def perform_save(self, form):
        return services.container_update(container=self.object, actor=self.request.user, **self.changed(form))
