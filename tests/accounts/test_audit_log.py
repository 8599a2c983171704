"""Who reads the security audit log and what the core records into it (issue 11 point 13)."""
import csv
import io

import pytest
from django.urls import reverse

from campaign_site.accounts import services
from campaign_site.accounts.models import Role
from campaign_site.generic.audit import audit_record
from campaign_site.generic.models import AuditEvent, AuditResult
from tests.factories import PASSWORD

URL = reverse("accounts:audit_log")


@pytest.fixture
def events(officer_a, officer_b, outsider, school_a, school_b, other_school):
    audit_record("export", user=officer_a, organisation=school_a, detail="a-export")
    audit_record("export", user=officer_b, organisation=school_b, detail="b-export")
    audit_record("export", user=outsider, organisation=other_school, detail="other-export")
    audit_record("login_failed", username="ghost", result=AuditResult.FAILURE, detail="no-org")


def _details(response):
    return sorted(e.detail for e in response.context["table"].data if e.action != "login")


def test_bureau_safety_staff_read_their_subtree_only(client_for, bureau_staff, events):
    response = client_for(bureau_staff).get(URL)
    assert response.status_code == 200
    assert _details(response) == ["a-export", "b-export"]


def test_the_system_administrator_reads_everything(client_for, superuser, events):
    assert _details(client_for(superuser).get(URL)) == ["a-export", "b-export", "no-org", "other-export"]


@pytest.mark.parametrize("who", ["officer_a", "principal_a", "bureau_inspector", "bureau_leader"])
def test_other_roles_are_refused(client_for, request, who, events):
    assert client_for(request.getfixturevalue(who)).get(URL).status_code == 403


def test_filters_and_export(client_for, bureau_staff, school_b, events):
    client = client_for(bureau_staff)
    assert _details(client.get(URL, {"organisation": school_b.pk})) == ["b-export"]
    assert _details(client.get(URL, {"who": "officer_a"})) == ["a-export"]
    response = client.get(URL, {"export": "csv", "action": "export"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    # header, this very export (recorded before the file is written) and the district's two records
    assert len(rows) == 4
    assert rows[1][0] and "bureau_staff" in rows[1] and "other-export" not in str(rows)


def test_the_menu_shows_the_log_to_its_readers_only(client_for, bureau_staff, officer_a):
    assert URL in client_for(bureau_staff).get(reverse("home")).content.decode()
    assert URL not in client_for(officer_a).get(reverse("home")).content.decode()


def test_failed_and_successful_logins_are_recorded(client, officer_a, school_a):
    client.post(reverse("accounts:login"), {"username": "officer_a", "password": "wrong"}, REMOTE_ADDR="192.0.2.1")
    client.post(reverse("accounts:login"), {"username": "nobody", "password": "wrong"}, REMOTE_ADDR="192.0.2.1")
    client.post(reverse("accounts:login"), {"username": "officer_a", "password": PASSWORD}, REMOTE_ADDR="192.0.2.1")
    rows = list(AuditEvent.objects.order_by("pk").values_list("action", "username", "result", "organisation",
                                                             "client_ip"))
    assert rows == [
        ("login_failed", "officer_a", "failure", school_a.pk, "192.0.2.1"),
        ("login_failed", "nobody", "failure", None, "192.0.2.1"),
        ("login", "officer_a", "success", school_a.pk, "192.0.2.1"),
    ]


def test_user_and_role_changes_are_recorded(bureau_staff, school_a):
    user = services.user_create(username="new_officer", full_name="新安全员", password="Anquan-2026-xyz", organisation=school_a,
                                roles=[Role.SAFETY_OFFICER], actor=bureau_staff)
    services.membership_add(user=user, organisation=school_a, role=Role.LAB_CUSTODIAN, actor=bureau_staff)
    custodian = user.memberships.get(role=Role.LAB_CUSTODIAN)
    services.membership_remove(membership=custodian, actor=bureau_staff)
    services.user_update(user=user, actor=bureau_staff, phone="13800000000")
    services.user_reset_password(user=user, actor=bureau_staff)
    services.user_set_active(user=user, active=False, actor=bureau_staff)
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["role_added", "user_created", "role_added", "role_removed", "user_changed",
                       "password_reset", "user_deactivated"]
    assert set(AuditEvent.objects.values_list("user", "organisation", "object_repr").distinct()) == {
        (bureau_staff.pk, school_a.pk, "新安全员")}


def test_system_changes_are_not_recorded(school_a):
    services.user_create(username="seeded", full_name="演示", organisation=school_a, roles=[Role.PRINCIPAL])
    assert not AuditEvent.objects.exists()
