"""The back office's base for every model admin, in the core and in every app.

What the admin must never do, whatever the model:

- **delete** a record that keeps history (every domain model) or carries attachments: records are
  deactivated (an `is_active` flag, the "Deactivate" action) or closed through the app's pages;
  the delete button, the bulk delete action and the delete page are gone, and a direct visit to
  the delete page says so and goes back;
- **rewrite history**: simple-history's "revert" writes an old version of every field at once,
  around the services, so a record with a workflow (a `status` field) would change state with
  no timeline entry. It is off for those models (and refused if posted anyway);
- **touch a ledger or a history table**: `LedgerAdmin` is read-only (no add, change or delete).

Apps declare their admins on these bases (`RecordAdmin`, `ReadOnlyRecordAdmin`, `LedgerAdmin`,
`NoDeleteInline`); tests/test_admin_rules.py walks the admin registry and fails for a domain model
registered on anything else.
"""
from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from .errors import DomainError


def has_workflow(model) -> bool:
    """A model whose state moves through services and a transition table (a `status` field)."""
    if getattr(model, "admin_has_workflow", None) is not None:
        return bool(model.admin_has_workflow)
    try:
        model._meta.get_field("status")
    except FieldDoesNotExist:
        return False
    return True


def active_field(model) -> str | None:
    for name in ("is_active",):
        try:
            model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        return name
    return None


class RecordAdmin(SimpleHistoryAdmin):
    """History readable, never rewritten for workflow models; nothing deleted; deactivation instead."""

    #: Shown when someone opens the delete page anyway.
    delete_refused_message = gettext_lazy(
        "Records with a history are never deleted. Deactivate it instead, or close it on its own page."
    )

    # -- deletion ------------------------------------------------------------------------------
    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        if active_field(self.model) is None:
            actions.pop("deactivate_selected", None)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        messages.error(request, self.delete_refused_message)
        opts = self.model._meta
        try:
            url = reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[object_id])
        except Exception:  # noqa: BLE001 - any reverse failure: the list instead
            url = reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_changelist")
        return HttpResponseRedirect(url)

    # -- revert --------------------------------------------------------------------------------
    def revert_disabled(self, request, obj=None):
        return has_workflow(self.model) or super().revert_disabled(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and self.revert_disabled(request):
            raise PermissionDenied  # a workflow's state moves through its services only
        return super().history_form_view(request, object_id, version_id, extra_context)

    # -- deactivation --------------------------------------------------------------------------
    actions = ["deactivate_selected"]

    def deactivate(self, request, obj) -> None:
        """Deactivate one record (override to call the app's service)."""
        field = active_field(self.model)
        setattr(obj, field, False)
        obj._change_reason = "deactivated in the admin"
        obj.save(update_fields=[field])

    @admin.action(description=gettext_lazy("Deactivate the selected records"))
    def deactivate_selected(self, request, queryset):
        field = active_field(self.model)
        count = 0
        try:
            with transaction.atomic():
                for obj in queryset.filter(**{field: True}):
                    self.deactivate(request, obj)
                    count += 1
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        self.message_user(request, _("%(count)d records deactivated.") % {"count": count}, messages.SUCCESS)


class ReadOnlyRecordAdmin(RecordAdmin):
    """For records whose changes go through the app's pages (services): viewable only."""

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


class LedgerAdmin(ReadOnlyRecordAdmin):
    """Append-only records (ledgers, logs): never added, changed or deleted here."""

    actions = []

    def has_change_permission(self, request, obj=None):
        return False


class NoDeleteInline:
    """Mix into inlines of records with history: rows are deactivated, never deleted."""

    can_delete = False

    def has_delete_permission(self, request, obj=None):
        return False
