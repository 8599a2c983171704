"""The generic import flow (upload -> preview -> confirm; all rows or none), over a tiny importer
of departments defined in tests/generic/testviews.py."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from campaign_site.accounts.models import Department

pytestmark = pytest.mark.urls("tests.generic.testviews")

URL = "test_departments_import"


def xlsx(rows, header=("部门名称",), title="实验小学部门名单"):
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])  # a title row above the header is fine
    ws.append(list(header))
    for r in rows:
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("部门.xlsx", buf.getvalue())


@pytest.fixture
def officer(client, officer_a):
    officer_a.language = "en"
    officer_a.save(update_fields=["language"])
    client.force_login(officer_a)
    return client


def _names(school):
    return sorted(Department.objects.filter(organisation=school).values_list("name", flat=True))


def test_preview_then_confirm_imports_every_row(officer, school_a):
    response = officer.post(reverse(URL), {"file": xlsx([["总务处"], ["教务处"]])})
    assert response.status_code == 200
    body = response.content.decode()
    assert "2 new rows are ready to import." in body
    assert "总务处" in body and "教务处" in body
    token = response.context["token"]
    assert token
    assert _names(school_a) == []  # nothing saved by the preview

    response = officer.post(reverse(URL), {"confirm_token": token}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("test_departments")
    assert "Imported 2 rows." in response.content.decode()
    assert _names(school_a) == ["总务处", "教务处"]

    # the same token cannot import twice
    response = officer.post(reverse(URL), {"confirm_token": token}, follow=True)
    assert "The preview has expired." in response.content.decode()
    assert _names(school_a) == ["总务处", "教务处"]


def test_rows_with_errors_import_nothing(officer, school_a):
    response = officer.post(reverse(URL), {"file": xlsx([["总务处"], ["处" * 61], ["总务处"]])})
    body = response.content.decode()
    assert "2 rows have errors." in body
    assert "太长" in body and "文件中重复" in body
    assert 'name="confirm_token"' not in body
    assert response.context["token"] == ""
    assert _names(school_a) == []


def test_a_rule_failing_while_saving_rolls_back_every_row(officer, school_a):
    response = officer.post(reverse(URL), {"file": xlsx([["安保处"], ["总务处"]])})
    token = response.context["token"]
    Department.objects.create(organisation=school_a, name="总务处")  # someone else was quicker
    response = officer.post(reverse(URL), {"confirm_token": token})
    assert response.status_code == 200
    assert "Nothing was imported: 部门“总务处”已存在" in response.content.decode()
    assert _names(school_a) == ["总务处"]  # 安保处 rolled back with it


def test_wrong_file_says_what_is_wrong(officer, school_a):
    response = officer.post(reverse(URL), {"file": SimpleUploadedFile("x.xlsx", b"not a workbook")})
    assert response.status_code == 200
    assert 'data-testid="file-error"' in response.content.decode()
    assert _names(school_a) == []


def test_template_download(officer):
    response = officer.get(reverse(URL), {"template": "1"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert "部门名称" in [c.value for row in sheet.iter_rows() for c in row]


def test_import_page_needs_login(client, db):
    response = client.get(reverse(URL))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
