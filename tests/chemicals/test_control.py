"""Which chemicals are under two-person control (national flags, a bureau's additions for the
schools below it) and the custodian training records that let a person sign."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign_site.accounts.models import Role
from campaign_site.campaigns.models import Activity, ActivityKind
from campaign_site.generic.errors import DomainError
from chemicals import selectors, services
from chemicals.models import BureauControl, CustodianTraining
from tests import factories as f

from . import factories as cf


@pytest.mark.parametrize("cas,controlled", [
    (cf.KCN, True), (cf.HCL, True), (cf.ETHANOL, True), (cf.PERMANGANATE, True), (cf.SODIUM, True),
    (cf.SALT, False), (cf.CAUSTIC, False),
])
def test_national_flags_put_a_chemical_under_control(school_a, cas, controlled):
    assert selectors.is_controlled(cf.chem(cas), school_a) is controlled


def test_a_bureau_addition_applies_to_the_schools_below_it_only(district, school_a, school_b, other_school,
                                                                   bureau_staff):
    salt = cf.chem(cf.SALT)
    services.control_add(organisation=district, chemical=salt, actor=bureau_staff, reason="区局专项整治")
    assert selectors.is_controlled(salt, school_a)
    assert selectors.is_controlled(salt, school_b)
    assert not selectors.is_controlled(salt, other_school)
    # a container of it now goes only into a cabinet with two locks
    with pytest.raises(DomainError, match="under double management"):
        cf.container(school_a, cf.SALT, in_cabinet=cf.cabinet(school_a))
    cf.container(other_school, cf.SALT, in_cabinet=cf.cabinet(other_school))


def test_only_bureau_safety_staff_add_and_never_a_school(district, school_a, bureau_staff, bureau_inspector,
                                                          principal_a):
    salt = cf.chem(cf.SALT)
    with pytest.raises(DomainError, match="bureau's safety staff"):
        services.control_add(organisation=district, chemical=salt, actor=bureau_inspector)
    with pytest.raises(DomainError, match="by a bureau"):
        services.control_add(organisation=school_a, chemical=salt, actor=principal_a)
    with pytest.raises(DomainError, match="already under two-person control by the national lists"):
        services.control_add(organisation=district, chemical=cf.chem(cf.KCN), actor=bureau_staff)
    services.control_add(organisation=district, chemical=salt, actor=bureau_staff)
    with pytest.raises(DomainError, match="already under this bureau's control"):
        services.control_add(organisation=district, chemical=salt, actor=bureau_staff)


def test_bureau_control_pages(district, school_a, bureau_staff, custodian_a, outsider, client_for):
    salt = cf.chem(cf.SALT)
    client = client_for(bureau_staff)
    response = client.post(reverse("chemicals:control_create"), {"organisation": district.pk, "chemical": salt.pk,
                                                                  "reason": "区局专项整治"})
    assert response.status_code == 302
    control = BureauControl.objects.get(organisation=district, chemical=salt)
    page = client.get(reverse("chemicals:control_list")).content.decode()
    assert "氯化钠" in page and 'data-testid="control-remove"' in page
    # the school reads what its bureau added, without a remove button, and cannot add
    client = client_for(custodian_a)
    page = client.get(reverse("chemicals:control_list")).content.decode()
    assert "氯化钠" in page and 'data-testid="control-remove"' not in page
    assert client.get(reverse("chemicals:control_create")).status_code == 403
    assert client.post(reverse("chemicals:control_remove", args=[control.pk])).status_code == 404
    # another district neither sees nor removes it
    client = client_for(outsider)
    assert "氯化钠" not in client.get(reverse("chemicals:control_list")).content.decode()
    assert client.post(reverse("chemicals:control_remove", args=[control.pk])).status_code == 404
    client = client_for(bureau_staff)
    assert client.post(reverse("chemicals:control_remove", args=[control.pk])).status_code == 302
    assert not BureauControl.objects.filter(pk=control.pk).exists()
    assert not selectors.is_controlled(salt, school_a)


def test_training_is_valid_between_its_dates(school_a, school_b, custodian_a):
    today = timezone.localdate()
    cf.training(school_a, custodian_a, trained_on=today - datetime.timedelta(days=400),
                valid_until=today - datetime.timedelta(days=1))
    assert not selectors.has_valid_training(custodian_a, school_a)
    assert selectors.has_valid_training(custodian_a, school_a, today - datetime.timedelta(days=2))
    cf.training(school_a, custodian_a)
    assert selectors.has_valid_training(custodian_a, school_a)
    assert not selectors.has_valid_training(custodian_a, school_b)


def test_training_only_for_a_custodian_of_the_school_by_its_safety_officer(school_a, school_b, officer_a,
                                                                           custodian_a, custodian_b, leader_a):
    today = timezone.localdate()
    fields = dict(course="危险化学品保管员培训", trained_on=today, valid_until=today + datetime.timedelta(days=365))
    with pytest.raises(DomainError, match="not a lab custodian of"):
        services.training_create(organisation=school_a, actor=officer_a, person=custodian_b, **fields)
    with pytest.raises(DomainError, match="not a lab custodian of"):
        services.training_create(organisation=school_a, actor=officer_a, person=leader_a, **fields)
    with pytest.raises(DomainError, match="safety officer and leaders"):
        services.training_create(organisation=school_a, actor=custodian_a, person=custodian_a, **fields)
    with pytest.raises(DomainError, match="a day before it was held"):
        services.training_create(organisation=school_a, actor=officer_a, person=custodian_a, course="培训",
                                 trained_on=today, valid_until=today - datetime.timedelta(days=1))
    drill = Activity.objects.create(organisation=school_a, kind=ActivityKind.DRILL, date=today, topic="消防演练",
                                    participants=300)
    with pytest.raises(DomainError, match="not a training session"):
        services.training_create(organisation=school_a, actor=officer_a, person=custodian_a, activity=drill, **fields)
    session = Activity.objects.create(organisation=school_a, kind=ActivityKind.TRAINING, date=today,
                                      topic="危化品管理培训", participants=12)
    record = services.training_create(organisation=school_a, actor=officer_a, person=custodian_a, activity=session,
                                      **fields)
    assert record.activity == session and record.created_by == officer_a


def test_training_pages(school_a, school_b, officer_a, custodian_a, officer_b, client_for):
    today = timezone.localdate()
    client = client_for(officer_a)
    response = client.post(reverse("chemicals:training_create"), {
        "organisation": school_a.pk, "person": custodian_a.pk, "course": "危险化学品保管员培训",
        "certificate": "WH-2026-018", "trained_on": today.isoformat(),
        "valid_until": (today + datetime.timedelta(days=365)).isoformat()})
    assert response.status_code == 302
    record = CustodianTraining.objects.get(person=custodian_a)
    page = client.get(reverse("chemicals:training_list")).content.decode()
    assert "保管员甲" in page and "WH-2026-018" in page
    detail = client.get(record.get_absolute_url()).content.decode()
    assert 'data-testid="training-valid"' in detail and 'data-testid="edit"' in detail
    # the custodian reads their record, does not enter one
    client = client_for(custodian_a)
    assert client.get(record.get_absolute_url()).status_code == 200
    assert client.get(reverse("chemicals:training_create")).status_code == 403
    # another school's safety officer never sees it
    client = client_for(officer_b)
    assert client.get(record.get_absolute_url()).status_code == 404
    assert "保管员甲" not in client.get(reverse("chemicals:training_list")).content.decode()


def test_a_safety_officer_of_another_school_cannot_enter_training_here(school_a, school_b, custodian_a, officer_b):
    with pytest.raises(DomainError):
        services.training_create(organisation=school_a, actor=officer_b, person=custodian_a, course="培训",
                                 trained_on=timezone.localdate(), valid_until=timezone.localdate())


def test_a_lab_head_is_a_custodian_too(school_a):
    head = f.member(school_a, Role.LAB_HEAD, username="labhead", full_name="实验室主任")
    cf.training(school_a, head)
    assert selectors.has_valid_training(head, school_a)


def test_the_containers_double_management_filter_counts_bureau_additions(district, school_a, other_school,
                                                                          bureau_staff, officer_a):
    from chemicals.filtersets import ContainerFilterSet
    from chemicals.models import Container

    services.control_add(organisation=district, chemical=cf.chem(cf.SALT), actor=bureau_staff)
    plain = cf.container(school_a, cf.CAUSTIC)
    there = cf.container(other_school, cf.SALT)
    # a salt bottle of school A can only be put on file by two custodians now: build it the old way
    services.control_remove(control=BureauControl.objects.get(), actor=None)
    here = cf.container(school_a, cf.SALT, in_cabinet=cf.cabinet(school_a, controlled=True))
    services.control_add(organisation=district, chemical=cf.chem(cf.SALT), actor=bureau_staff)

    def controlled(value):
        return set(ContainerFilterSet({"controlled": value}, queryset=Container.objects.all(), request=None).qs)

    assert here in controlled("true") and plain not in controlled("true") and there not in controlled("true")
    assert {plain, there} <= controlled("false") and here not in controlled("false")
