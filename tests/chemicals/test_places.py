"""Rooms, cabinets and containers of a school: fixed cabinet and place, two key holders of a
controlled cabinet, scoping."""
import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from campaign_site.generic.errors import DomainError
from chemicals import services
from chemicals.models import Cabinet, Container, Unit, convert

from . import factories as cf


def test_units_convert_within_mass_and_volume():
    assert convert(Decimal("0.2"), Unit.LITRE, Unit.MILLILITRE) == Decimal("200")
    assert convert(Decimal("250"), Unit.GRAM, Unit.KILOGRAM) == Decimal("0.25")
    with pytest.raises(ValueError):
        convert(Decimal("1"), Unit.GRAM, Unit.MILLILITRE)


def test_controlled_cabinet_needs_two_different_custodians_of_the_school(school_a, school_b, custodian_a,
                                                                         officer_a):
    room = cf.room(school_a)
    other = cf.custodian(school_a)
    with pytest.raises(DomainError, match="two key holders"):
        services.cabinet_create(organisation=school_a, actor=custodian_a, room=room, code="1号柜", controlled=True,
                                key_holder_1=custodian_a)
    with pytest.raises(DomainError, match="two different people"):
        services.cabinet_create(organisation=school_a, actor=custodian_a, room=room, code="1号柜", controlled=True,
                                key_holder_1=custodian_a, key_holder_2=custodian_a)
    with pytest.raises(DomainError, match="not a lab custodian"):
        services.cabinet_create(organisation=school_a, actor=custodian_a, room=room, code="1号柜", controlled=True,
                                key_holder_1=custodian_a, key_holder_2=officer_a)
    with pytest.raises(DomainError, match="not a lab custodian"):
        services.cabinet_create(organisation=school_a, actor=custodian_a, room=room, code="1号柜", controlled=True,
                                key_holder_1=custodian_a, key_holder_2=cf.custodian(school_b))
    cab = services.cabinet_create(organisation=school_a, actor=custodian_a, room=room, code="1号柜",
                                  controlled=True, key_holder_1=custodian_a, key_holder_2=other)
    assert {cab.key_holder_1, cab.key_holder_2} == {custodian_a, other}
    # The database refuses the same person twice, whatever the entry point.
    with pytest.raises(IntegrityError), transaction.atomic():
        Cabinet.objects.filter(pk=cab.pk).update(key_holder_2=custodian_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Cabinet.objects.filter(pk=cab.pk).update(key_holder_2=None)


def test_only_the_schools_custodians_keep_its_places(school_a, custodian_a, custodian_b, officer_a):
    with pytest.raises(DomainError, match="lab custodians"):
        services.room_create(organisation=school_a, actor=officer_a, name="药品室")
    with pytest.raises(DomainError, match="lab custodians"):
        services.room_create(organisation=school_a, actor=custodian_b, name="药品室")
    room = services.room_create(organisation=school_a, actor=custodian_a, name="药品室")
    assert room.history.first().history_user == custodian_a
    with pytest.raises(DomainError, match="already has a room"):
        services.room_create(organisation=school_a, actor=custodian_a, name="药品室")


def test_container_keeps_a_fixed_cabinet_of_its_school(school_a, school_b, custodian_a):
    plain = cf.cabinet(school_a)
    with pytest.raises(DomainError, match="double management"):
        cf.container(school_a, cf.HCL, in_cabinet=plain)
    with pytest.raises(DomainError, match="another school"):
        cf.container(school_a, cf.SALT, in_cabinet=cf.cabinet(school_b))
    with pytest.raises(DomainError, match="before it was received"):
        cf.container(school_a, cf.SALT, in_cabinet=plain, opened_on=datetime.date(2026, 8, 1))
    bottle = services.container_create(
        organisation=school_a, actor=custodian_a, chemical=cf.chem(cf.SALT), cabinet=plain, unit="g",
        size=Decimal("500"), received_on=datetime.date(2026, 9, 1), position="2-3", lot="20260801",
        supplier="国药集团", expires_on=datetime.date(2029, 9, 1))
    assert bottle.size == Decimal("500") and bottle.position == "2-3"
    services.container_update(container=bottle, actor=custodian_a, position="2-4")
    bottle.refresh_from_db()
    assert bottle.position == "2-4"
    assert bottle.history.count() == 2


def test_custodian_puts_a_container_on_file_through_the_pages(client, school_a, custodian_a):
    cab = cf.cabinet(school_a)
    client.force_login(custodian_a)
    response = client.post(reverse("chemicals:container_create"), {
        "organisation": school_a.pk, "chemical": cf.chem(cf.CAUSTIC).pk, "cabinet": cab.pk, "position": "1-1",
        "lot": "L1", "supplier": "国药", "received_on": "2026-09-01", "unit": "g", "size": "500"})
    assert response.status_code == 302, response.content.decode()[:2000]
    bottle = Container.objects.get()
    assert bottle.chemical.cas == cf.CAUSTIC and bottle.history.first().history_user == custodian_a
    page = client.get(bottle.get_absolute_url()).content.decode()
    assert "氢氧化钠" in page and "1-1" in page
    listing = client.get(reverse("chemicals:container_list")).content.decode()
    assert "氢氧化钠" in listing


def test_another_schools_custodian_sees_nothing(client, school_a, custodian_b):
    bottle = cf.container(school_a)
    client.force_login(custodian_b)
    assert client.get(bottle.get_absolute_url()).status_code == 404
    assert client.get(bottle.cabinet.get_absolute_url()).status_code == 404
    assert "氯化钠" not in client.get(reverse("chemicals:container_list")).content.decode()
    assert client.get(reverse("chemicals:container_edit", args=[bottle.pk])).status_code == 404


def test_teacher_reads_but_cannot_edit(client, school_a):
    from campaign_site.accounts.models import Role
    from tests import factories as f

    teacher = f.member(school_a, Role.TEACHER, username="teacher_a", full_name="化学老师")
    bottle = cf.container(school_a)
    client.force_login(teacher)
    assert client.get(bottle.get_absolute_url()).status_code == 200
    assert client.get(reverse("chemicals:container_edit", args=[bottle.pk])).status_code == 403
    assert client.get(reverse("chemicals:container_create")).status_code == 403


def test_a_bureau_seeing_many_cabinets_searches_them_by_number_room_or_school(
        client, monkeypatch, school_a, school_b, bureau_staff):
    from campaign_site.generic import filtersets

    monkeypatch.setattr(filtersets, "SELECT_LIMIT", 1)  # stands for the thousands of cabinets of a city
    cf.container(school_a, cas=cf.CAUSTIC, in_cabinet=cf.cabinet(school_a, code="酸碱柜A"))
    cf.container(school_b, in_cabinet=cf.cabinet(school_b, code="通用柜B"))
    client.force_login(bureau_staff)
    for url in (reverse("chemicals:container_list"), reverse("chemicals:count_list")):
        page = client.get(url).content.decode()
        assert '<input type="text" name="cabinet"' in page and "酸碱柜A</option>" not in page
    listing = client.get(reverse("chemicals:container_list"), {"cabinet": "酸碱"}).content.decode()
    assert "氢氧化钠" in listing and "氯化钠" not in listing
    listing = client.get(reverse("chemicals:container_list"), {"cabinet": school_b.name}).content.decode()
    assert "氯化钠" in listing and "氢氧化钠" not in listing
