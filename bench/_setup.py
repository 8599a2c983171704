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
