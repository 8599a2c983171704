"""Pupils' sensitive personal information: guardian phones and ID numbers.

Lists, exports and history show masked values to everyone. The full value is shown only through
`reveal()`, to the transport officer and the principal, and every reveal is written to the
security audit log: this module is the one place that unmasks.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied

from .permissions import can_reveal

REVEAL_ACTION = "pupil_data_viewed"

REVEALABLE = ("guardian_phone", "id_number")


def mask_phone(value: str) -> str:
    """138****5678: the first 3 and last 4 digits stay (enough to recognise, not to dial)."""
    value = (value or "").strip()
    if len(value) < 7:
        return "*" * len(value)
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"


def mask_id(value: str) -> str:
    """4101**********1234: region prefix and last 4 characters only (no birth date)."""
    value = (value or "").strip()
    if len(value) < 8:
        return "*" * len(value)
    return f"{value[:4]}{'*' * (len(value) - 8)}{value[-4:]}"


MASKERS = {"guardian_phone": mask_phone, "id_number": mask_id}


def masked(rider, field: str) -> str:
    return MASKERS[field](getattr(rider, field))


def _audit(*, user, rider, field: str, request=None, allowed: bool = True) -> None:
    """Record one look (or a refused attempt) at a full value in the security audit log."""
    from campaign_site.generic.audit import audit_record
    from campaign_site.generic.models import AuditResult

    audit_record(REVEAL_ACTION, request=request, user=user, obj=rider, detail=field,
                 result=AuditResult.SUCCESS if allowed else AuditResult.DENIED)


def reveal(*, user, rider, field: str, request=None) -> str:
    """The full value of `field` for `user`, written to the audit log; PermissionDenied otherwise."""
    if field not in REVEALABLE:
        raise PermissionDenied
    if not can_reveal(user, rider.organisation):
        _audit(user=user, rider=rider, field=field, request=request, allowed=False)
        raise PermissionDenied
    _audit(user=user, rider=rider, field=field, request=request)
    return getattr(rider, field)
