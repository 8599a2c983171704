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


# -- every choice a filter or a form offers is scoped ------------------------------------------


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return request


def _every_object_in(*schools):
    """One object of each registered model (tests/<app>/objects.py) at each of `schools`."""
    from tests.urlwalk import load_registry

    registry = load_registry()
    for school in schools:
        for factory in registry.objects.values():
            factory(school)


def _offered(form):
    """(field name, model, [objects]) of every model choice field of `form`."""
    from django import forms

    for name, field in form.fields.items():
        if isinstance(field, forms.ModelChoiceField):
            yield name, field.queryset.model, list(field.queryset)


FILTERED_ROUTES = [r for r in LIST_ROUTES if r.view_class.filterset_class is not None]


def test_every_list_filterset_is_scoped():
    from campaign_site.generic.filtersets import ScopedFilterSet

    for route in FILTERED_ROUTES:
        assert issubclass(route.view_class.filterset_class, ScopedFilterSet), \
            f"{route.name}: {route.view_class.filterset_class.__name__} must extend ScopedFilterSet"


@pytest.mark.parametrize("route", FILTERED_ROUTES, ids=lambda r: r.name)
def test_filter_choices_never_offer_another_schools_object(route, officer_a, bureau_staff, school_a, school_b,
                                                           other_school):
    _every_object_in(school_a, school_b, other_school)
    for user in (officer_a, bureau_staff):
        view = route.view_class()
        view.setup(_request(user))
        filterset = view.get_filterset(view.get_filterset_class())
        for name, model, objects in _offered(filterset.form):
            if not hasattr(model._default_manager.all(), "visible_to"):
                continue
            visible = set(model._default_manager.visible_to(user).values_list("pk", flat=True))
            leaked = [str(o) for o in objects if o.pk not in visible]
            assert not leaked, f"{route.name}: filter {name!r} offers {user} what they may not see: {leaked}"


def test_a_scoped_form_narrows_choices_its_subclass_sets(officer_a, officer_b, school_a, school_b):
    from django import forms

    from campaign_site.accounts.models import Person
    from campaign_site.generic.forms import ScopedForm

    class PersonPick(ScopedForm):
        person = forms.ModelChoiceField(queryset=Person.objects.none())

        def __init__(self, *args, user=None, **kwargs):
            super().__init__(*args, user=user, **kwargs)
            self.fields["person"].queryset = Person.objects.all()  # e.g. "the people of that school"

    other = Person.objects.get(user=officer_b)
    own = Person.objects.get(user=officer_a)
    form = PersonPick(user=officer_a)
    assert list(form.fields["person"].queryset) == [own]
    assert not PersonPick({"person": other.pk}, user=officer_a).is_valid()
    assert PersonPick({"person": own.pk}, user=officer_a).is_valid()
    assert list(PersonPick().fields["person"].queryset) == []  # no user: nothing to choose


def test_hazard_forms_offer_only_the_users_people(officer_a, officer_b, school_a, school_b):
    from campaign_site.accounts.models import Person
    from hazards.forms import ItemResultForm, ListingForm
    from hazards.forms_tips import TipAcceptForm
    from tests.hazards import factories as hf

    hazard_b = hf.hazard(school_b)
    own = set(Person.objects.filter(organisation=school_a).values_list("pk", flat=True))
    # A hazard of school B in a form built for school A's user: nothing of school B is offered.
    listing = ListingForm(obj=hazard_b, user=officer_a)
    assert not set(listing.fields["watcher"].queryset.values_list("pk", flat=True)) - own
    assert listing.fields["watcher"].queryset.count() == 0
    inspection_b = type("I", (), {"organisation": school_b})()
    item = ItemResultForm(inspection=inspection_b, user=officer_a)
    assert item.fields["responsible_person"].queryset.count() == 0
    tip_b = type("T", (), {"organisation": school_b})()
    accept = TipAcceptForm(tip=tip_b, user=officer_a)
    assert accept.fields["responsible_person"].queryset.count() == 0
    assert accept.fields["responsible_department"].queryset.count() == 0
    # The hazard's own school's user gets its people.
    assert ListingForm(obj=hazard_b, user=officer_b).fields["watcher"].queryset.count() >= 1


# -- the school filter: hidden for one school, a search box above the limit --------------------


def test_school_filter_hidden_for_a_school_user_and_a_search_box_above_the_limit(
        client_for, officer_a, bureau_staff, school_a, school_b, monkeypatch):
    from campaign_site.generic import filtersets
    from tests.hazards import factories as hf

    hf.hazard(school_a, title="甲校隐患")
    hf.hazard(school_b, title="乙校隐患")
    url = reverse("hazards:hazard_list")
    html = client_for(officer_a).get(url).content.decode()
    assert 'name="organisation"' not in html

    html = client_for(bureau_staff).get(url).content.decode()
    assert '<select name="organisation"' in html and school_b.name in html

    monkeypatch.setattr(filtersets, "SELECT_LIMIT", 1)
    c = client_for(bureau_staff)
    html = c.get(url).content.decode()
    assert '<select name="organisation"' not in html
    assert '<input type="text" name="organisation"' in html
    html = c.get(url, {"organisation": school_b.code}).content.decode()
    assert "乙校隐患" in html and "甲校隐患" not in html
    html = c.get(url, {"organisation": "第一"}).content.decode()
    assert "乙校隐患" in html and "甲校隐患" not in html
    # A link that names the school by its id still works.
    html = c.get(url, {"organisation": school_a.pk}).content.decode()
    assert "甲校隐患" in html and "乙校隐患" not in html


def test_user_list_organisation_search_box_finds_members(client_for, bureau_staff, officer_a, officer_b,
                                                        school_b, monkeypatch):
    from campaign_site.generic import filtersets

    monkeypatch.setattr(filtersets, "SELECT_LIMIT", 1)
    html = client_for(bureau_staff).get(reverse("accounts:user_list"), {"organisation": school_b.code}).content.decode()
    assert officer_b.full_name in html and officer_a.full_name not in html
