"""Request-body limits, enforced before the body is read.

Django reads (and writes to a temporary file) an upload as soon as anything touches
`request.POST`/`request.FILES` — the CSRF check does, before the view runs. So the size is
judged here from `Content-Length`, in the middleware's request phase, and a request that is too
large is answered 413 with a page that says the limit, without reading a byte of its body.

The limit is the view's own (`upload_limit(...)` on a function view, `upload_max_bytes` on a
class-based view), else settings.REQUEST_MAX_BYTES for a signed-in user and
settings.ANONYMOUS_REQUEST_MAX_BYTES for anyone else. The reverse proxy in front should refuse
earlier still (nginx `client_max_body_size`, see README).
"""
from __future__ import annotations

import math
from collections.abc import Callable

from django.conf import settings
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

MIB = 1024 * 1024
#: The form fields and multipart framing around a file: a file at its limit still fits.
FORM_OVERHEAD = MIB

Limit = int | Callable[[], int]


def upload_limit(max_bytes: Limit):
    """Declare a function view's request-body limit (bytes, or a callable read per request)."""

    def decorate(view):
        view.upload_max_bytes = max_bytes
        return view

    return decorate


def file_limit(setting: str) -> Callable[[], int]:
    """A limit of one file of `settings.<setting>` bytes plus the form around it."""
    return lambda: getattr(settings, setting) + FORM_OVERHEAD


def _view_limit(request) -> int | None:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    func = match.func
    limit = getattr(getattr(func, "view_class", None), "upload_max_bytes", None)
    if limit is None:
        limit = getattr(func, "upload_max_bytes", None)
    if callable(limit):
        limit = limit()
    return limit


def request_limit(request) -> int:
    limit = _view_limit(request)
    if limit is not None:
        return limit
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return settings.REQUEST_MAX_BYTES
    return settings.ANONYMOUS_REQUEST_MAX_BYTES


def _mb(size: int) -> str:
    return f"{math.ceil(size * 10 / MIB) / 10:.1f}".removesuffix(".0")


class RequestSizeLimitMiddleware:
    """Answer 413 to a request whose declared body is larger than its view accepts."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length:
            limit = request_limit(request)
            if length > limit:
                message = _("What you sent is too large (%(size)s MB): at most %(limit)s MB can be sent here. "
                            "Please send a smaller file, or fewer photos at once.") % {
                    "size": _mb(length), "limit": _mb(limit)}
                response = render(request, "generic/request_too_large.html",
                                  {"title": _("Too large"), "message": message}, status=413)
                response["Connection"] = "close"  # the unread body must not be taken for the next request
                return response
        return self.get_response(request)
