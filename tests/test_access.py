"""Every URL of the site, walked from the resolver (a new view is covered without being listed here).

For each named pattern (admin and public pages aside):
- anonymous -> redirected to the login page;
- URLs with a `pk`: an object owned by school A (made by the factory in tests/<app>/objects.py);
  its record page (an ObjectDetailView) answers 200 to bureau_staff and to school A's principal;
  officer_b (school B) and outsider (another district's bureau) -> 404, bureau_staff (the district
  above school A) -> allowed (200/302/403, never 404 or 500);
- other pages: every user gets an answer that is not a 404 or an error.
A view that only accepts POST (405 on GET) is asked again with an empty POST.
"""
from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from tests.urlwalk import all_routes, load_registry, model_label, view_model

# Pages anyone may open without logging in (names, or namespaces ending in ":*").
PUBLIC = {"accounts:login", "accounts:logout", "accounts:set_language", "favicon.ico", "tips_public:*"}
SKIP_NAMESPACES = {"admin", "djdt"}
SKIP_PREFIXES = ("static/", "media/", "__debug__/")



def _membership_kwargs(ctx):
    from campaign_site.accounts.models import Membership, User

    user = REGISTRY.objects[User](ctx["school_a"])
    membership = Membership.objects.filter(user=user, organisation=ctx["school_a"]).first()
    return {"pk": user.pk, "membership": membership.pk}, "object"


# Kwargs other than `pk` / `ct`, by route name: a dict of fixed values (the pk is still made from the
# view's model), or callable(ctx) -> (kwargs, kind) for the odd case. Keep this list short.
EXTRA_KWARGS: dict = {
    "accounts:membership_remove": _membership_kwargs,
    "hazards:hazard_action": {"action": "start"},
    "hazards:inspection_action": {"action": "start"},
    "reports:report_step": {"action": "approve"},
    "reports:circular_step": {"action": "approve"},
    "chemicals:requisition_step": {"action": "approve"},
    "chemicals:count_step": {"action": "complete"},
    "chemicals:disposal_step": {"action": "hand_over"},
}
# The empty POST sent to POST-only views, where a view needs to be told which action is meant.
POST_DATA: dict = {
    "campaigns:plan_review": {"action": "return", "reason": "请补充应急疏散路线图"},
}

ALLOWED = {200, 204, 301, 302, 303, 400, 403}
REGISTRY = load_registry()


def _is_public(name: str) -> bool:
    return name in PUBLIC or any(p.endswith(":*") and name.startswith(p[:-1]) for p in PUBLIC)


def _routes():
    out = []
    for r in all_routes(include_unnamed=True):
        if r.namespace in SKIP_NAMESPACES or r.route.startswith(SKIP_PREFIXES):
            continue
        out.append(r)
    return out


ROUTES = _routes()
PRIVATE_ROUTES = [r for r in ROUTES if not _is_public(r.name)]
PUBLIC_ROUTES = [r for r in ROUTES if _is_public(r.name)]


def fetch(client, url, name=""):
    """GET, or an empty POST when the view only takes POST. Returns (method, response)."""
    response = client.get(url)
    method = "GET"
    if response.status_code == 405:
        response = client.post(url, POST_DATA.get(name, {}))
        method = "POST"
    if response.streaming:
        # Read it through: the test client then closes the file. (Never call response.close() here: that
        # fires request_finished, which closes the test's PostgreSQL connection.)
        b"".join(response.streaming_content)
    return method, response


def _login_url():
    return reverse(settings.LOGIN_URL)


def _attachable_model():
    """A school-owned model (with a detail page) for URLs taking a content type id `ct`."""
    candidates = [
        m for m in REGISTRY.objects
        if m not in REGISTRY.shared and hasattr(m, "get_absolute_url") and hasattr(m.objects.all(), "visible_to")
    ]
    return sorted(candidates, key=model_label)[0] if candidates else None


def build_kwargs(route, ctx):
    """(kwargs, kind) where kind is "object", "shared", "personal" or "page"."""
    extra = EXTRA_KWARGS.get(route.name, {})
    if callable(extra):
        return extra(ctx)
    names = set(route.kwargs)
    if not names:
        return {}, "page"
    kwargs, kind = dict(extra), "page"
    if "pk" in names:
        if "ct" in names:
            model = _attachable_model()
            if model is None:
                pytest.skip(f"{route.name}: no school-owned model with a detail page is registered yet")
            kwargs["ct"] = ContentType.objects.get_for_model(model).pk
        else:
            model = view_model(route, REGISTRY)
            if model is None:
                pytest.fail(
                    f"{route.name} ({route.route}) takes a pk but its view names no model: set `model` on the "
                    f"view class (or `view.model = X` on a function view), or add it to VIEW_MODELS in "
                    f"tests/<app>/objects.py"
                )
        if model in REGISTRY.personal:
            obj, kind = REGISTRY.personal[model](ctx["owner"]), "personal"
        elif model in REGISTRY.objects:
            obj = REGISTRY.objects[model](ctx["school_a"])
            kind = "shared" if model in REGISTRY.shared else "object"
        else:
            pytest.fail(
                f"{route.name} ({route.route}) serves {model_label(model)}, which has no factory: add it to "
                f"tests/{model._meta.app_label}/objects.py as OBJECTS = {{{model.__name__}: lambda school: ...}}"
            )
        kwargs["pk"] = obj.pk
    unknown = names - set(kwargs)
    if unknown:
        pytest.fail(
            f"{route.name} ({route.route}) takes {', '.join(sorted(unknown))}: add a builder to EXTRA_KWARGS in "
            f"tests/test_access.py"
        )
    return kwargs, kind


