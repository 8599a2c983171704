"""The bureau's back office: read-mostly views of the hazards records. Status and the closed loop
are changed only through the app's pages (services), never here."""
from django.contrib import admin

from campaign_site.generic.admin import ReadOnlyRecordAdmin as ReadOnlyStatusAdmin

from .models import AccountabilityRecord, Hazard, Inspection, InspectionSchedule


@admin.register(Hazard)
class HazardAdmin(ReadOnlyStatusAdmin):
    list_display = ("number", "organisation", "title", "level", "status", "deadline", "is_listed", "is_recurring")
    list_filter = ("level", "status", "source", "is_listed", "is_recurring")
    search_fields = ("number", "title", "location")
    list_select_related = ("organisation",)


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyStatusAdmin):
    list_display = ("planned_for", "organisation", "title", "kind", "status")
    list_filter = ("kind", "status")
    search_fields = ("title",)
    list_select_related = ("organisation",)


@admin.register(InspectionSchedule)
class InspectionScheduleAdmin(ReadOnlyStatusAdmin):
    list_display = ("title", "organisation", "frequency", "next_due", "is_active")
    list_select_related = ("organisation",)


@admin.register(AccountabilityRecord)
class AccountabilityRecordAdmin(ReadOnlyStatusAdmin):
    list_display = ("decided_on", "organisation", "person", "department", "decided_by", "made_public")
    list_select_related = ("organisation", "person", "department")
