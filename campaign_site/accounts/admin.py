from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from import_export.admin import ExportMixin

from campaign_site.generic.admin import NoDeleteInline, RecordAdmin

from . import services
from .models import Department, Membership, Organisation, Person, User


def superuser_only(request):
    """The Django admin is for system administrators only; bureau staff use the product's pages."""
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = superuser_only


class MembershipInline(NoDeleteInline, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class UserAdmin(RecordAdmin, BaseUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "full_name", "email", "is_active", "is_superuser"]
    fieldsets = BaseUserAdmin.fieldsets + ((None, {"fields": ("full_name", "phone", "language")}),)

    def deactivate(self, request, obj):
        services.user_set_active(user=obj, active=False, actor=request.user)


@admin.register(Organisation)
class OrganisationAdmin(ExportMixin, RecordAdmin):
    list_display = ["name", "code", "kind", "school_type", "parent", "is_active"]
    list_filter = ["kind", "school_type", "is_active"]
    search_fields = ["name", "code"]
    readonly_fields = ["path", "depth"]
    autocomplete_fields = ["parent"]

    def has_change_permission(self, request, obj=None):
        return False  # the tree paths are maintained by accounts.services

    def has_add_permission(self, request):
        return False

    def deactivate(self, request, obj):
        services.organisation_update(organisation=obj, actor=request.user, is_active=False)


@admin.register(Department)
class DepartmentAdmin(RecordAdmin):
    list_display = ["name", "organisation"]
    search_fields = ["name", "organisation__name"]


@admin.register(Person)
class PersonAdmin(RecordAdmin):
    list_display = ["name", "organisation", "department", "position", "user"]
    search_fields = ["name", "organisation__name"]
