"""Session limits: an idle time-out (shorter for bureau roles) and an absolute limit after login.

The idle limit is SESSION_IDLE_MINUTES_BUREAU (default 30) for anyone holding a bureau role or a
superuser, SESSION_IDLE_MINUTES_SCHOOL (default 60) for school roles; the absolute limit is
SESSION_ABSOLUTE_HOURS (default 12) after login, whatever the activity. Pages carry the seconds
left (`data-session-seconds` on <body>); static/js/session-timeout.js warns two minutes before.
"""
from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .permissions import BUREAU_ROLES

STARTED = "_session_started"
LAST_SEEN = "_session_last_seen"
TOUCH_EVERY = 30  # seconds: the session is written at most this often by ordinary requests


def idle_seconds(user) -> int:
    cached = getattr(user, "_idle_seconds", None)
    if cached is None:
        bureau = user.is_superuser or user.memberships.filter(is_active=True, role__in=BUREAU_ROLES).exists()
        minutes = settings.SESSION_IDLE_MINUTES_BUREAU if bureau else settings.SESSION_IDLE_MINUTES_SCHOOL
        cached = user._idle_seconds = int(minutes * 60)
    return cached


def mark_login(request) -> None:
    now = int(time.time())
    request.session[STARTED] = now
    request.session[LAST_SEEN] = now


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.setdefault(STARTED, now)
            last = session.setdefault(LAST_SEEN, now)
            idle = idle_seconds(user)
            absolute = int(settings.SESSION_ABSOLUTE_HOURS * 3600)
            if now - last > idle or now - started > absolute:
                return self._expired(request, idle_timeout=now - started <= absolute)
            if now - last >= TOUCH_EVERY or request.path == reverse("accounts:session_ping"):
                session[LAST_SEEN] = now
                last = now
            request.session_seconds_left = max(0, min(last + idle, started + absolute) - now)
        return self.get_response(request)

    def _expired(self, request, *, idle_timeout: bool):
        logout(request)
        if idle_timeout:
            messages.info(request, _("You were logged out after a period of inactivity. Please log in again."))
        else:
            messages.info(request, _("Your session reached its maximum length. Please log in again."))
        login = f"{reverse('accounts:login')}?next={request.get_full_path()}" if request.method == "GET" \
            else reverse("accounts:login")
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = login
            return response
        if request.path == reverse("accounts:session_ping"):
            return JsonResponse({"seconds_left": 0}, status=401)
        return redirect(login)


@login_required
@require_POST
def session_ping(request):
    """"Stay logged in": any request counts as activity; this one answers the seconds left."""
    return JsonResponse({"seconds_left": getattr(request, "session_seconds_left", 0)})
