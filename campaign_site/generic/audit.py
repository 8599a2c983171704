"""The security audit log: one call records a security-relevant event.

    from campaign_site.generic.audit import audit_record

    audit_record("export", request=request, detail="hazards.xlsx, 120 rows")
    audit_record("user_deactivated", user=actor, obj=target_user, organisation=school)
    audit_record("login_failed", request=request, username="zhang", result=AuditResult.FAILURE)

`request` gives the user, the client address (through the trusted-proxy rule of
`generic.net.client_ip`) and the current organisation; without it the request being served (if
any) is used for the address. `obj` fills the object columns and, when it has an organisation,
the organisation the record is scoped to. Records are append-only and kept at least
`AUDIT_RETENTION_DAYS` (never less than 183) days; `audit_prune` removes only older ones.

Actions are free strings; register a label for a new one with `register_action(code, label)` in
your AppConfig.ready() so the log page shows it translated.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, AuditResult

logger = logging.getLogger("campaign_site.audit")

MIN_RETENTION_DAYS = 183  # "at least six months"

_labels: dict[str, object] = {
    "login": _("Logged in"),
    "login_failed": _("Failed login"),
    "locked_out": _("Locked out after failed logins"),
    "unlocked": _("Login lock lifted"),
    "logout": _("Logged out"),
    "password_changed": _("Changed own password"),
    "permission_denied": _("Access refused (403)"),
    "hidden_object": _("Another organisation's record requested (404)"),
    "export": _("Exported a list"),
    "import": _("Imported a file"),
    "user_created": _("User created"),
    "user_changed": _("User details changed"),
    "user_activated": _("User reactivated"),
    "user_deactivated": _("User deactivated"),
    "password_reset": _("Temporary password set"),
    "role_added": _("Role given"),
    "role_removed": _("Role taken away"),
    "admin_added": _("Administration: record added"),
    "admin_changed": _("Administration: record changed"),
    "admin_deleted": _("Administration: record deleted"),
}


def register_action(code: str, label) -> None:
    _labels[code] = label


def action_label(code: str) -> str:
    return str(_labels.get(code, code))


def action_choices() -> list[tuple[str, str]]:
    return sorted(((code, str(label)) for code, label in _labels.items()), key=lambda c: c[1])


def _current_request():
    """The request being served by this thread, if any (simple_history's middleware keeps it)."""
    try:
        from simple_history.models import HistoricalRecords
    except ImportError:  # pragma: no cover
        return None
    return getattr(HistoricalRecords.context, "request", None)


def audit_record(action: str, *, request=None, user=None, obj=None, organisation=None,
                 result: str = AuditResult.SUCCESS, detail: str = "", username: str = "",
                 content_type=None, object_id="", object_repr: str = "") -> AuditEvent | None:
    """Write one audit record. Never raises: a failure to audit is logged, not shown to the user
    (the action itself has already been decided)."""
    from .net import client_ip

    try:
        req = request if request is not None else _current_request()
        if user is None and request is not None:
            candidate = getattr(request, "user", None)
            if candidate is not None and candidate.is_authenticated:
                user = candidate
        if obj is not None:
            from django.contrib.contenttypes.models import ContentType

            content_type = ContentType.objects.get_for_model(obj)
            object_id = obj.pk
            object_repr = str(obj)
            if organisation is None:
                organisation = _organisation_of(obj)
        if organisation is None and request is not None:
            organisation = getattr(request, "organisation", None)
        fields = dict(
            action=action, user=user, username=(username or getattr(user, "username", "") or "")[:150],
            client_ip=client_ip(req) if req is not None else None,
            content_type=content_type, object_id="" if object_id is None else str(object_id)[:64],
            object_repr=(object_repr or "")[:200], organisation=organisation,
            result=result, detail=detail or "",
        )
        if transaction.get_connection().in_atomic_block:
            with transaction.atomic():  # a savepoint: a failed write cannot spoil the caller's transaction
                return AuditEvent.objects.create(**fields)
        return AuditEvent.objects.create(**fields)
    except Exception:  # noqa: BLE001 — auditing must never turn a refusal into a 500
        logger.exception("could not write the audit record %s", action)
        return None


def audit_record_many(records: list[dict]) -> int:
    """Write many audit records in one statement (a bulk service, e.g. a roster import writing a
    "user created" and a "role given" record per row). Each dict takes `audit_record`'s keywords
    `action`, `user`, `obj`, `organisation`, `result`, `detail`; the client address is the request
    being served (if any). Never raises, like `audit_record`. Returns the number written."""
    from django.contrib.contenttypes.models import ContentType

    from .net import client_ip

    try:
        req = _current_request()
        address = client_ip(req) if req is not None else None
        events = []
        for record in records:
            obj, user, organisation = record.get("obj"), record.get("user"), record.get("organisation")
            if obj is not None and organisation is None:
                organisation = _organisation_of(obj)
            events.append(AuditEvent(
                action=record["action"], user=user, username=(getattr(user, "username", "") or "")[:150],
                client_ip=address, organisation=organisation, result=record.get("result", AuditResult.SUCCESS),
                detail=record.get("detail", ""),
                content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
                object_id=str(obj.pk)[:64] if obj is not None else "", object_repr=str(obj)[:200] if obj is not None else "",
            ))
        with transaction.atomic():  # a savepoint: a failed write cannot spoil the caller's transaction
            AuditEvent.objects.bulk_create(events, batch_size=500)
        return len(events)
    except Exception:  # noqa: BLE001 — auditing must never turn a refusal into a 500
        logger.exception("could not write %d audit records", len(records))
        return 0


def _organisation_of(obj):
    model = type(obj)
    if model._meta.label == "accounts.Organisation":
        return obj
    field = getattr(model, "scope_field", "organisation")
    if field == "self":
        return obj
    current = obj
    for part in field.split("__"):
        current = getattr(current, part, None)
        if current is None:
            return None
    return current


def audit_hidden_lookup(request, queryset, lookup: dict) -> None:
    """A scoped lookup found nothing: if the object exists outside the user's scope, record it."""
    base = queryset.model._default_manager.all() if hasattr(queryset, "model") else queryset
    try:
        hidden = base.filter(**lookup).first()
    except Exception:  # noqa: BLE001 — a malformed lookup is simply a missing object
        return
    if hidden is None:
        return
    user = getattr(request, "user", None)
    visible_to = getattr(base, "visible_to", None)
    if visible_to is not None and user is not None and visible_to(user).filter(pk=hidden.pk).exists():
        return  # within the user's scope: a 404 for another reason, not a cross-organisation request
    audit_record("hidden_object", request=request, obj=hidden, result=AuditResult.DENIED,
                 detail=getattr(request, "path", "") if request is not None else "")


def retention_cutoff(now=None):
    from django.conf import settings

    days = max(int(getattr(settings, "AUDIT_RETENTION_DAYS", 365)), MIN_RETENTION_DAYS)
    return (now or timezone.now()) - timedelta(days=days)


def audit_prune(now=None) -> int:
    """Remove records older than the retention period (and only those). Returns how many."""
    old = AuditEvent.objects.filter(at__lt=retention_cutoff(now))
    count = old.count()
    if count:
        old._raw_delete(old.db)
    return count


def audit_admin_log_entry(sender, instance, created, **kwargs):
    """Every add/change/delete done in the admin (django.contrib.admin writes a LogEntry for each)."""
    if not created:
        return
    action = {1: "admin_added", 2: "admin_changed", 3: "admin_deleted"}.get(instance.action_flag, "admin_changed")
    audit_record(action, user=instance.user, content_type=instance.content_type, object_id=instance.object_id or "",
                 object_repr=instance.object_repr, detail=instance.get_change_message())
