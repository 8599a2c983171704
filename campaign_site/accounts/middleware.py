from django.conf import settings
from django.utils import translation

LANGUAGE_COOKIE = settings.LANGUAGE_COOKIE_NAME
SUPPORTED = {code for code, _name in settings.LANGUAGES}


class UserLanguageMiddleware:
    """Activate the user's own language (kept on the user), else the cookie, else Chinese.

    The browser's Accept-Language is deliberately ignored: the product speaks Chinese unless
    a person chooses English.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = user.language
        if language not in SUPPORTED:
            language = request.COOKIES.get(LANGUAGE_COOKIE)
        if language not in SUPPORTED:
            language = settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        with translation.override(language):  # restored afterwards: no language leaks between requests
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


SESSION_KEY = "current_membership"


class CurrentMembershipMiddleware:
    """`request.memberships`, `request.membership`, `request.organisation`: the user's active
    memberships and the one they act in now (chosen in the header, kept in the session).
    Plain attributes (None when there is none), set with one query for logged-in users."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.memberships, request.membership, request.organisation = [], None, None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            memberships = list(
                user.memberships.filter(is_active=True).select_related("organisation").order_by("organisation__path")
            )
            wanted = request.session.get(SESSION_KEY)
            current = next((m for m in memberships if m.pk == wanted), memberships[0] if memberships else None)
            request.memberships = memberships
            if not user.is_superuser:  # seed the scoping cache: no second query for visible_to()
                paths = sorted({m.organisation.path for m in memberships})
                user._scope_paths = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
            request.membership = current
            request.organisation = current.organisation if current else None
        return self.get_response(request)
