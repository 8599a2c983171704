"""`reverse()` for the links of list rows: the same URL as Django's, built from a template.

Django's `reverse()` walks the resolver's namespaces and possibilities, matches the candidate
against the pattern's regex and reads four context-local values (URL conf, script prefix,
language twice) for every call: 40–300 µs depending on the machine's load, i.e. the largest single
cost of a list row whose first cell links to its record (`get_absolute_url()`).

`reverse(viewname, args=[pk])` here asks Django once per view name, URL conf, script prefix and
language for the URL of two probe values per argument, and keeps the URL as a template when
both probes land exactly where the arguments go; later calls with non-negative `int` arguments
substitute them. Anything else (other argument types, `current_app`, a pattern whose converter
refuses a probe) is Django's own `reverse()`, so errors (NoReverseMatch) stay the same.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse
from django.utils.translation import get_language

# Two probes per argument, of different lengths, that cannot be mistaken for the URL's own text.
_PROBES = (73914062501, 5)

_templates: dict = {}
_NONE = object()
# (URL conf, script prefix, language) read once for a block making many links: see pinned()
_pinned: ContextVar = ContextVar("generic_links_pinned", default=None)


@contextmanager
def pinned():
    """Within the block, reverse() reads the URL conf, script prefix and language once (they are
    context-local values, each lookup costs more than filling the template): for a table's rows,
    which neither switch language nor URL conf."""
    token = _pinned.set((get_urlconf(), get_script_prefix(), get_language()))
    try:
        yield
    finally:
        _pinned.reset(token)


def _template(viewname, urlconf, n_args: int, kwarg_names: tuple):
    """The URL's pieces around its arguments, or None when it cannot be templated."""
    def url_for(values):
        if kwarg_names:
            return django_reverse(viewname, urlconf=urlconf, kwargs=dict(zip(kwarg_names, values, strict=True)))
        return django_reverse(viewname, urlconf=urlconf, args=list(values))

    count = n_args or len(kwarg_names)
    first = [_PROBES[0] + i for i in range(count)]
    try:
        probe = url_for(first)
    except NoReverseMatch:
        return None
    pieces = [probe]
    for value in first:  # split the probe URL at each argument, in order
        head, sep, tail = pieces[-1].partition(str(value))
        if not sep or str(value) in tail or str(value) in head:
            return None
        pieces[-1:] = [head, tail]
    template = tuple(pieces)
    try:  # the converters accept a short value too, and put it in the same place
        second = [_PROBES[1] + i for i in range(count)]
        if url_for(second) != _fill(template, second):
            return None
    except NoReverseMatch:
        return None
    return template


def _fill(template, values) -> str:
    out = [template[0]]
    for value, piece in zip(values, template[1:], strict=True):
        out.append(str(value))
        out.append(piece)
    return "".join(out)


def reverse(viewname, urlconf=None, args=None, kwargs=None, current_app=None):
    """`django.urls.reverse`; non-negative int arguments fill a template made once per view name."""
    values = tuple(args) if args else tuple(kwargs.values()) if kwargs else ()
    if (current_app is not None or not isinstance(viewname, str) or (args and kwargs)
            or any(type(v) is not int or v < 0 for v in values)):
        return django_reverse(viewname, urlconf=urlconf, args=args, kwargs=kwargs, current_app=current_app)
    state = _pinned.get()
    current_urlconf, prefix, language = state if state is not None else (
        get_urlconf(), get_script_prefix(), get_language())
    urlconf = urlconf or current_urlconf
    kwarg_names = tuple(kwargs) if kwargs else ()
    key = (viewname, urlconf or settings.ROOT_URLCONF, prefix, language, len(args or ()), kwarg_names)
    template = _templates.get(key)
    if template is None:
        template = _templates[key] = _template(viewname, urlconf, len(args or ()), kwarg_names) or _NONE
    if template is _NONE:
        return django_reverse(viewname, urlconf=urlconf, args=args, kwargs=kwargs)
    return _fill(template, values)

