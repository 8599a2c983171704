"""Creating what already exists at the same moment (issue 11 point 14): the second person gets the
form error, never a 500. The race is reproduced deterministically: the duplicate is inserted
just before our own insert, after the service's check has passed (as another request would)."""
import contextlib

import pytest
from django.db.models.signals import pre_save
from django.urls import reverse

from campaign_site.accounts import services
from campaign_site.accounts.models import Department, Role, User
from campaign_site.generic.errors import DomainError


@contextlib.contextmanager
def created_meanwhile(model, make):
    """Insert a competing row once, right before `model`'s next save."""
    fired = []

    def receiver(sender, instance, **kwargs):
        if not fired:
            fired.append(True)
            make()

    pre_save.connect(receiver, sender=model, weak=False)
    try:
        yield fired
    finally:
        pre_save.disconnect(receiver, sender=model)


def test_a_department_created_concurrently_gives_the_form_error(client_for, principal_a, school_a):
    client = client_for(principal_a)
    with created_meanwhile(Department, lambda: Department.objects.create(organisation=school_a, name="总务处")) as f:
        response = client.post(reverse("accounts:department_create", args=[school_a.pk]), {"name": "总务处"})
    assert f, "the competing insert happened"
    assert response.status_code == 200  # the form again, with the error, instead of a 500
    errors = response.context["form"].non_field_errors()
    assert errors and "总务处" in errors[0]
    # (the competing row was inserted on this test's connection, so the page's rollback took it too)


def test_a_rename_onto_a_name_taken_meanwhile_is_refused(principal_a, school_a):
    department = Department.objects.create(organisation=school_a, name="教务处")
    with created_meanwhile(Department, lambda: Department.objects.create(organisation=school_a, name="后勤处")):
        with pytest.raises(DomainError, match="already has a department called “后勤处”"):
            services.department_rename(department=department, name="后勤处", actor=principal_a)


def test_a_user_created_concurrently_gives_the_form_error(client_for, bureau_staff, school_a):
    client = client_for(bureau_staff)
    with created_meanwhile(User, lambda: User.objects.create(username="ZhangWei")) as fired:
        response = client.post(reverse("accounts:user_create"), {
            "organisation": school_a.pk, "roles": [Role.SAFETY_OFFICER], "username": "zhangwei",
            "full_name": "张伟", "phone": "", "email": "", "password": ""})
    assert fired
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert errors and "zhangwei" in errors[0]


def test_user_names_differing_only_in_case_are_one_login_in_the_database(db):
    from django.db import IntegrityError, transaction

    User.objects.create(username="LiNa")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="lina")


def test_an_institution_code_taken_meanwhile_is_refused(district, bureau_staff):
    from campaign_site.accounts.models import Organisation, OrgKind

    def competitor():
        Organisation.objects.create(name="另一所学校", code="SCH0999", kind=OrgKind.SCHOOL, parent=district,
                                    depth=district.depth + 1, path=district.path + "99999999.")

    with created_meanwhile(Organisation, competitor):
        with pytest.raises(DomainError, match="SCH0999 is already used"):
            services.organisation_create(name="新学校", code="SCH0999", kind=OrgKind.SCHOOL, parent=district,
                                         school_type="primary", actor=bureau_staff)
