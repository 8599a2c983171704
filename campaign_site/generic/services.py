"""Small write helpers every app's services use.

`model_update(*, instance, data, allowed=None, actor=None, reason="")`
    Sets on `instance` only the fields of `data` whose value differs, saves once with
    `update_fields` (plus any `auto_now` field such as `updated_at`), and so writes one history
    row (django-simple-history) that says who (`actor`, else the request's user) and why
    (`reason` becomes `history_change_reason`; an `instance._change_reason` already set by the
    caller is kept when `reason` is empty). Nothing changed: nothing is saved, no history row.

    Returns a dict {field name: old value} of what changed, in the order of `data` (empty when
    nothing did), so a service can react (`if "level" in changed: ...`, `changed["level"]` is the
    old level; for a foreign key the old value is the old primary key, so nothing is loaded).

    `allowed`: the field names a caller may set (a set/frozenset); a key outside it, or a key that
    is no concrete field of the model, raises `DomainError("Cannot change ...")`. Many-to-many
    fields are refused (set them with `.set()` in the service). Values are compared after the
    field's `to_python` (so "2026-01-05" equals a date, "1.50" equals Decimal("1.5")); a value
    that does not convert raises `DomainError` naming the field. Foreign keys may be given as an
    object, None or (by attname, e.g. "school_id") as a primary key; they are compared by key,
    without loading the related row.

    The caller runs it inside the service's transaction on a row it has locked
    (`select_for_update`) and checks permissions and business rules first:

        @transaction.atomic
        def campaign_update(*, campaign, actor, **fields):
            campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
            ...rules...
            changed = model_update(instance=campaign, data=fields, allowed=CAMPAIGN_FIELDS, actor=actor)
            return campaign
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from .errors import DomainError


def _field_for(model, key: str):
    try:
        field = model._meta.get_field(key)
    except FieldDoesNotExist:
        # A foreign key by its attname ("school_id").
        for f in model._meta.concrete_fields:
            if f.attname == key:
                return f
        return None
    if not getattr(field, "concrete", False) or field.many_to_many:
        return None
    return field


def _key_of(field, value):
    """A foreign key's comparable value: the primary key of an object, or the key itself."""
    if value is None:
        return None
    if isinstance(value, models.Model):
        return getattr(value, field.target_field.attname)
    return field.target_field.to_python(value)


def model_update(
    *,
    instance: models.Model,
    data: Mapping[str, Any],
    allowed: Iterable[str] | None = None,
    actor=None,
    reason: str = "",
) -> dict[str, Any]:
    """Set the changed fields of `data` on `instance`, save them with `update_fields` and history.

    Returns {field name: old value} for the fields that changed (empty dict: nothing saved)."""
    model = type(instance)
    allowed_set = set(allowed) if allowed is not None else None
    fields = {}
    unknown = []
    for key in data:
        field = _field_for(model, key)
        if field is None or field.primary_key or (allowed_set is not None and key not in allowed_set):
            unknown.append(key)
        else:
            fields[key] = field
    if unknown:
        raise DomainError(f"Cannot change {', '.join(sorted(unknown))}")

    changed: dict[str, Any] = {}
    updates: list[tuple[str, Any]] = []
    for key, field in fields.items():
        value = data[key]
        if field.is_relation:
            new_key = _key_of(field, value)
            old_key = getattr(instance, field.attname)
            if new_key == old_key:
                continue
            changed[key] = old_key
            if isinstance(value, models.Model):
                updates.append((field.name, value))
            else:
                updates.append((field.attname, new_key))
        else:
            if value is not None or not field.null:
                try:
                    value = field.to_python(value)
                except ValidationError as exc:
                    raise DomainError(
                        _("%(field)s: %(error)s") % {"field": field.verbose_name, "error": " ".join(exc.messages)}
                    )
            old = getattr(instance, field.attname)
            if old == value:
                continue
            changed[key] = old
            updates.append((field.attname, value))
    if not changed:
        return changed

    for attr, value in updates:
        setattr(instance, attr, value)
    update_fields = [fields[key].name for key in changed]
    update_fields += [
        f.name for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) and f.name not in update_fields
    ]
    if reason:
        instance._change_reason = str(reason)
    if actor is not None and getattr(actor, "pk", None):
        instance._history_user = actor
    instance.save(update_fields=update_fields)
    return changed
