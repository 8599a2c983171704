from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources
from import_export.admin import ImportExportMixin
from import_export.widgets import ForeignKeyWidget

from campaign_site.generic.admin import NoDeleteInline, RecordAdmin
from campaign_site.generic.errors import DomainError

from . import services
from .models import Department, Membership, Organisation, OrgKind, Person, User


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


class OrganisationResource(resources.ModelResource):
    """The administrator's back-office import and export of the organisation tree (django-import-export).

    Rows are keyed by the institution code; the parent is named by its code and must come earlier
    in the file or exist already. Every row is written through accounts.services (tree path, code
    uniqueness, which kind may sit under which), so the admin obeys the same rules as the pages;
    the whole file is one transaction (the admin's preview rolls it back)."""

    parent = fields.Field(attribute="parent", column_name="parent", widget=ForeignKeyWidget(Organisation, "code"))

    class Meta:
        model = Organisation
        import_id_fields = ("code",)
        fields = ("code", "name", "kind", "school_type", "parent", "address", "phone", "is_active")
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def import_data(self, dataset, **kwargs):
        kwargs["rollback_on_validation_errors"] = True  # all-or-nothing, like every import of the product
        return super().import_data(dataset, **kwargs)

    def save_instance(self, instance, is_create, row, **kwargs):
        actor = kwargs.get("user")
        if instance.kind not in OrgKind.values:
            raise ValidationError(_("Unknown kind of organisation: %(kind)s") % {"kind": instance.kind})
        try:
            if is_create:
                created = services.organisation_create(
                    name=instance.name, code=instance.code, kind=instance.kind, parent=instance.parent,
                    school_type=instance.school_type, address=instance.address, phone=instance.phone, actor=actor)
                instance.pk, instance.path, instance.depth = created.pk, created.path, created.depth
                if not instance.is_active:
                    services.organisation_update(organisation=created, actor=actor, is_active=False)
                return
            stored = Organisation.objects.only("kind", "parent_id").get(pk=instance.pk)
            if (stored.kind, stored.parent_id) != (instance.kind, instance.parent_id):
                raise DomainError(_("%(code)s: an import cannot change the kind of an organisation or move it in "
                                    "the tree.") % {"code": instance.code})
            services.organisation_update(
                organisation=instance, actor=actor, name=instance.name, school_type=instance.school_type,
                address=instance.address, phone=instance.phone, is_active=instance.is_active)
        except DomainError as exc:
            raise ValidationError(str(exc)) from exc


@admin.register(Organisation)
class OrganisationAdmin(ImportExportMixin, RecordAdmin):
    resource_classes = [OrganisationResource]
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
