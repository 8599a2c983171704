"""Password rules for every password a person chooses (AUTH_PASSWORD_VALIDATORS), and the forced
change of a temporary password at the first login."""
from __future__ import annotations

import string

from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

CLASSES = (
    ("lower", set(string.ascii_lowercase)),
    ("upper", set(string.ascii_uppercase)),
    ("digit", set(string.digits)),
)


def character_classes(password: str) -> int:
    found = {name for name, chars in CLASSES if any(c in chars for c in password)}
    if any(not c.isalnum() or not c.isascii() for c in password):
        found.add("other")
    return len(found)


class CharacterClassesValidator:
    """At least `min_classes` of: lower-case letters, capitals, digits, other characters."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if character_classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _("The password must mix at least %(n)d of: lower-case letters, capital letters, digits and "
                 "other characters (such as !, # or -).") % {"n": self.min_classes}


class UsernameInPasswordValidator:
    """The user name (or its reverse) may not appear in the password."""

    def validate(self, password, user=None):
        username = (getattr(user, "username", "") or "").strip().lower()
        if len(username) >= 3 and (username in password.lower() or username[::-1] in password.lower()):
            raise ValidationError(self.get_help_text(), code="password_contains_username")

    def get_help_text(self):
        return _("The password must not contain the user name.")


class PasswordChangeRequiredMiddleware:
    """A user holding a temporary password (set by bureau staff or by a roster import) is sent to
    the password change page until they choose their own."""

    ALLOWED = ("accounts:password_change", "accounts:logout", "accounts:set_language", "accounts:session_ping", "accounts:login")

    def __init__(self, get_response):
        self.get_response = get_response
        self._allowed_paths = None

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            if self._allowed_paths is None:
                self._allowed_paths = {reverse(name) for name in self.ALLOWED}
            from django.conf import settings

            if request.path not in self._allowed_paths and not request.path.startswith(settings.STATIC_URL):
                if request.headers.get("HX-Request"):
                    from django.http import HttpResponse

                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = reverse("accounts:password_change")
                    return response
                return redirect("accounts:password_change")
        return self.get_response(request)
