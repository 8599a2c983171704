"""Tables of the chemicals lists (declarations). Columns are what the export writes."""
import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from campaign_site.generic.tables import Table

from .models import Chemical


class ChemicalTable(Table):
    name_zh = tables.Column()
    name_en = tables.Column()
    cas = tables.Column()
    formula = tables.Column()
    storage_class = tables.Column()
    flags = tables.Column(verbose_name=_("flags"), empty_values=(), orderable=False)
    ghs_pictograms = tables.Column()
    keeping = tables.Column(verbose_name=_("keeping"), empty_values=(), orderable=False)

    class Meta:
        model = Chemical
        fields = ()
        sequence = ("name_zh", "name_en", "cas", "formula", "storage_class", "flags", "ghs_pictograms", "keeping")
        phone_columns = ("name_zh", "cas", "flags")
        order_by = ("name_zh",)
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "chemical-table"}

    def render_flags(self, record):
        return "、".join(record.flag_labels()) or "—"

    def value_flags(self, record):
        return "、".join(record.flag_labels())

    def render_keeping(self, record):
        return "、".join(record.keeping_labels()) or "—"

    def value_keeping(self, record):
        return "、".join(record.keeping_labels())
