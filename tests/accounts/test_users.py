import pytest
from django.urls import reverse

from campaign_site.accounts import services
from campaign_site.accounts.models import Membership, Role, User
from campaign_site.generic.errors import DomainError


def test_user_list_for_bureau_only(client_for, bureau_staff, bureau_inspector, officer_a, outsider):
    page = client_for(bureau_staff).get(reverse("accounts:user_list")).content.decode()
    assert "officer_a" in page and "outsider" not in page
    assert client_for(bureau_inspector).get(reverse("accounts:user_list")).status_code == 200
    assert client_for(officer_a).get(reverse("accounts:user_list")).status_code == 403


def test_user_list_query_count_is_constant(client_for, bureau_staff, school_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests import factories as f

    client = client_for(bureau_staff)
    for _i in range(2):
        f.member(school_a, Role.RESPONSIBLE_PERSON)
    client.get(reverse("accounts:user_list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("accounts:user_list"))
    for _i in range(15):
        f.member(school_a, Role.RESPONSIBLE_PERSON)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("accounts:user_list"))
    assert len(many) == len(few)


def test_manager_creates_user_with_generated_password(client_for, bureau_staff, school_a):
    response = client_for(bureau_staff).post(reverse("accounts:user_create"), {
        "organisation": school_a.pk, "roles": [Role.SAFETY_OFFICER], "username": "newofficer",
        "full_name": "新安全员", "phone": "", "email": "", "password": ""})
    assert response.status_code == 200
    password = response.context["password"]
    assert password and password in response.content.decode()
    user = User.objects.get(username="newofficer")
    assert user.check_password(password)
    assert user.has_role(school_a, Role.SAFETY_OFFICER)
    assert user.person.organisation == school_a


def test_school_user_cannot_get_bureau_role(client_for, bureau_staff, school_a):
    response = client_for(bureau_staff).post(reverse("accounts:user_create"), {
        "organisation": school_a.pk, "roles": [Role.BUREAU_SAFETY], "username": "x1", "full_name": "某人"})
    assert response.status_code == 200
    assert not User.objects.filter(username="x1").exists()


def test_outsider_cannot_create_user_in_other_district(bureau_staff, outsider, school_a):
    with pytest.raises(DomainError):
        services.user_create(username="x2", full_name="某人", organisation=school_a,
                             roles=[Role.SAFETY_OFFICER], actor=outsider)


def test_school_staff_cannot_manage_users(client_for, principal_a, officer_a):
    client = client_for(principal_a)
    assert client.get(reverse("accounts:user_create")).status_code == 403
    assert client.get(reverse("accounts:user_detail", args=[officer_a.pk])).status_code == 403
    assert client.post(reverse("accounts:user_set_active", args=[officer_a.pk]), {"active": "0"}).status_code == 302
    officer_a.refresh_from_db()
    assert officer_a.is_active


def test_add_and_remove_role(client_for, bureau_staff, officer_a, school_a):
    client = client_for(bureau_staff)
    client.post(reverse("accounts:membership_add", args=[officer_a.pk]),
                {"organisation": school_a.pk, "role": Role.LAB_CUSTODIAN})
    assert officer_a.memberships.filter(role=Role.LAB_CUSTODIAN, is_active=True).exists()
    m = officer_a.memberships.get(role=Role.LAB_CUSTODIAN)
    response = client.post(reverse("accounts:membership_remove", args=[officer_a.pk, m.pk]))
    assert response.status_code == 302
    m.refresh_from_db()
    assert not m.is_active


def test_last_role_cannot_be_removed(client_for, bureau_staff, officer_a):
    m = officer_a.memberships.get()
    response = client_for(bureau_staff).post(reverse("accounts:membership_remove", args=[officer_a.pk, m.pk]),
                                             follow=True)
    m.refresh_from_db()
    assert m.is_active
    assert list(response.context["messages"])


def test_deactivate_and_reactivate(client_for, bureau_staff, officer_a):
    client = client_for(bureau_staff)
    client.post(reverse("accounts:user_set_active", args=[officer_a.pk]), {"active": "0"})
    officer_a.refresh_from_db()
    assert not officer_a.is_active
    client.post(reverse("accounts:user_set_active", args=[officer_a.pk]), {"active": "1"})
    officer_a.refresh_from_db()
    assert officer_a.is_active


def test_cannot_deactivate_oneself(bureau_staff):
    with pytest.raises(DomainError):
        services.user_set_active(user=bureau_staff, active=False, actor=bureau_staff)
    bureau_staff.refresh_from_db()
    assert bureau_staff.is_active


def test_reset_password_shows_it_once(client_for, bureau_staff, officer_a):
    response = client_for(bureau_staff).post(reverse("accounts:user_password_reset", args=[officer_a.pk]))
    assert response.status_code == 200
    password = response.context["password"]
    officer_a.refresh_from_db()
    assert officer_a.check_password(password)
    page = client_for(bureau_staff).get(reverse("accounts:user_detail", args=[officer_a.pk])).content.decode()
    assert password not in page


def test_outsider_cannot_touch_other_district_users(client_for, outsider, officer_a):
    client = client_for(outsider)
    assert client.get(reverse("accounts:user_set_active", args=[officer_a.pk])).status_code == 404
    assert client.post(reverse("accounts:user_password_reset", args=[officer_a.pk])).status_code == 404
    assert client.get(reverse("accounts:user_detail", args=[officer_a.pk])).status_code == 404


def test_inspector_reads_but_cannot_manage(client_for, bureau_inspector, officer_a):
    client = client_for(bureau_inspector)
    assert client.get(reverse("accounts:user_detail", args=[officer_a.pk])).status_code == 200
    before = officer_a.password
    client.post(reverse("accounts:user_password_reset", args=[officer_a.pk]))
    officer_a.refresh_from_db()
    assert officer_a.password == before


def test_only_admin_gives_admin_role(bureau_staff, district):
    from tests import factories as f

    user = f.UserFactory()
    with pytest.raises(DomainError):
        services.membership_add(user=user, organisation=district, role=Role.ADMIN, actor=bureau_staff)
    assert not Membership.objects.filter(user=user).exists()
