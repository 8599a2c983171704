"""Demo stock counts (盘点), after the demo chemical books and requisitions (registered with
campaign_site.generic.demo, order 42). For each demo school: the bases cabinet counted today with
one difference (a little sodium carbonate less than the books: a count adjustment), the acids and
the flammables cabinets counted with everything in order, and the drug-precursor cabinet never
counted — overdue, so the daily check tells the leaders and opens a hazard. Through the services;
skipped once a demo school has a count."""
from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from campaign_site.accounts.models import Organisation, Role
from campaign_site.generic import demo

from . import services
from .demo import _user
from .models import Cabinet, StockCount


def _count(cabinet, actor, *, short: dict | None = None) -> StockCount:
    """Count `cabinet`: every container as on the books except `short` {chemical name: less found}."""
    count = services.stock_count_start(cabinet=cabinet, actor=actor)
    entries = {}
    for line in count.lines.select_related("container__chemical"):
        less = Decimal((short or {}).get(line.container.chemical.name_zh, 0))
        entries[line.pk] = {"found": max(line.expected - less, Decimal("0")), "present": True, "sealed": True,
                            "labelled": True, "note": "称量复核，账实不符" if less else ""}
    services.stock_count_enter(count=count, actor=actor, entries=entries)
    return services.stock_count_complete(count=count, actor=actor, note="半月例行盘点")


def _school(school, n: int) -> int:
    custodian = _user(school, Role.LAB_CUSTODIAN, f"custodian{n}")
    cabinets = {c.code: c for c in Cabinet.objects.filter(organisation=school)}
    if custodian is None or not {"A1", "B1", "S2"} <= set(cabinets):
        return 0
    _count(cabinets["B1"], custodian, short={"碳酸钠": "2.5"})
    _count(cabinets["A1"], custodian)
    _count(cabinets["S2"], custodian)
    return 3


@demo.register(42, "chemicals counts")
def build(stdout=None):
    from campaign_site.accounts.demo import SCHOOL1_CODE, SCHOOL2_CODE

    schools = [Organisation.objects.filter(code=code).first() for code in (SCHOOL1_CODE, SCHOOL2_CODE)]
    if not all(schools) or StockCount.objects.filter(organisation__in=schools).exists():
        if stdout is not None:
            stdout.write("chemicals counts: skipped (no demo books yet, or already there)")
        return
    with transaction.atomic():
        made = sum(_school(school, n) for n, school in enumerate(schools, start=1))
        checked = services.stock_count_check() if made else {}
    if stdout is not None:
        stdout.write(f"chemicals counts: {made} completed (one with a difference per school); "
                     f"overdue cabinets: {checked.get('hazards', 0)} hazard(s) opened")
