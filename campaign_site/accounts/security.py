"""Login events for the security audit log."""
from __future__ import annotations

from campaign_site.generic.audit import audit_record
from campaign_site.generic.models import AuditResult

from .models import User


def _known_user(username: str) -> User | None:
    if not username:
        return None
    return User.objects.filter(username__iexact=username).first()


def _organisation(user: User | None):
    if user is None:
        return None
    membership = user.memberships.filter(is_active=True).select_related("organisation").order_by("pk").first()
    return membership.organisation if membership else None


def on_login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username") or ""
    user = _known_user(username)
    audit_record("login_failed", request=request, user=user, username=username, organisation=_organisation(user),
                 result=AuditResult.FAILURE)


def on_logged_in(sender, request, user, **kwargs):
    audit_record("login", request=request, user=user, organisation=_organisation(user))

