"""The trip and violation lists at scale: each trip's violation count is its own column, kept by
the service that records violations (never an aggregate over every trip the bureau sees), and
neither list counts all its rows to paginate."""
import importlib
import re

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schoolbus import gps, services
from schoolbus.models import Trip, Violation

from . import factories as bf
from .gpsdata import csv_bytes, rows

pytestmark = pytest.mark.django_db


def _real_count(trip):
    return Violation.objects.filter(trip=trip).count()


def _counter(trip):
    return Trip.objects.values_list("violation_count", flat=True).get(pk=trip.pk)


def test_counter_follows_the_violations_the_product_records(school_a):
    clean = bf.trip(school_a)
    assert _counter(clean) == _real_count(clean) == 0

    trip = bf.trip(school_a, boarded=30, alighted=29, escort=None)  # 19 seats: overload, count, no escort
    assert _real_count(trip) == 3 and _counter(trip) == 3 and trip.violation_count == 3

    # Checking again finds the same violations: nothing is counted twice.
    services.trip_check(trip=trip, actor=None)
    assert _counter(trip) == _real_count(trip) == 3

    # An edit that breaks one more rule adds exactly that one.
    services.trip_update(trip=Trip.objects.get(pk=trip.pk), actor=None, pre_trip_check=False)
    assert _counter(trip) == _real_count(trip) == 4

    # A GPS track with one speeding run (one episode, however many points) adds one.
    data = csv_bytes(rows([30] * 10 + [75] * 40 + [30] * 10))
    outcome = gps.import_track(trip=Trip.objects.get(pk=trip.pk), fileobj=data, datum="wgs84")
    assert len(outcome.episodes) == 1
    assert _counter(trip) == _real_count(trip) == 5
    assert _counter(clean) == 0


def test_migration_counts_the_violations_of_existing_trips(school_a):
    trip = bf.trip(school_a, boarded=30, escort=None)  # overload, no escort, boarded ≠ alighted
    clean = bf.trip(school_a)
    Trip.objects.update(violation_count=0)
    migration = importlib.import_module("schoolbus.migrations.0004_trip_violation_count")
    migration.count_violations(apps, None)
    assert _counter(trip) == _real_count(trip) == 3
    assert _counter(clean) == 0


def test_trip_list_shows_each_trips_violations(client, school_a, school_b, bureau_staff):
    overloaded = bf.trip(school_a, boarded=30, alighted=30, escort=None)  # overload, no escort
    bf.trip(school_b)
    client.force_login(bureau_staff)
    page = client.get(reverse("schoolbus:trip_list")).content.decode()
    row = re.search(rf'<tr [^>]*>(?:(?!</tr>).)*{overloaded.vehicle.plate}(?:(?!</tr>).)*</tr>', page, re.S).group(0)
    assert '<span class="badge text-bg-danger">2</span>' in row
    assert page.count("text-bg-danger") == 1


@pytest.mark.parametrize("name", ["schoolbus:trip_list", "schoolbus:violation_list"])
def test_bus_lists_page_without_counting_every_row(client, school_a, bureau_staff, name):
    for day in range(1, 4):
        bf.trip(school_a, boarded=30, date=bf.TODAY.replace(day=day))
    client.force_login(bureau_staff)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(name), {"per_page": 2})
    assert response.status_code == 200
    listed = [q["sql"] for q in ctx.captured_queries
              if f'"{Trip._meta.db_table}"' in q["sql"] or f'"{Violation._meta.db_table}"' in q["sql"]]
    assert listed and not any("COUNT(" in sql.upper() for sql in listed), listed
    assert not any("GROUP BY" in sql.upper() for sql in listed), listed
    # The newest first, and a way on to the next page.
    assert "page=2" in response.content.decode()
