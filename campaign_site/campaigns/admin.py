"""Back office: read-mostly views of the campaign records; writes go through the app's pages and services.
Nothing is deleted here and workflow history is never reverted (generic/admin.py)."""
from django.contrib import admin

from campaign_site.generic.admin import RecordAdmin

from .models import Activity, Campaign, ImplementationPlan


@admin.register(Campaign)
class CampaignAdmin(RecordAdmin):
    list_display = ("title", "organisation", "is_template", "status", "start", "end")
    list_filter = ("is_template", "status")
    search_fields = ("title", "document_number", "slug")
    readonly_fields = ("status", "source", "is_template", "slug", "organisation", "created_by")


@admin.register(ImplementationPlan)
class ImplementationPlanAdmin(RecordAdmin):
    list_display = ("organisation", "campaign", "status", "submitted_at", "similarity")
    list_filter = ("status",)
    search_fields = ("organisation__name", "campaign__title")
    readonly_fields = [f.name for f in ImplementationPlan._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Activity)
class ActivityAdmin(RecordAdmin):
    list_display = ("date", "kind", "topic", "organisation", "participants")
    list_filter = ("kind",)
    search_fields = ("topic", "organisation__name")
    readonly_fields = ("organisation", "created_by")
