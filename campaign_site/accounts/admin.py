from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from .models import Department, Membership, Organisation, Person, User


def superuser_only(request):
    """The Django admin is for system administrators only; bureau staff use the product's pages."""
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = superuser_only


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "full_name", "email", "is_active", "is_superuser"]
    fieldsets = BaseUserAdmin.fieldsets + ((None, {"fields": ("full_name", "phone", "language")}),)


@admin.register(Organisation)
class OrganisationAdmin(ExportMixin, SimpleHistoryAdmin):
    list_display = ["name", "code", "kind", "school_type", "parent", "is_active"]
    list_filter = ["kind", "school_type", "is_active"]
    search_fields = ["name", "code"]
    readonly_fields = ["path", "depth"]
    autocomplete_fields = ["parent"]

    def has_change_permission(self, request, obj=None):
        return False  # the tree paths are maintained by accounts.services

    def has_add_permission(self, request):
        return False


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ["name", "organisation"]
    search_fields = ["name", "organisation__name"]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["name", "organisation", "department", "position", "user"]
    search_fields = ["name", "organisation__name"]
