"""The generic list page: scoped rows, ?export=xlsx|csv of the visible columns, formula-safe."""
import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from campaign_site.accounts.models import Department

pytestmark = pytest.mark.urls("tests.generic.testviews")

FORMULA = '=HYPERLINK("http://evil.example","点我")'


@pytest.fixture
def departments(school_a, school_b):
    Department.objects.create(organisation=school_a, name="总务处")
    Department.objects.create(organisation=school_a, name=FORMULA)
    Department.objects.create(organisation=school_b, name="教务处")


def _csv_rows(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_csv_export_has_visible_columns_and_escapes_formulas(client_for, officer_a, departments):
    response = client_for(officer_a).get(reverse("test_departments"), {"export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv_rows(response)
    header, body = rows[0], rows[1:]
    assert len(header) == 2  # the hidden column and the one excluded from export are left out
    names = sorted(r[0] for r in body)
    assert names == sorted(["总务处", "'" + FORMULA])  # school B's department is not exported
    assert all(r[1] == "实验小学" for r in body)


def test_xlsx_export_writes_formulas_as_text(client_for, officer_a, departments):
    response = client_for(officer_a).get(reverse("test_departments"), {"export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value == FORMULA]
    assert cells, "the formula-like name must be in the workbook as its text"
    assert all(c.data_type == "s" for c in cells)
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "教务处" not in values


def test_export_follows_the_filter(client_for, bureau_staff, departments):
    response = client_for(bureau_staff).get(reverse("test_departments"), {"export": "csv", "name": "处"})
    names = sorted(r[0] for r in _csv_rows(response)[1:])
    assert names == sorted(["总务处", "教务处"])  # both schools of the district; the formula row filtered out


def test_list_page_shows_only_visible_rows(client_for, officer_b, departments):
    response = client_for(officer_b).get(reverse("test_departments"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "教务处" in body
    assert "总务处" not in body


def test_an_export_too_large_asks_to_narrow_the_filter(client_for, bureau_staff, school_a, settings, monkeypatch):
    from hazards.views import HazardListView
    from tests.hazards import factories as hf

    for i in range(3):
        hf.hazard(school_a, title=f"导出上限{i}")
    monkeypatch.setattr(HazardListView, "export_max_rows", 2)
    c = client_for(bureau_staff)
    response = c.get(reverse("hazards:hazard_list"), {"level": "general", "export": "xlsx"}, follow=True)
    assert response.redirect_chain[-1][0].endswith("?level=general")
    assert "共有 3 条记录符合条件" in response.content.decode()
    monkeypatch.setattr(HazardListView, "export_max_rows", 3)
    response = c.get(reverse("hazards:hazard_list"), {"export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
