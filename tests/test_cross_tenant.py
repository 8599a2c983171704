"""Cross-tenant writes and lists, walked over the whole URL conf (issue 7 §5, issue 11).

- Every URL of a school-owned record, POSTed by the officer of another school of the same
  district and by a bureau of another district (the test client passes CSRF, as a logged-in
  attacker's own browser would): the answer is 404 (or 403/405) and not one row of the database
  changed — no table grew or shrank, and the record itself is as it was. Only the security audit
  log may grow (it records the attempt).
- Every list page, opened by the officer of another school: no row of school A is on it.
"""
from __future__ import annotations

import pytest
from django.apps import apps
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse

from campaign_site.accounts.models import Organisation
from campaign_site.generic.views import ObjectListView
from tests.test_access import POST_DATA, PRIVATE_ROUTES, REGISTRY, _url, build_kwargs
from tests.urlwalk import all_routes, view_model

# Tables a refused request may write to: the audit trail of the attempt, the session and login logs.
MAY_GROW = {"generic.auditevent", "sessions.session", "axes.accesslog", "axes.accessattempt",
            "axes.accessfailurelog"}


def _counts() -> dict:
    out = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in MAY_GROW or model._meta.proxy or not model._meta.managed:
            continue
        out[label] = model._base_manager.count()
    return out


def _state(obj) -> dict:
    fresh = type(obj)._base_manager.get(pk=obj.pk)
    return {k: v for k, v in model_to_dict(fresh).items() if not isinstance(v, list | tuple)}


OBJECT_ROUTES = [r for r in PRIVATE_ROUTES if "pk" in r.kwargs]


@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=lambda r: r.name)
def test_cross_tenant_post_changes_nothing(route, school_a, school_b, officer_a, officer_b, outsider):
    kwargs, kind = build_kwargs(route, {"school_a": school_a, "owner": officer_a})
    if kind != "object":
        pytest.skip(f"{route.name}: {kind} record (shared reference data or personal), walked in test_access")
    url = _url(route, kwargs)
    model = view_model(route, REGISTRY)
    target = model._base_manager.get(pk=kwargs["pk"]) if model is not None and "ct" not in kwargs else None
    clients = []
    for label, user in (("officer of school B", officer_b), ("outsider bureau", outsider)):
        client = Client()
        client.force_login(user)  # logging in writes (last login, its history): before the snapshot
        clients.append((label, client))
    counts, state = _counts(), (_state(target) if target is not None else None)
    for label, client in clients:
        response = client.post(url, POST_DATA.get(route.name, {}))
        assert response.status_code in (403, 404, 405), (
            f"{route.name}: {label} POST {url} answered {response.status_code}; another organisation's record "
            f"must look missing")
        after = _counts()
        changed = {t: (counts[t], after[t]) for t in counts if after.get(t) != counts[t]}
        assert not changed, f"{route.name}: {label}'s refused POST changed row counts {changed}"
        if target is not None:
            assert _state(target) == state, f"{route.name}: {label}'s refused POST changed the record"


LIST_ROUTES = [r for r in all_routes() if r.view_class is not None and issubclass(r.view_class, ObjectListView)
               and not r.kwargs]


@pytest.mark.parametrize("route", LIST_ROUTES, ids=lambda r: r.name)
def test_list_never_shows_another_schools_rows(route, school_a, school_b, officer_a, officer_b):
    model = view_model(route, REGISTRY)
    if model in REGISTRY.shared or model in REGISTRY.personal:
        pytest.skip(f"{route.name}: shared or personal records")
    factory = REGISTRY.list_objects.get(model) or REGISTRY.objects.get(model)
    if factory is None:
        pytest.skip(f"{route.name}: its rows are not records of a school (no factory)")
    for _ in range(2):
        factory(school_a)
    client = Client()
    client.force_login(officer_b)
    response = client.get(reverse(route.name), {"per_page": 200})
    assert response.status_code in (200, 403), f"{route.name} answered {response.status_code}"
    if response.status_code == 403:
        return
    table = response.context["table"]
    for row in table.paginated_rows:
        record = row.record
        owner = record.pk if isinstance(record, Organisation) else getattr(record, "organisation_id", None)
        assert owner != school_a.pk, f"{route.name}: officer of school B sees {record!r} of school A"
