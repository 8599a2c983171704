"""Printable labels (标签): what a label shows, its QR code of the record's address, and that the
address is scoped like every page."""
import re

import pytest
from django.urls import reverse

from chemicals.models import Chemical

from . import factories as cf


def labels_of(response):
    assert response.status_code == 200
    return re.findall(r'<section class="chem-label[^"]*"[^>]*data-label-url="([^"]+)"', response.content.decode())


@pytest.mark.django_db
def test_a_container_label_has_names_cas_flags_pictograms_place_and_qr(school_a, custodian_a, client):
    bottle = cf.controlled_container(school_a, cf.HCL, unit="mL", position="2-3", lot="20260901")
    Chemical.objects.filter(cas=cf.HCL).update(ghs_pictograms="GHS05 GHS07")
    client.force_login(custodian_a)
    response = client.get(reverse("chemicals:container_label", args=[bottle.pk]))
    page = response.content.decode()
    assert labels_of(response) == [f"http://testserver{bottle.get_absolute_url()}"]
    assert "盐酸" in page and "Hydrochloric acid" in page and "CAS 7647-01-0" in page
    assert "易制毒" in page and "3" in page.split('data-testid="label-flags"')[1].split("</div>")[0]
    assert page.count('class="ghs"') == 2 and 'data-ghs="GHS05"' in page and 'data-ghs="GHS07"' in page
    assert f"{bottle.cabinet.code} · 2-3" in page and "20260901" in page
    # the QR code: an inline SVG drawn on the server, no image request
    assert re.search(r'<svg viewBox="0 0 \d+ \d+" class="label-qr"><title>http://testserver', page)
    assert "<img" not in page.split('data-testid="label-sheet"')[1]


@pytest.mark.django_db
def test_an_unflagged_chemical_shows_no_flags(school_a, custodian_a, client):
    bottle = cf.container(school_a, cf.SALT)
    client.force_login(custodian_a)
    page = client.get(reverse("chemicals:container_label", args=[bottle.pk])).content.decode()
    assert 'data-testid="label-flags"' not in page and "chem-label-flagged" not in page and "氯化钠" in page


@pytest.mark.django_db
def test_a_cabinet_sheet_has_the_cabinet_and_its_live_containers(school_a, custodian_a, client):
    cyanide = cf.controlled_container(school_a, cf.KCN, confirm=False)
    safe = cyanide.cabinet
    client.force_login(custodian_a)
    urls = labels_of(client.get(reverse("chemicals:cabinet_labels", args=[safe.pk])))
    assert urls == [f"http://testserver{safe.get_absolute_url()}", f"http://testserver{cyanide.get_absolute_url()}"]
    single = client.get(reverse("chemicals:cabinet_label", args=[safe.pk]))
    assert labels_of(single) == [f"http://testserver{safe.get_absolute_url()}"]
    page = single.content.decode()
    # the cabinet label warns of what it holds and names both key holders
    assert "剧毒" in page and safe.key_holder_1.display_name in page and safe.key_holder_2.display_name in page


@pytest.mark.django_db
def test_the_printer_size_is_selectable(school_a, custodian_a, client):
    bottle = cf.container(school_a, cf.SALT)
    client.force_login(custodian_a)
    url = reverse("chemicals:container_label", args=[bottle.pk])
    a4 = client.get(url).content.decode()
    assert 'data-size="a4"' in a4 and "css/labels-a4.css" in a4
    roll = client.get(url, {"size": "60x40"}).content.decode()
    assert 'class="label-sheet label-sheet-60x40"' in roll and "css/labels-60x40.css" in roll
    assert "label-sheet-a4" in client.get(url, {"size": "../../x"}).content.decode()  # unknown size: A4


@pytest.mark.django_db
def test_a_selection_sheet_prints_the_ticked_containers_and_404s_on_another_schools(
        school_a, school_b, custodian_a, client):
    shelf = cf.cabinet(school_a)
    first, second = cf.container(school_a, cf.SALT, in_cabinet=shelf), cf.container(school_a, cf.SALT, in_cabinet=shelf)
    theirs = cf.container(school_b, cf.SALT)
    client.force_login(custodian_a)
    cabinet_page = client.get(shelf.get_absolute_url()).content.decode()
    assert f'name="container" value="{first.pk}"' in cabinet_page
    url = reverse("chemicals:label_sheet")
    assert len(labels_of(client.get(url, {"container": [first.pk, second.pk]}))) == 2
    assert client.get(url, {"container": [first.pk, theirs.pk]}).status_code == 404
    assert client.get(url, {"container": ["x"]}).status_code == 404
    assert 'data-testid="no-labels"' in client.get(url).content.decode()


@pytest.mark.django_db
def test_another_schools_label_answers_404(school_a, custodian_b, client):
    bottle = cf.container(school_a, cf.SALT)
    client.force_login(custodian_b)
    assert client.get(reverse("chemicals:container_label", args=[bottle.pk])).status_code == 404
    assert client.get(reverse("chemicals:cabinet_labels", args=[bottle.cabinet_id])).status_code == 404
    assert client.get(bottle.get_absolute_url()).status_code == 404  # what the QR code opens


def _sheet_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.django_db
def test_a_cabinet_sheet_takes_the_same_queries_for_2_and_5_containers(school_a, custodian_a, client):
    shelf = cf.cabinet(school_a)
    for _ in range(2):
        cf.container(school_a, cf.SALT, in_cabinet=shelf)
    client.force_login(custodian_a)
    url = reverse("chemicals:cabinet_labels", args=[shelf.pk])
    few = _sheet_queries(client, url)
    for _ in range(3):
        cf.container(school_a, cf.CAUSTIC, in_cabinet=cf.cabinet(school_a))  # elsewhere: not on the sheet
        cf.container(school_a, cf.SALT, in_cabinet=shelf)
    assert len(labels_of(client.get(url))) == 6
    assert _sheet_queries(client, url) == few == 9
