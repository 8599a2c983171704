"""Session limits (issue 11 point 10): idle time-out by role, absolute limit, a warning before expiry."""
import pytest
from django.urls import reverse

from campaign_site.accounts import sessions
from tests.factories import PASSWORD


def _login(client, username):
    response = client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302


@pytest.fixture
def clock(monkeypatch):
    now = {"t": 1_800_000_000}
    monkeypatch.setattr(sessions.time, "time", lambda: now["t"])
    return now


def _advance(clock, minutes):
    clock["t"] += int(minutes * 60)


@pytest.mark.parametrize("who, idle_minutes", [("bureau_staff", 30), ("officer_a", 60)])
def test_idle_time_out_by_role(client, clock, request, who, idle_minutes):
    request.getfixturevalue(who)
    _login(client, who)
    _advance(clock, idle_minutes - 1)
    assert client.get(reverse("home")).status_code == 200  # activity restarts the idle clock
    _advance(clock, idle_minutes - 1)
    assert client.get(reverse("home")).status_code == 200
    _advance(clock, idle_minutes + 1)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session


def test_the_idle_limit_is_configurable(client, clock, settings, bureau_staff):
    settings.SESSION_IDLE_MINUTES_BUREAU = 5
    _login(client, "bureau_staff")
    _advance(clock, 6)
    assert client.get(reverse("home")).status_code == 302


def test_absolute_limit_whatever_the_activity(client, clock, settings, officer_a):
    settings.SESSION_ABSOLUTE_HOURS = 2
    _login(client, "officer_a")
    for _ in range(4):
        _advance(clock, 29)
        assert client.get(reverse("home")).status_code == 200
    _advance(clock, 5)
    assert client.get(reverse("home")).status_code == 302


def test_pages_carry_the_seconds_left_and_the_warning_script(client, clock, bureau_staff):
    _login(client, "bureau_staff")
    body = client.get(reverse("home")).content.decode()
    assert 'data-session-seconds="1800"' in body
    assert "js/session-timeout.js" in body and 'data-testid="session-warning"' in body
    _advance(clock, 20)
    response = client.post(reverse("accounts:session_ping"))
    assert response.json() == {"seconds_left": 1800}


def test_the_session_cookie_does_not_outlive_the_absolute_limit(settings):
    assert settings.SESSION_COOKIE_AGE <= settings.SESSION_ABSOLUTE_HOURS * 3600 <= 24 * 3600
