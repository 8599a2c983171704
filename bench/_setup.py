"""Shared set-up of the benchmarks: Django on the bench database, timing helpers."""
from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench"


def django_setup(database_url: str | None = None):
    """Point Django at the bench database (DATABASE_URL, default the local `bench` database)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "campaign_site.settings")
    os.environ["DATABASE_URL"] = database_url or os.environ.get("BENCH_DATABASE_URL") or os.environ.get(
        "DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
    import django

    django.setup()


def create_database(url: str) -> None:
    """CREATE DATABASE for a postgres:// URL if it does not exist (connects to `postgres`)."""
    from urllib.parse import urlsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _i in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def median(values):
    return statistics.median(values)


def copy_rows(model, rows, *, with_pk: bool = False, every: int = 0, label: str = "rows") -> int:
    """COPY dicts of field values (by field name; ForeignKeys as pks) into `model`'s table.

    Fields a row leaves out get None when nullable, else their default, else "". With `with_pk`
    each row carries its "id" and the table's identity sequence is moved past the largest one
    afterwards. Returns the number of rows written."""
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    fallback = {f.name: (None if f.null else f.get_default() if f.has_default() else "") for f in fields}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)  # "limit" is a keyword
    table = model._meta.db_table
    connection.ensure_connection()
    n = 0
    with connection.connection.cursor() as cur, cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for n, row in enumerate(rows, start=1):
            copy.write_row([row[f.name] if f.name in row else fallback[f.name] for f in fields])
            if every and n % every == 0:
                print(f"  {n:,} {label} …")
    with connection.cursor() as cur:
        if with_pk:
            pk = model._meta.pk.column
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', '{pk}'), "
                        f"(SELECT coalesce(max({pk}), 1) FROM {table}))")
        cur.execute(f"ANALYZE {table}")
    return n