def _url(route, kwargs):
    if route.name == route.route:  # unnamed pattern without kwargs
        return "/" + route.route
    return reverse(route.name, kwargs=kwargs)


def _client(user=None):
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def _check(label, route, url, client, expected: str):
    try:
        method, response = fetch(client, url, route.name)
    except Exception as exc:  # the test client re-raises the view's exception: a 500
        pytest.fail(f"{route.name}: {label} {url} raised {exc.__class__.__name__}: {exc}")
    status = response.status_code
    where = f"{route.name}: {label} {method} {url} answered {status}"
    if expected == "404":
        assert status == 404, f"{where}; expected 404 (another organisation's object must look missing)"
    elif expected == "200":
        assert status == 200, f"{where}; expected 200 (the record's own school and the bureaus above read it)"
    elif expected == "allowed":
        assert status in ALLOWED, f"{where}; expected one of {sorted(ALLOWED)}"
    return response


# Record pages of school-owned records that the school itself never reads, by design, and why.
HIDDEN_FROM_OWN_SCHOOL = {
    "hazards:tip_detail": "a public tip may be about the school itself and name the reporter",
}


def _is_record_page(route) -> bool:
    from campaign_site.generic.views import ObjectDetailView

    return route.view_class is not None and issubclass(route.view_class, ObjectDetailView)


def _owner_id(route, pk):
    return getattr(view_model(route, REGISTRY)._default_manager.filter(pk=pk).first(), "organisation_id", None)


@pytest.mark.parametrize("route", PRIVATE_ROUTES, ids=lambda r: r.name)
def test_url_access(route, school_a, school_b, other_school, officer_a, officer_b, outsider, bureau_staff,
                    principal_a):
    kwargs, kind = build_kwargs(route, {"school_a": school_a, "owner": officer_a})
    url = _url(route, kwargs)

    method, response = fetch(Client(), url, route.name)
    assert response.status_code == 302 and response.url.split("?")[0] == _login_url(), (
        f"{route.name}: anonymous {method} {url} answered {response.status_code} "
        f"{getattr(response, 'url', '')}; expected a redirect to the login page (or list it in PUBLIC)"
    )

    if kind == "object":
        _check("officer_b (school B)", route, url, _client(officer_b), "404")
        _check("outsider (other district)", route, url, _client(outsider), "404")
        # A record's own page: the bureau above reads it, and so does its own school's principal.
        record_page = _is_record_page(route)
        _check("bureau_staff (district above)", route, url, _client(bureau_staff), "200" if record_page else "allowed")
        if record_page and route.name not in HIDDEN_FROM_OWN_SCHOOL and _owner_id(route, kwargs["pk"]) == school_a.pk:
            _check("principal_a (its own school)", route, url, _client(principal_a), "200")
    elif kind == "shared":
        _check("officer_b (same district)", route, url, _client(officer_b), "allowed")
        _check("outsider (other district)", route, url, _client(outsider), "404")
        _check("bureau_staff (district above)", route, url, _client(bureau_staff), "allowed")
    elif kind == "personal":
        _check("officer_b", route, url, _client(officer_b), "404")
        _check("outsider", route, url, _client(outsider), "404")
        _check("bureau_staff", route, url, _client(bureau_staff), "404")
        _check("the owner (officer_a)", route, url, _client(officer_a), "allowed")
    else:
        for label, user in (("officer_b", officer_b), ("outsider", outsider), ("bureau_staff", bureau_staff)):
            _check(label, route, url, _client(user), "allowed")


@pytest.mark.parametrize("route", [r for r in PUBLIC_ROUTES if not r.kwargs], ids=lambda r: r.name)
def test_public_pages_open_without_login(route, db):
    url = _url(route, {})
    method, response = fetch(Client(), url)
    assert response.status_code in {200, 301, 302}, f"{route.name}: anonymous {method} {url} -> {response.status_code}"
    if response.status_code == 302 and route.name != "accounts:logout":
        assert response.url.split("?")[0] != _login_url(), f"{route.name} is listed PUBLIC but asks for a login"


def test_walk_sees_every_namespace():
    """The walk itself: nested namespaces are found, and a pk URL of every kind is there."""
    names = {r.name for r in ROUTES}
    assert {"home", "accounts:login", "notifications:open", "generic:attachment"} <= names
    open_route = next(r for r in ROUTES if r.name == "notifications:open")
    assert open_route.kwargs == ("pk",)
