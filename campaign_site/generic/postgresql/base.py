"""Django's PostgreSQL backend, reading `timestamptz` columns through psycopg's C loader.

Django registers a loader of its own for `timestamptz` on every connection, to stamp each value with
the connection's time zone, and that loader derives from psycopg's pure-Python parser (a regular
expression and nine `int()` calls): ~6 µs a value, where the C loader of psycopg[binary] takes
0.4 µs. psycopg does not let its C classes be subclassed, so Django cannot simply derive from it
(Django ticket #36960). A list page of 100 rows reads several hundred timestamps and an export of
100,000 hazards half a million.

`DatabaseWrapper` gives each connection the same loader, with the parsing done by psycopg's own
loader for the type (the C one when psycopg[binary] is installed) and the same time zone stamped on
the result. settings.py uses this backend whenever DATABASE_URL names PostgreSQL.
tests/generic/test_postgresql.py compares the values with Django's loader.
"""
from __future__ import annotations

from functools import lru_cache

from django.db.backends.postgresql import base
from django.db.backends.postgresql.psycopg_any import BaseTzLoader
from psycopg import adapt, adapters
from psycopg.pq import Format

TIMESTAMPTZ_OID = adapters.types["timestamptz"].oid
# psycopg's own text loader for the type: psycopg_binary's C class when it is installed.
PARSER = adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)


class TzLoader(BaseTzLoader):
    """Django's `BaseTzLoader` (same `timezone` attribute, same values), parsing with `PARSER`."""

    def __init__(self, oid, context=None):
        super().__init__(oid, context)
        self._parse = PARSER(oid, context).load

    def load(self, data):
        value = self._parse(data)
        # With USE_TZ the session runs in UTC and psycopg stamps `datetime.UTC`, which is Django's
        # zone already: replace() (a new datetime, ~1.4 µs) only when they differ.
        return value if value.tzinfo is self.timezone else value.replace(tzinfo=self.timezone)


@lru_cache
def loader_for(timezone) -> type[TzLoader]:
    return type("TzLoader", (TzLoader,), {"timezone": timezone, "__module__": __name__})


@lru_cache
def _adapters(template: adapt.AdaptersMap, timezone) -> adapt.AdaptersMap:
    """Django's adapters for the connection with the timestamptz loader replaced (one map per
    template and time zone, as Django keeps one template)."""
    context = adapt.AdaptersMap(template)
    context.register_loader("timestamptz", loader_for(timezone))
    return context


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        params = super().get_connection_params()
        if params.get("context") is not None:
            params["context"] = _adapters(params["context"], self.timezone)
        return params
