"""Login events for the security audit log, and the login lock-out (django-axes)."""
from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.utils.translation import gettext as _

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
    from .sessions import mark_login

    if request is not None and hasattr(request, "session"):
        mark_login(request)
    audit_record("login", request=request, user=user, organisation=_organisation(user))


# -- login lock-out (django-axes) ----------------------------------------------------------------

def login_username(request, credentials) -> str:
    """The user name axes counts failures under: trimmed and lower-cased, so "Zhang" and "zhang "
    share one counter (AXES_USERNAME_CALLABLE)."""
    source = credentials if credentials else getattr(request, "POST", {}) or {}
    return (source.get("username") or "").strip().lower()


class LoginLockHandler(AxesDatabaseHandler):
    """An account is locked after LOGIN_FAILURE_LIMIT failures, a client address after
    LOGIN_ADDRESS_FAILURE_LIMIT (higher: a whole school may share one address behind its router).
    Both for LOGIN_LOCKOUT_MINUTES."""

    def is_locked(self, request, credentials=None) -> bool:
        if not settings.AXES_LOCK_OUT_AT_FAILURE:
            return False
        per_user, per_address = self.get_user_attempts(request, credentials)
        limits = (settings.AXES_FAILURE_LIMIT, settings.LOGIN_ADDRESS_FAILURE_LIMIT)
        return any(
            (qs.aggregate(n=Sum("failures_since_start"))["n"] or 0) >= limit
            for qs, limit in zip((per_user, per_address), limits, strict=True)
        )


def lockout_response(request, original_response=None, credentials=None):
    """The login page again, with a message that is the same whether the account exists or not."""
    from django.contrib.auth.forms import AuthenticationForm
    from django.shortcuts import render

    form = AuthenticationForm(request, data=None)
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _("Too many failed logins. Logging in is blocked for %(minutes)d minutes for this account or "
                "this network address. Try again later, or ask the bureau's safety staff to unlock the account.") % {
        "minutes": minutes}
    response = render(request, "accounts/login.html", {"form": form, "locked_message": message,
                                                       "next": request.POST.get("next", "")}, status=429)
    return response


def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    user = _known_user(username or "")
    audit_record("locked_out", request=request, user=user, username=username or "", organisation=_organisation(user),
                 result=AuditResult.DENIED)


def is_locked(user: User) -> bool:
    """Whether `user` is locked out now (shown on the user page with the unlock button)."""
    from axes.models import AccessAttempt
    from django.utils import timezone

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failures = AccessAttempt.objects.filter(username=user.username.lower(), attempt_time__gte=since).aggregate(
        n=Sum("failures_since_start"))["n"] or 0
    return failures >= settings.AXES_FAILURE_LIMIT


def unlock(user: User) -> int:
    from axes.utils import reset

    return reset(username=user.username.lower())
