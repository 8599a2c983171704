"""generic/links.reverse (the template the list rows' links are built from) gives Django's URL for
every named route of the site, and Django's errors where Django refuses."""
import pytest
from django.urls import NoReverseMatch
from django.urls import reverse as django_reverse
from django.urls.converters import IntConverter

from campaign_site.generic.links import reverse
from tests.urlwalk import all_routes

ROUTES = [r for r in all_routes() if r.kwargs]


def _int_only(route):
    return all(isinstance(route.converters.get(k), IntConverter) for k in route.kwargs)


def _same(name, **arguments):
    try:
        expected = django_reverse(name, **arguments)
    except NoReverseMatch:
        with pytest.raises(NoReverseMatch):
            reverse(name, **arguments)
        return
    assert reverse(name, **arguments) == expected


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_every_route_gives_djangos_url(route):
    for value in (1, 42, 1234567, 7, 0):
        values = tuple(value + i for i in range(len(route.kwargs)))
        _same(route.name, kwargs=dict(zip(route.kwargs, values, strict=True)))
        _same(route.name, args=values)


def test_other_arguments_and_refusals_are_djangos():
    pk_route = next(r for r in ROUTES if r.kwargs == ("pk",) and _int_only(r))
    assert reverse(pk_route.name, args=["12"]) == django_reverse(pk_route.name, args=["12"])
    for bad in ([-1], ["x"], [1, 2]):
        with pytest.raises(NoReverseMatch):
            reverse(pk_route.name, args=bad)
    with pytest.raises(NoReverseMatch):
        reverse("no-such-view", args=[1])
    list_route = next(r for r in all_routes() if not r.kwargs and r.name)
    assert reverse(list_route.name) == django_reverse(list_route.name)


def test_another_url_conf_or_script_prefix_is_not_served_from_the_template(settings):
    from django.urls import clear_url_caches, set_script_prefix

    pk_route = next(r for r in ROUTES if r.kwargs == ("pk",) and _int_only(r))
    plain = reverse(pk_route.name, args=[5])
    set_script_prefix("/campus/")
    try:
        assert reverse(pk_route.name, args=[5]) == "/campus" + plain
    finally:
        set_script_prefix("/")
    assert reverse(pk_route.name, args=[5]) == plain
    clear_url_caches()
