"""Demo data of the chemical books (registered with campaign_site.generic.demo, order 40).

For demo schools 1 and 2: custodian training for both custodians, a chemical store with a room,
an acids cabinet, a bases cabinet and two two-lock cabinets (drug precursors; flammables), a dozen
containers on file, three months of issues, returns and consumption (controlled chemicals
confirmed by the second custodian), one issue still waiting for the second custodian, and one
bottle past its expiry date. Everything goes through the services, so the two-person rule and
the cabinets' rules hold in the demo as they do for users. Idempotent: skipped once a demo
school has a chemical room.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from campaign_site.accounts.models import Membership, Organisation, Role
from campaign_site.generic import demo
from campaign_site.generic.models import PendingAction, PendingStatus
from campaign_site.generic.twoperson import pending_action_confirm

from . import services
from .models import Chemical, ChemicalRoom, ContainerStatus, MovementKind, RoomKind

PASSWORD = "demo12345"  # the demo logins' password (accounts demo)

# (chemical, cabinet key, unit, size, days since received, expires in days (None: no date), position)
CONTAINERS = [
    ("磷酸", "acid", "mL", 500, 80, 700, "1-1"),
    ("草酸", "acid", "g", 500, 80, 700, "1-2"),
    ("氢氧化钠", "base", "g", 500, 85, 900, "1-1"),
    ("氢氧化钙", "base", "g", 500, 85, 900, "1-2"),
    ("碳酸钠", "base", "g", 500, 60, None, "2-1"),
    ("硼酸", "acid", "g", 250, 400, -20, "2-1"),  # past its expiry date
    ("盐酸", "precursor", "mL", 500, 75, 720, "1-1"),
    ("硫酸", "precursor", "mL", 500, 75, 720, "1-2"),
    ("无水乙醇", "flammable", "mL", 500, 70, 720, "1-1"),
]
CABINETS = {
    "acid": ("A1", "酸类试剂柜", False),
    "base": ("B1", "碱类试剂柜", False),
    "precursor": ("S1", "易制毒试剂双锁柜", True),
    "flammable": ("S2", "易燃液体双锁柜", True),
}


def _user(org, role, suffix=""):
    m = (Membership.objects.filter(organisation=org, role=role, is_active=True, user__is_active=True,
                                   user__username__endswith=suffix)
         .select_related("user").order_by("user__username").first())
    return m.user if m else None


def _at(days_ago: int, hour: int = 10) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _book(container, kind, quantity, *, actor, second, days_ago, reason, confirm=True):
    """A movement through the service; a controlled one confirmed by the second custodian."""
    result = services.movement_record(container=container, kind=kind, quantity=Decimal(quantity), actor=actor,
                                      occurred_at=_at(days_ago), reason=reason)
    if confirm and isinstance(result, PendingAction):
        pending_action_confirm(action=result, user=second, password=PASSWORD)
    return result


def _school(school, n: int):
    today = timezone.localdate()
    officer = _user(school, Role.SAFETY_OFFICER)
    first, second = _user(school, Role.LAB_CUSTODIAN, f"custodian{n}"), _user(school, Role.LAB_CUSTODIAN, "b")
    if not (officer and first and second):
        return 0
    for person in (first, second):
        services.training_create(organisation=school, actor=officer, person=person, course="危险化学品安全管理培训",
                                 certificate=f"ZD-WHP-{today.year}-{person.pk:04d}", trained_by="郑东新区教育文化体育局",
                                 trained_on=today - dt.timedelta(days=120), valid_until=today + dt.timedelta(days=245))
    room = services.room_create(organisation=school, actor=first, name="化学药品室", kind=RoomKind.STOREROOM,
                                location="实验楼一楼东侧", hazard_sign=True)
    cabinets = {}
    for key, (code, note, controlled) in CABINETS.items():
        fields = {"key_holder_1": first, "key_holder_2": second} if controlled else {}
        cabinets[key] = services.cabinet_create(organisation=school, actor=first, room=room, code=code, note=note,
                                                hazard_sign=True, controlled=controlled, **fields)
    booked = 0
    for name, cab, unit, size, age, expires, position in CONTAINERS:
        chemical = Chemical.objects.get(name_zh=name)
        received = today - dt.timedelta(days=age)
        container = services.container_create(
            organisation=school, actor=first, chemical=chemical, cabinet=cabinets[cab], unit=unit, size=Decimal(size),
            received_on=received, position=position, supplier="郑州化学试剂有限公司", lot=f"{received:%Y%m}{n:02d}",
            expires_on=(today + dt.timedelta(days=expires)) if expires is not None else None)
        if container.status == ContainerStatus.AWAITING:  # its receipt waits for the second custodian
            action = PendingAction.objects.filter(organisation=school, status=PendingStatus.PENDING).order_by("-pk") \
                .first()
            pending_action_confirm(action=action, user=second, password=PASSWORD)
            container.refresh_from_db()
        # three months of lessons: issue for a class, the leftover back, some of it used up
        for week in range(min(age // 7 - 1, 12), 0, -3):
            amount = 30 if unit in ("mL", "g") else 1
            _book(container, MovementKind.ISSUE, amount, actor=first, second=second, days_ago=week * 7,
                  reason="九年级化学分组实验")
            _book(container, MovementKind.RETURN, amount // 3, actor=first, second=second, days_ago=week * 7,
                  reason="实验结束归还剩余")
            booked += 2
        if name == "盐酸":  # today's issue, waiting for the second custodian
            _book(container, MovementKind.ISSUE, 50, actor=first, second=second, days_ago=0,
                  reason="明日九年级酸碱中和实验", confirm=False)
    return booked


@demo.register(40, "chemicals")
def build(stdout=None):
    from campaign_site.accounts.demo import SCHOOL1_CODE, SCHOOL2_CODE

    schools = [Organisation.objects.filter(code=code).first() for code in (SCHOOL1_CODE, SCHOOL2_CODE)]
    if not all(schools):
        if stdout is not None:
            stdout.write("chemicals: no demo schools yet; skipped")
        return
    if ChemicalRoom.objects.filter(organisation__in=schools).exists():
        if stdout is not None:
            stdout.write("chemicals: demo chemical books already there; skipped")
        return
    booked = 0
    with transaction.atomic():
        for n, school in enumerate(schools, start=1):
            booked += _school(school, n)
    if stdout is not None:
        stdout.write(f"chemicals: {len(CONTAINERS)} containers per demo school, {booked} movements booked, "
                     f"one issue waiting for the second custodian, one expired bottle")
