"""Settings: the production profile passes `check --deploy`; the embedded default is SQLite in WAL mode."""
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
# What the test run itself sets (the e2e tests allow async-unsafe ORM calls; CI points at PostgreSQL).
IGNORED_ENV = {"DATABASE_URL", "REDIS_URL", "DJANGO_PROFILE", "DJANGO_ALLOW_ASYNC_UNSAFE", "SECRET_KEY", "DEBUG"}


def _manage(*args, env_extra, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in IGNORED_ENV}
    env.update({"VAR_DIR": str(tmp_path / "var"), **env_extra})
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def test_production_profile_passes_check_deploy(tmp_path):
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING",
        env_extra={"DJANGO_PROFILE": "production", "SECRET_KEY": secrets.token_urlsafe(60),
                   "ALLOWED_HOSTS": "x", "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}"},
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_profile_refuses_to_start_without_a_secret_key(tmp_path):
    result = _manage("check", env_extra={"DJANGO_PROFILE": "production", "ALLOWED_HOSTS": "x"}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_embedded_default_uses_sqlite_in_wal_mode(tmp_path):
    code = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])\n"
        "    c.execute('PRAGMA busy_timeout'); print(c.fetchone()[0])\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in IGNORED_ENV}
    env.update({"VAR_DIR": str(tmp_path / "var"), "DJANGO_SETTINGS_MODULE": "campaign_site.settings"})
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    journal, timeout_ms = result.stdout.split()
    assert journal == "wal"
    assert int(timeout_ms) >= 5000


@pytest.mark.django_db
def test_the_database_under_test(settings):
    """The suite runs on SQLite with IMMEDIATE transactions, or on PostgreSQL when DATABASE_URL says so."""
    if connection.vendor == "sqlite":
        assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    else:
        assert connection.vendor == "postgresql"
        assert os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))


def test_defaults_speak_chinese_in_shanghai():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert [code for code, _name in settings.LANGUAGES] == ["zh-hans", "en"]
