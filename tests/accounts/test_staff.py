import pytest
from django.urls import reverse

from campaign_site.accounts import services
from campaign_site.accounts.models import Person
from campaign_site.generic.errors import DomainError


def test_staff_list_scoped(client_for, officer_a, officer_b):
    page = client_for(officer_a).get(reverse("accounts:person_list")).content.decode()
    assert "安全员甲" in page and "安全员乙" not in page


def test_principal_adds_staff_without_login(client_for, principal_a, school_a):
    dept = services.department_create(organisation=school_a, name="后勤处", actor=None)
    response = client_for(principal_a).post(reverse("accounts:person_create"), {
        "organisation": school_a.pk, "name": "宋师傅", "department": dept.pk, "position": "水电工", "phone": "139"})
    assert response.status_code == 302
    person = Person.objects.get(name="宋师傅")
    assert person.department == dept and person.user is None


def test_custodian_cannot_add_staff(client_for, custodian_a):
    assert client_for(custodian_a).get(reverse("accounts:person_create")).status_code == 403


def test_staff_cannot_be_added_to_another_school(client_for, principal_a, school_b):
    response = client_for(principal_a).post(reverse("accounts:person_create"),
                                            {"organisation": school_b.pk, "name": "外校人员"})
    assert response.status_code == 200
    assert not Person.objects.filter(name="外校人员").exists()


def test_department_of_another_school_refused(principal_a, school_a, school_b):
    other_dept = services.department_create(organisation=school_b, name="教务处", actor=None)
    with pytest.raises(DomainError):
        services.person_create(organisation=school_a, name="某人", department=other_dept, actor=principal_a)


def test_link_person_to_login(client_for, principal_a, school_a):
    from tests import factories as f

    person = services.person_create(organisation=school_a, name="新老师", actor=None)
    login = f.UserFactory(username="newteacher", full_name="新老师")
    services.membership_add(user=login, organisation=school_a, role="responsible_person")
    Person.objects.filter(user=login).delete()
    response = client_for(principal_a).post(reverse("accounts:person_edit", args=[person.pk]),
                                            {"name": "新老师", "position": "", "phone": "", "user": login.pk})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.user == login


def test_login_of_another_school_cannot_be_linked(principal_a, officer_b, school_a):
    person = services.person_create(organisation=school_a, name="某人", actor=None)
    with pytest.raises(DomainError):
        services.person_update(person=person, user=officer_b, actor=principal_a)


def test_edit_forbidden_for_responsible_person(client_for, responsible_a, school_a):
    person = services.person_create(organisation=school_a, name="某人", actor=None)
    assert client_for(responsible_a).get(reverse("accounts:person_edit", args=[person.pk])).status_code == 403


def test_bureau_manager_manages_school_staff(client_for, bureau_staff, school_a):
    person = services.person_create(organisation=school_a, name="某人", actor=bureau_staff)
    response = client_for(bureau_staff).post(reverse("accounts:person_edit", args=[person.pk]),
                                             {"name": "某人", "position": "门卫", "phone": ""})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.position == "门卫"


def test_the_staff_form_asks_for_a_persons_name_not_a_title(client_for, principal_a):
    response = client_for(principal_a).get(reverse("accounts:person_create"))
    label = response.content.decode().split('for="id_name"')[1].split("</label>")[0]
    assert "姓名" in label and "名称" not in label
