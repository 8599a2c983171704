"""Per-school daily rollups of the dashboards' figures (SchoolDailyRollup).

`rollups_refresh()` recomputes today's row of every school from the apps' grouped selectors: a
fixed number of queries whatever the number of schools (one grouped query per kind of figure, the
insert in batches of ROLLUP_BATCH rows). The periodic task "dashboard rollups" runs it every ten
minutes, `manage.py refresh_rollups` on demand. Each bureau gets a row too, the sum of the schools
below it, so a bureau's dashboard reads one row per membership instead of counting a million
hazards per page view (the row also holds the rankings of its schools); a school's own dashboard
counts live.
"""
from __future__ import annotations

import datetime
import heapq

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from campaign_site.accounts.models import PATH_STEP, Organisation, OrgKind
from chemicals import selectors as chemical_selectors
from hazards import selectors as hazard_selectors
from schoolbus import selectors as bus_selectors

ROLLUP_BATCH = 2000
RANKED = 15  # schools in each ranking of a bureau's row

# The counted (integer) fields of SchoolDailyRollup, in the order the dashboards sum them.
HAZARD_FIELDS = (
    "hazards_total", "status_registered", "status_rectifying", "status_submitted", "status_awaiting_signoff",
    "status_awaiting_delisting", "status_closed", "open_general", "open_major", "overdue", "listed_open",
    "found_today", "found_month", "closed_month",
)
COUNT_FIELDS = (*HAZARD_FIELDS, "bus_violations_month", "controlled_in_stock")
JSON_FIELDS = ("by_focus_area", "by_month", "violations_by_kind")


def school_figures(schools, *, today: datetime.date, school_ids=None) -> dict[int, dict]:
    """Every figure of a rollup row for each school of the queryset `schools` (also the schools
    with nothing: all zeros): {school id: {field: value}}. Five queries (six without `school_ids`)."""
    first = today.replace(day=1)
    if school_ids is None:
        school_ids = list(schools.values_list("pk", flat=True))
    hazards = hazard_selectors.dashboard_counts(schools, today=today)
    violations = bus_selectors.violation_counts_by_school(schools, first=first, last=today)
    stock = chemical_selectors.controlled_stock_by_school(schools)
    out = {}
    for pk in school_ids:
        row = empty_figures()
        row.update(hazards.get(pk, {}))
        kinds = violations.get(pk, {})
        row["violations_by_kind"] = kinds
        row["bus_violations_month"] = sum(kinds.values())
        row["controlled_in_stock"] = stock.get(pk, 0)
        out[pk] = row
    return out


def empty_figures() -> dict:
    return {**{name: 0 for name in COUNT_FIELDS}, **{name: {} for name in JSON_FIELDS}}


def add_figures(target: dict, row: dict) -> dict:
    """Add `row`'s figures into `target` (counts summed, breakdowns summed key by key)."""
    for name in COUNT_FIELDS:
        target[name] += row[name] or 0
    for name in JSON_FIELDS:
        into = target[name]
        for key, n in (row[name] or {}).items():
            into[key] = into.get(key, 0) + n
    return target


def rankings(schools: list[tuple]) -> dict:
    """The RANKED schools with the most overdue hazards and those with the lowest rectification
    rate (closed of registered; schools without a hazard left out), from (id, name, figures)."""
    overdue = heapq.nsmallest(RANKED, ((-f["overdue"], name, pk) for pk, name, f in schools if f["overdue"]))
    rate = heapq.nsmallest(RANKED, ((f["status_closed"] / f["hazards_total"], name, pk, f["status_closed"],
                                     f["hazards_total"]) for pk, name, f in schools if f["hazards_total"]))
    return {"overdue": [[pk, name, -n] for n, name, pk in overdue],
            "rate": [[pk, name, closed, total] for _r, name, pk, closed, total in rate]}


def merge_rankings(parts: list[dict]) -> dict:
    """Rankings of several disjoint subtrees merged (each part holds its own top RANKED)."""
    overdue = sorted((r for p in parts for r in p.get("overdue", [])), key=lambda r: (-r[2], r[1]))[:RANKED]
    rate = sorted((r for p in parts for r in p.get("rate", [])), key=lambda r: (r[2] / r[3], r[1]))[:RANKED]
    return {"overdue": overdue, "rate": rate}


def rollups_refresh(*, today: datetime.date | None = None) -> int:
    """Recompute today's rollup row of every school and of every bureau (the sum of the schools
    below it, with their rankings), inserting or updating; returns the number of rows. Seven
    queries plus one insert per ROLLUP_BATCH organisations."""
    from .models import SchoolDailyRollup

    today = today or timezone.localdate()
    now = timezone.now()
    organisations = list(Organisation.objects.values_list("pk", "path", "kind", "name"))
    by_path = {path: pk for pk, path, _kind, _name in organisations}
    school_ids = [pk for pk, _path, kind, _name in organisations if kind == OrgKind.SCHOOL]
    figures = school_figures(Organisation.objects.schools(), today=today, school_ids=school_ids)
    bureaus = {pk: {**empty_figures(), "schools": 0} for pk, _path, kind, _name in organisations
               if kind != OrgKind.SCHOOL}
    below: dict[int, list] = {pk: [] for pk in bureaus}
    step = PATH_STEP + 1
    for pk, path, kind, name in organisations:
        if kind != OrgKind.SCHOOL:
            continue
        for end in range(step, len(path), step):  # every bureau above the school
            bureau = by_path.get(path[:end])
            if bureau in bureaus:
                add_figures(bureaus[bureau], figures[pk])
                bureaus[bureau]["schools"] += 1
                below[bureau].append((pk, name, figures[pk]))
    rows = [SchoolDailyRollup(organisation_id=pk, date=today, computed_at=now, is_school=True, schools=1, **values)
            for pk, values in figures.items()]
    rows += [SchoolDailyRollup(organisation_id=pk, date=today, computed_at=now, is_school=False,
                               rankings=rankings(below[pk]), **values)
             for pk, values in bureaus.items()]
    with transaction.atomic():
        SchoolDailyRollup.objects.bulk_create(
            rows, batch_size=ROLLUP_BATCH, update_conflicts=True, unique_fields=["organisation", "date"],
            update_fields=["computed_at", "is_school", "schools", "rankings", *COUNT_FIELDS, *JSON_FIELDS],
        )
    return len(rows)


@shared_task(name="reports.refresh_rollups")
def refresh_rollups() -> int:
    """Periodic: today's dashboard rollups of every school (idempotent: rewrites today's rows)."""
    return rollups_refresh()
