"""Pages of the chemicals app (thin: declarations over the core's generic views)."""
from django.utils.translation import gettext_lazy as _

from campaign_site.generic.views import ImportView, ObjectListView

from .catalogue import ChemicalListImporter, can_load_lists
from .filtersets import ChemicalFilterSet
from .models import Chemical
from .tables import ChemicalTable


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
