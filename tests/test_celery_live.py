"""A task goes through Redis to a real Celery worker process and its effect shows in the database.

Runs when REDIS_URL is set and the tests use PostgreSQL (DATABASE_URL); `.ci/run` sets both.
The worker is given the test database's name so that it writes where the test reads.
"""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a Redis broker)"),
]


def _database_url() -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="module")
def celery_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock():
        vendor = connection.vendor
    if vendor != "postgresql":
        pytest.skip("the live worker needs a committed PostgreSQL test database (DATABASE_URL)")
    env = {k: v for k, v in os.environ.items() if k != "CELERY_TASK_ALWAYS_EAGER"}
    env.update({
        "DATABASE_URL": _database_url(),  # test_<name>: the database pytest-django made
        "REDIS_URL": os.environ["REDIS_URL"],
        "DJANGO_SETTINGS_MODULE": "campaign_site.settings",
        "CONN_MAX_AGE": "0",
        "EMAIL_URL": "",
        "VAR_DIR": str(tmp_path_factory.mktemp("worker-var")),
    })
    log = tmp_path_factory.mktemp("worker-log") / "worker.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "campaign_site", "worker", "--pool", "solo",
             "--loglevel", "INFO", "--without-heartbeat", "--without-gossip", "--without-mingle",
             "--hostname", f"pytest-{os.getpid()}@%h"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        yield proc, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def sending(settings):
    """Send tasks to the broker for real (the rest of the suite runs them eagerly)."""
    from campaign_site.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    old = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield app
    app.conf.task_always_eager = old


def _wait_for(check, proc, log, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        if proc.poll() is not None:
            pytest.fail(f"the Celery worker stopped (exit {proc.returncode}):\n{log.read_text()[-3000:]}")
        time.sleep(0.3)
    pytest.fail(f"nothing happened within {timeout}s; worker log:\n{log.read_text()[-3000:]}")


@pytest.mark.django_db(transaction=True)
def test_heartbeat_runs_on_a_real_worker(celery_worker, sending):
    from campaign_site.generic.models import Heartbeat
    from campaign_site.generic.tasks import heartbeat

    proc, log = celery_worker
    assert "redis://" in sending.conf.broker_url
    assert not Heartbeat.objects.filter(name="worker").exists()
    heartbeat.delay()
    _wait_for(lambda: Heartbeat.objects.filter(name="worker").exists(), proc, log)


@pytest.mark.django_db(transaction=True)
def test_notice_email_is_delivered_by_the_worker(celery_worker, sending, officer_a):
    from campaign_site.notifications.models import Delivery
    from campaign_site.notifications.services import notify

    proc, log = celery_worker
    notice = notify(key="live:1", title="隐患整改逾期提醒", body="请尽快整改", users=[officer_a])[0]
    delivery = Delivery.objects.get(notice=notice)  # queued on commit (autocommit here)

    def sent():
        delivery.refresh_from_db()
        return delivery.status == "sent"

    _wait_for(sent, proc, log)
    assert delivery.attempts == 1
