"""The health page: the Celery worker and beat heartbeats, for administrators only."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from campaign_site.accounts.models import Role
from campaign_site.generic.models import Heartbeat
from campaign_site.generic.tasks import heartbeat
from tests import factories as f


@pytest.fixture
def beats(db):
    Heartbeat.objects.create(name="worker", seen_at=timezone.now())
    Heartbeat.objects.create(name="beat", seen_at=timezone.now() - timedelta(minutes=10))


def _english(user):
    user.language = "en"
    user.save(update_fields=["language"])
    return user


def test_superuser_sees_worker_running_and_beat_stale(client_for, superuser, beats):
    response = client_for(_english(superuser)).get(reverse("generic:health"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="health-worker">running<' in body
    assert 'data-testid="health-beat">not seen recently<' in body


def test_health_json(client_for, superuser, beats):
    data = client_for(superuser).get(reverse("generic:health"), {"format": "json"}).json()
    assert data["worker"]["ok"] is True
    assert data["beat"]["ok"] is False


def test_never_seen_is_not_running(client_for, superuser, db):
    with translation.override("en"):
        data = client_for(superuser).get(reverse("generic:health"), {"format": "json"}).json()
    assert data == {"worker": {"ok": False, "seen_at": None}, "beat": {"ok": False, "seen_at": None}}


def test_heartbeat_task_marks_the_worker(client_for, superuser, db):
    heartbeat.delay()  # eager in tests: the task body runs here
    assert client_for(superuser).get(reverse("generic:health"), {"format": "json"}).json()["worker"]["ok"]


def test_administrator_role_may_see_it(client, district, beats):
    admin = f.member(district, Role.ADMIN, username="sysadmin")
    client.force_login(admin)
    assert client.get(reverse("generic:health")).status_code == 200


@pytest.mark.parametrize("who", ["officer_a", "bureau_staff", "principal_a"])
def test_others_are_refused(client, request, who, beats):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("generic:health")).status_code == 403


def test_anonymous_goes_to_login(client, db):
    response = client.get(reverse("generic:health"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
