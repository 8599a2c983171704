"""Back office: the administrator imports and exports the chemical catalogue (django-import-export)."""
from django.contrib import admin
from import_export import resources
from import_export.admin import ImportExportModelAdmin

from campaign_site.generic.admin import RecordAdmin

from .models import Chemical


class ChemicalResource(resources.ModelResource):
    class Meta:
        model = Chemical
        import_id_fields = ("cas",)
        skip_unchanged = True
        report_skipped = True
        fields = ("cas", "name_zh", "name_en", "aliases", "formula", "ghs_pictograms", "hazard_classes",
                  "storage_class", "highly_toxic", "explosive_precursor", "drug_precursor_category", "flammable",
                  "explosive", "light_sensitive", "volatile", "deliquescent", "hydrolysable", "note")
        clean_model_instances = True  # runs full_clean: CAS check digit, choices


@admin.register(Chemical)
class ChemicalAdmin(ImportExportModelAdmin, RecordAdmin):
    resource_classes = [ChemicalResource]
    list_display = ("name_zh", "name_en", "cas", "storage_class", "highly_toxic", "explosive_precursor",
                    "drug_precursor_category", "flammable")
    list_filter = ("storage_class", "highly_toxic", "explosive_precursor", "drug_precursor_category", "flammable")
    search_fields = ("name_zh", "name_en", "aliases", "cas")

    def has_delete_permission(self, request, obj=None):
        return False  # containers and ledgers refer to catalogue entries; history is kept
