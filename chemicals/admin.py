"""Back office: the administrator imports and exports the chemical catalogue and the bureaus' lists of
waste contractors (django-import-export)."""
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets
from import_export.admin import ImportExportModelAdmin

from campaign_site.accounts.models import Organisation
from campaign_site.generic.admin import RecordAdmin
from campaign_site.generic.errors import DomainError

from .models import Chemical, WasteContractor


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


class ContractorResource(resources.ModelResource):
    """A bureau's contractors, matched by the bureau's code and the licence number. Every row goes
    through the same rules as the contractor page (`disposal.contractor_check`)."""

    organisation = fields.Field(attribute="organisation", column_name="organisation",
                                widget=widgets.ForeignKeyWidget(Organisation, field="code"))

    class Meta:
        model = WasteContractor
        import_id_fields = ("organisation", "licence_number")
        skip_unchanged = True
        report_skipped = True
        fields = ("organisation", "name", "credit_code", "licence_number", "licence_scope", "licence_authority",
                  "licence_valid_from", "licence_valid_until", "contact_person", "phone", "address", "is_active",
                  "note")
        clean_model_instances = True
        use_transactions = True

    def import_data(self, dataset, **kwargs):
        kwargs["rollback_on_validation_errors"] = True  # all or nothing, like every import of the product
        return super().import_data(dataset, **kwargs)

    def save_instance(self, instance, is_create, row, **kwargs):
        """Every row through the contractor services, so the admin obeys the rules of the pages."""
        from .disposal import CONTRACTOR_FIELDS, contractor_create, contractor_update

        actor = kwargs.get("user")
        data = {name: getattr(instance, name) for name in CONTRACTOR_FIELDS}
        try:
            if is_create:
                instance.pk = contractor_create(organisation=instance.organisation, actor=actor, **data).pk
            else:
                contractor_update(contractor=WasteContractor.objects.get(pk=instance.pk), actor=actor, **data)
        except DomainError as exc:
            raise ValidationError(str(exc)) from exc


class ContractorAdminForm(forms.ModelForm):
    """The change form asks the same rules as the contractor page and the import."""

    class Meta:
        model = WasteContractor
        fields = ["organisation", "name", "credit_code", "licence_number", "licence_scope", "licence_authority",
                  "licence_valid_from", "licence_valid_until", "contact_person", "phone", "address", "is_active",
                  "note"]

    def _post_clean(self):
        super()._post_clean()
        from .disposal import contractor_check

        if not self.errors:
            try:
                contractor_check(self.instance)
            except DomainError as exc:
                self.add_error(None, exc.message)


@admin.register(WasteContractor)
class WasteContractorAdmin(ImportExportModelAdmin, RecordAdmin):
    form = ContractorAdminForm
    resource_classes = [ContractorResource]
    list_display = ("name", "organisation", "licence_number", "licence_valid_from", "licence_valid_until",
                    "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "licence_number", "credit_code")
    raw_id_fields = ("organisation",)

    def has_delete_permission(self, request, obj=None):
        return False  # disposal batches refer to contractors; a contractor no longer used is set inactive

