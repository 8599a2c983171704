from django.conf import settings
from django.utils import translation
from django.utils.functional import SimpleLazyObject

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
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


SESSION_KEY = "current_membership"


def _current_membership(request):
    user = request.user
    if not user.is_authenticated:
        return None
    memberships = list(user.memberships.filter(is_active=True).select_related("organisation").order_by("organisation__path"))
    if not memberships:
        return None
    wanted = request.session.get(SESSION_KEY)
    for m in memberships:
        if m.pk == wanted:
            return m
    return memberships[0]


class CurrentMembershipMiddleware:
    """`request.membership` / `request.organisation`: the membership the user is acting in now."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = SimpleLazyObject(lambda: _current_membership(request))
        request.organisation = SimpleLazyObject(
            lambda: request.membership.organisation if request.membership else None
        )
        return self.get_response(request)
