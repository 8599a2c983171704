"""Login throttling (issue 11 point 9): repeated failures lock the account and the client address."""
import pytest
from django.urls import reverse

from campaign_site.generic.models import AuditEvent
from tests.factories import PASSWORD

LOGIN = reverse("accounts:login")


def _login(client, username, password, ip="192.0.2.10"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_30_wrong_passwords_lock_the_account_and_the_right_one_is_refused(client, officer_a, settings):
    for _ in range(30):
        _login(client, "officer_a", "wrong-password")
    response = _login(client, "officer_a", PASSWORD, ip="192.0.2.99")  # even from another address
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "Too many failed logins" in response.content.decode() or "登录失败次数过多" in response.content.decode()
    assert AuditEvent.objects.filter(action="locked_out", username="officer_a").exists()


def test_the_lock_ends_after_the_cool_off(client, officer_a, settings):
    from datetime import timedelta

    from axes.models import AccessAttempt
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "officer_a", "wrong-password")
    assert _login(client, "officer_a", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time - timedelta(minutes=31))
    assert _login(client, "officer_a", PASSWORD).status_code == 302


def test_the_message_does_not_reveal_whether_the_account_exists(client, officer_a, settings):
    for name in ("officer_a", "no_such_user"):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            _login(client, name, "wrong-password", ip=f"192.0.2.{len(name)}")
    real = _login(client, "officer_a", "x", ip="198.51.100.1")
    ghost = _login(client, "no_such_user", "x", ip="198.51.100.2")
    assert real.status_code == ghost.status_code == 429
    strip = lambda r: r.content.decode().replace("officer_a", "").replace("no_such_user", "")  # noqa: E731
    assert strip(real).split('name="csrfmiddlewaretoken"')[0] == strip(ghost).split('name="csrfmiddlewaretoken"')[0]


def test_a_client_address_is_locked_after_many_failures_on_many_accounts(client, officer_a, settings):
    for n in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        _login(client, f"guess{n}", "wrong-password", ip="203.0.113.50")
    assert _login(client, "officer_a", PASSWORD, ip="203.0.113.50").status_code == 429
    assert _login(client, "officer_a", PASSWORD, ip="203.0.113.51").status_code == 302


def test_bureau_staff_unlock_a_user_of_their_scope(client, client_for, officer_a, bureau_staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "officer_a", "wrong-password")
    staff = client_for(bureau_staff)
    page = staff.get(reverse("accounts:user_detail", args=[officer_a.pk])).content.decode()
    assert 'data-testid="unlock"' in page
    staff.post(reverse("accounts:user_unlock", args=[officer_a.pk]))
    event = AuditEvent.objects.get(action="unlocked")
    assert event.user == bureau_staff and event.object_repr == str(officer_a)
    staff.logout()
    assert _login(client, "officer_a", PASSWORD).status_code == 302


@pytest.mark.parametrize("who", ["officer_b", "outsider"])
def test_others_cannot_unlock(client_for, request, officer_a, who):
    response = client_for(request.getfixturevalue(who)).post(reverse("accounts:user_unlock", args=[officer_a.pk]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="unlocked").exists()
