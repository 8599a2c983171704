"""Filter forms never offer what the user may not see.

Every list page (an ObjectListView reachable in the URL conf) is opened by a user of school A, and by
the district bureau: the names of another school's staff and of other organisations must not
appear anywhere in the page (a filter drop-down listing every person or organisation of the
database would leak them)."""
from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from campaign_site.generic.views import ObjectListView
from tests.urlwalk import all_routes

LIST_ROUTES = [
    r for r in all_routes()
    if r.view_class is not None and issubclass(r.view_class, ObjectListView) and not r.kwargs
]


def _page(user, route):
    client = Client()
    client.force_login(user)
    response = client.get(reverse(route.name))
    return response.status_code, response.content.decode()


@pytest.mark.parametrize("route", LIST_ROUTES, ids=lambda r: r.name)
def test_school_user_list_page_names_no_other_school_or_its_staff(
        route, officer_a, officer_b, outsider, school_b, other_school):
    status, html = _page(officer_a, route)
    if status in (403, 404):
        return
    assert status == 200
    for name in (school_b.name, officer_b.full_name, other_school.name, outsider.full_name):
        assert name not in html, f"{route.name} shows {name!r} to a user of another school"


@pytest.mark.parametrize("route", LIST_ROUTES, ids=lambda r: r.name)
def test_bureau_list_page_names_no_other_district_or_its_staff(route, bureau_staff, outsider, other_school,
                                                               other_district):
    status, html = _page(bureau_staff, route)
    if status in (403, 404):
        return
    assert status == 200
    for name in (other_school.name, outsider.full_name, other_district.name):
        assert name not in html, f"{route.name} shows {name!r} to another district's bureau"
