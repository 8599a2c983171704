"""The row renderer (generic/tables.py) writes the same table as django-tables2's own templates:
every list page of the site, with rows made by the apps' factories, compared cell by cell (tags,
attributes, text), and its export values equal django-tables2's `get_cell_value`."""
from __future__ import annotations

import datetime
import itertools
import re
from html.parser import HTMLParser

import django_tables2 as tables
import pytest
from django.template import Context
from django.template.loader import get_template
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from campaign_site.generic.export import export_columns
from campaign_site.generic.tables import Table, plan_for, rows_html
from campaign_site.generic.views import ObjectListView
from hazards.models import HazardLevel
from tests.hazards import factories as hf
from tests.urlwalk import all_routes, load_registry, view_model

REGISTRY = load_registry()
LIST_ROUTES = [
    r for r in all_routes()
    if r.view_class is not None and issubclass(r.view_class, ObjectListView) and not r.kwargs
]


class _Tokens(HTMLParser):
    """Tags with sorted attributes and whitespace-collapsed text: markup compared, layout ignored."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = []

    def handle_starttag(self, tag, attrs):
        if ("name", "csrfmiddlewaretoken") in attrs:  # masked afresh on every rendering: compare without it
            attrs = [(k, "<csrf>" if k == "value" else v) for k, v in attrs]
        self.out.append(("<", tag, tuple(sorted((k, " ".join(sorted((v or "").split()))) for k, v in attrs))))

    def handle_endtag(self, tag):
        self.out.append((">", tag))

    def handle_data(self, data):
        text = " ".join(data.split())
        if text:
            self.out.append(("text", text))


def tokens(html: str) -> list:
    parser = _Tokens()
    parser.feed(html)
    return parser.out


def tbody(html: str) -> str:
    start = html.index("<tbody")
    return html[start:html.index("</tbody>", start) + len("</tbody>")]


def reference_html(table, request) -> str:
    """The table as django-tables2 renders it (its bootstrap5 template, per-cell machinery)."""
    table._counter = itertools.count()
    table.context = Context({"request": request})
    try:
        return get_template("django_tables2/bootstrap5-responsive.html").render({"table": table}, request)
    finally:
        del table.context


def ours(table) -> str:
    table._counter = itertools.count()
    return rows_html(table)


def _varied_hazards(school):
    """Hazards that exercise every branch of the register's cells: major, overdue, closed-looking
    booleans, an empty focus area and responsible person (the column default)."""
    today = timezone.localdate()
    hf.major_hazard(school, found_on=today - datetime.timedelta(days=40),
                    deadline=today - datetime.timedelta(days=5))
    hf.hazard(school, level=HazardLevel.GENERAL, title="<b>escaped</b> & kept", location="实验楼 \"2\" 楼")


@pytest.mark.parametrize("route", LIST_ROUTES, ids=lambda r: r.name)
def test_every_list_renders_rows_as_django_tables2_does(route, school_a, bureau_staff, settings):
    model = view_model(route, REGISTRY)
    factory = REGISTRY.list_objects.get(model) or REGISTRY.objects.get(model)
    assert factory is not None, f"{route.name}: no factory in tests/<app>/objects.py"
    for _ in range(3):
        factory(school_a)
    if route.name == "hazards:hazard_list":
        _varied_hazards(school_a)
    client = Client()
    client.force_login(bureau_staff)
    response = client.get(reverse(route.name), {"per_page": 50})
    assert response.status_code == 200
    table = response.context["table"]
    rows = list(table.paginated_rows)
    assert rows, f"{route.name} showed no rows"
    request = response.wsgi_request
    expected = tokens(tbody(reference_html(table, request)))
    got = tokens("<tbody>" + ours(table) + "</tbody>")
    assert got[1:] == expected[1:], f"{route.name}: rows differ"
    assert len([t for t in got if t[:2] == ("<", "tr")]) == len(rows)
    # and the page itself carries these rows (rendered in the user's language)
    with translation.override(request.LANGUAGE_CODE):
        in_language = tokens(tbody(reference_html(table, request)))
    assert tokens(tbody(response.content.decode()))[1:] == in_language[1:]

    # export: the same values django-tables2's get_cell_value gives, column by column
    columns = export_columns(table)
    table._counter = itertools.count()
    fast = list(plan_for(table).values(columns))
    slow = [[row.get_cell_value(bc.name) for bc in columns] for row in table.rows]
    assert fast == slow, f"{route.name}: export values differ"


class _Odd(Table):
    """Edge cases of the declarations: callable cell attributes, a callable accessor default,
    localize flags, linkify with a view name, a choices field behind a relation, a template column."""

    name = tables.Column(linkify=("accounts:organisation_detail", {"pk": tables.A("organisation__pk")}),
                         attrs={"td": {"data-len": lambda value: len(str(value))}})
    organisation = tables.Column(accessor="organisation__kind")
    missing = tables.Column(accessor="organisation__no_such_thing", default=lambda: "∅")
    number = tables.Column(accessor="pk", localize=True)
    plain = tables.Column(accessor="pk", localize=False, verbose_name="pk")
    template = tables.TemplateColumn("<i>{{ record.name }}</i>")
    when = tables.DateTimeColumn(accessor="organisation__created_at", format="Y-m-d H:i")

    class Meta:
        phone_columns = ("name",)
        row_attrs = {"data-id": lambda record: record.pk, "class": "x"}


@pytest.mark.django_db
def test_edge_cases_render_as_django_tables2_does(school_a):
    from campaign_site.accounts.models import Department

    for i in range(3):
        Department.objects.create(organisation=school_a, name=f"部门<{i}>")
    request = RequestFactory().get("/")
    table = _Odd(Department.objects.select_related("organisation").order_by("pk"), request=request)
    expected = tokens(tbody(reference_html(table, request)))
    got = tokens("<tbody>" + ours(table) + "</tbody>")
    assert got[1:] == expected[1:]
    html = ours(table)
    # callable td attrs are applied (their exact values, which hold the pk-dependent link length,
    # are compared with django-tables2's rendering above)
    assert re.search(r'<td data-len="\d+">', html) and "∅" in html and "&lt;i&gt;" not in html and "<i>部门&lt;0&gt;</i>" in html
    assert f'href="{reverse("accounts:organisation_detail", args=[school_a.pk])}"' in html


@pytest.mark.parametrize("route", LIST_ROUTES, ids=lambda r: r.name)
def test_every_filter_form_renders_as_crispy_does(route, school_a, bureau_staff):
    """The filter form's fields as crispy's `|as_crispy_field` writes them: empty, filled in
    (every select set to its last choice, text typed) and with an error (a bad date)."""
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

    from campaign_site.generic.formrender import crispy_field_html

    client = Client()
    client.force_login(bureau_staff)
    url = reverse(route.name)
    response = client.get(url)
    form = response.context["filter"].form
    filled = {}
    for name, field in form.fields.items():
        choices = list(getattr(field, "choices", ()))
        if choices:
            filled[name] = str(choices[-1][0])
        elif "date" in type(field).__name__.lower():
            filled[name] = "not-a-date"
        else:
            filled[name] = "<q> & \"x\""
    for params in ({}, filled):
        response = client.get(url, params)
        assert response.status_code == 200
        form = response.context["filter"].form
        with translation.override(response.wsgi_request.LANGUAGE_CODE):
            for field in form:
                assert tokens(crispy_field_html(field)) == tokens(as_crispy_field(field)), (route.name, field.name)
                assert tokens(crispy_field_html(field)) == tokens(as_crispy_field(field))  # idempotent
        if params and any("date" in type(f).__name__.lower() for f in form.fields.values()):
            assert "invalid-feedback" in response.content.decode()  # the bad date is shown as an error


@pytest.mark.django_db
def test_filter_fields_of_the_register_take_the_plain_path(bureau_staff):
    """The register's filter form is written without crispy's templates (text, dates, selects);
    only what the plain path does not know goes through crispy."""
    from campaign_site.generic.formrender import _plain_widget

    client = Client()
    client.force_login(bureau_staff)
    form = client.get(reverse("hazards:hazard_list")).context["filter"].form
    kinds = {name: _plain_widget(field.widget) for name, field in form.fields.items()}
    assert kinds["q"] == "input" and kinds["status"] == "select" and kinds["found_from"] == "input"
    assert None not in kinds.values(), kinds


def test_badge_writes_what_format_html_wrote():
    from django.utils.html import format_html

    from campaign_site.generic.tables import badge

    assert badge("<b>&'\"", "danger", data_testid="x", title="a \"b\"") == format_html(
        '<span class="badge text-bg-danger" data-testid="{}" title="{}">{}</span>', "x", 'a "b"', "<b>&'\"")
    assert badge(format_html("<i>{}</i>", "安全")) == '<span class="badge text-bg-secondary"><i>安全</i></span>'
