"""The PostgreSQL backend's timestamptz loader (campaign_site/generic/postgresql/base.py) reads what
Django's reads: same instants, same time zone object, faster."""
import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.db.backends.postgresql.psycopg_any import register_tzloader
from psycopg.pq import Format

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only (CI's second pass)")

SHANGHAI = ZoneInfo("Asia/Shanghai")
VALUES = [
    datetime.datetime(2026, 11, 2, 8, 30, 12, 345678, tzinfo=SHANGHAI),
    datetime.datetime(2026, 11, 2, 8, 30, tzinfo=datetime.UTC),
    datetime.datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=datetime.timezone(datetime.timedelta(hours=-9, minutes=-30))),
    datetime.datetime(1, 1, 1, 0, 0, 1, tzinfo=datetime.UTC),
    datetime.datetime(9999, 12, 31, 12, 0, tzinfo=datetime.UTC),
]


def _select(cursor):
    cursor.execute("SELECT " + ", ".join(["%s::timestamptz"] * len(VALUES)), VALUES)
    return list(cursor.fetchone())


@pytest.mark.django_db
def test_postgres_urls_use_the_project_backend():
    from campaign_site.generic.postgresql.base import TzLoader

    assert settings.DATABASES["default"]["ENGINE"] == "campaign_site.generic.postgresql"
    connection.ensure_connection()
    adapters = connection.connection.adapters
    loader = adapters.get_loader(adapters.types["timestamptz"].oid, Format.TEXT)
    assert issubclass(loader, TzLoader) and loader.timezone == connection.timezone


@pytest.mark.django_db
def test_timestamps_read_as_django_reads_them():
    with connection.cursor() as cursor:
        ours = _select(cursor)
    raw = connection.connection.cursor()
    register_tzloader(connection.timezone, raw)  # Django's own loader, on this cursor only
    try:
        django_values = _select(raw)
    finally:
        raw.close()
    assert ours == django_values == VALUES
    assert [v.tzinfo for v in ours] == [v.tzinfo for v in django_values] == [connection.timezone] * len(VALUES)
    assert [v.utcoffset() for v in ours] == [datetime.timedelta(0)] * len(VALUES)


@pytest.mark.django_db
def test_a_model_timestamp_round_trips(school_a):
    from campaign_site.generic.models import AuditEvent

    when = datetime.datetime(2026, 3, 5, 7, 8, 9, 123456, tzinfo=SHANGHAI)
    entry = AuditEvent.objects.create(at=when, action="export", organisation=school_a, detail="round trip")
    assert AuditEvent.objects.values_list("at", flat=True).get(pk=entry.pk) == when
