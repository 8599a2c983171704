"""The bureau's view of its schools' chemicals (issue 8 §10): per school the controlled stock,
movements awaiting a second custodian and segregation violations; scoped to the bureau's
schools, a fixed number of queries whatever their number, exported as a workbook."""
import io
import re

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaign_site.accounts.models import Role
from chemicals import selectors
from chemicals.models import Chemical
from tests import factories as f

from . import factories as cf

OXALIC, SODA = "144-62-7", "497-19-8"
URL = reverse("chemicals:bureau")


def stock_school_a(school):
    """Two controlled bottles in stock (two chemicals, received today), one receipt awaiting its
    second custodian, and a cabinet received into in September, never counted since (its stock
    count is overdue), where a list reload made its two chemicals a segregation violation."""
    cf.controlled_container(school, cf.KCN)
    cf.controlled_container(school, cf.HCL, unit="mL")
    cf.controlled_container(school, cf.KCN, confirm=False)
    shelf = cf.cabinet(school)
    Chemical.objects.filter(cas=SODA).update(storage_class="general")  # as the curated catalogue has it
    cf.container(school, OXALIC, in_cabinet=shelf)
    cf.container(school, SODA, in_cabinet=shelf)
    Chemical.objects.filter(cas=SODA).update(storage_class="base")  # a list reload: now a base


def rows(response):
    """{school name: [figures as shown]} of the bureau table."""
    assert response.status_code == 200
    html = response.content.decode()
    table = html.split('data-testid="bureau-table"')[1].split("</table>")[0]
    out = {}
    for tr in re.findall(r"<tr [^>]*data-school=[^>]*>(.*?)</tr>", table, re.S):
        cells = [re.sub(r"<[^>]+>", "", td).strip() for td in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
        out[cells[0]] = cells[1:]
    return out


@pytest.mark.django_db
def test_a_district_bureau_sees_its_schools_figures_and_no_other_districts(
        school_a, school_b, other_school, bureau_staff, outsider, client):
    stock_school_a(school_a)
    cf.controlled_container(other_school, cf.KCN)
    client.force_login(bureau_staff)
    shown = rows(client.get(URL))
    assert shown == {"实验小学": ["2", "2", "1", "1", "1"], "第一中学": ["0", "0", "0", "0", "0"]}
    client.force_login(outsider)
    assert rows(client.get(URL)) == {"邻区小学": ["1", "1", "0", "0", "0"]}


@pytest.mark.django_db
def test_the_figures_link_to_the_lists_they_count(school_a, bureau_staff, client):
    stock_school_a(school_a)
    client.force_login(bureau_staff)
    html = client.get(URL).content.decode()
    link = re.search(r'href="([^"]*container[^"]*controlled=true)"', html).group(1).replace("&amp;", "&")
    listed = client.get(link).content.decode()
    assert listed.count("氰化钾") + listed.count("盐酸") >= 2 and "草酸" not in listed
    assert reverse("chemicals:segregation") in html
    overdue = re.search(r'href="([^"]*count_overdue=true)"', html).group(1).replace("&amp;", "&")
    listed = client.get(overdue).content.decode()
    body = listed.split('data-testid="cabinet-table"')[1].split("<tbody")[1].split("</tbody>")[0]
    assert body.count("<tr") == 1  # the September shelf; not the two safes received today


@pytest.mark.django_db
def test_a_city_bureau_sees_every_district_and_a_school_user_is_refused(
        city, school_a, other_school, custodian_a, client):
    city_staff = f.member(city, Role.BUREAU_SAFETY, username="city_staff")
    client.force_login(city_staff)
    assert set(rows(client.get(URL))) == {"实验小学", "邻区小学"}
    client.force_login(custodian_a)
    assert client.get(URL).status_code == 403


@pytest.mark.django_db
def test_the_menu_offers_the_page_to_bureau_staff_only(school_a, bureau_staff, custodian_a, client):
    client.force_login(bureau_staff)
    assert f'href="{URL}"' in client.get(reverse("home")).content.decode()
    client.force_login(custodian_a)
    assert f'href="{URL}"' not in client.get(reverse("home")).content.decode()


def _queries(client, url):
    client.get(url)  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.django_db
def test_the_page_takes_the_same_queries_for_2_and_5_schools(district, school_a, school_b, bureau_staff, client):
    for school in (school_a, school_b):
        stock_school_a(school)
    client.force_login(bureau_staff)
    two = _queries(client, URL)
    for n in range(3):
        stock_school_a(f.organisation(name=f"第{n + 2}中学", parent=district))
    assert len(rows(client.get(URL))) == 5
    assert _queries(client, URL) == two == 15


@pytest.mark.django_db
def test_the_selector_takes_five_queries_for_any_number_of_schools(school_a, school_b, django_assert_num_queries):
    stock_school_a(school_a)
    with django_assert_num_queries(5):
        figures = selectors.bureau_school_figures([school_a.pk, school_b.pk])
    assert figures[school_a.pk] == selectors.SchoolFigures(controlled_containers=2, controlled_chemicals=2,
                                                           pending_movements=1, segregation_violations=1,
                                                           overdue_counts=1)
    assert figures[school_b.pk] == selectors.SchoolFigures()


@pytest.mark.django_db
def test_the_export_is_a_workbook_of_every_school_with_its_figures(school_a, school_b, bureau_staff, client):
    stock_school_a(school_a)
    client.force_login(bureau_staff)
    response = client.get(URL, {"export": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert ["实验小学", 2, 2, 1, 1, 1] in values and ["第一中学", 0, 0, 0, 0, 0] in values
    assert any("Segregation violations" in str(c) or "分类存放" in str(c) for row in values for c in row)


@pytest.mark.django_db
def test_the_school_filter_narrows_to_one_school(school_a, school_b, bureau_staff, client):
    client.force_login(bureau_staff)
    assert set(rows(client.get(URL, {"school": school_b.pk}))) == {"第一中学"}
