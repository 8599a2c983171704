"""Builders of a school's chemical records, through the services (actor None: the system)."""
import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from campaign_site.accounts.models import Role
from chemicals import services
from chemicals.models import Chemical
from tests import factories as f

_n = itertools.count(1)

SALT = "7647-14-5"       # sodium chloride: no flag
CAUSTIC = "1310-73-2"    # sodium hydroxide: a base, no flag
HCL = "7647-01-0"        # hydrochloric acid: drug precursor, category 3
KCN = "151-50-8"         # potassium cyanide: highly toxic
ETHANOL = "64-17-5"      # flammable
PERMANGANATE = "7722-64-7"  # explosive and drug precursor
SODIUM = "7440-23-5"     # explosive precursor, water-reactive


def chem(cas):
    return Chemical.objects.get(cas=cas)


def custodian(school, **kwargs):
    n = next(_n)
    kwargs.setdefault("username", f"custodian{n}")
    kwargs.setdefault("full_name", f"保管员{n}")
    return f.member(school, Role.LAB_CUSTODIAN, **kwargs)


def room(school, name=None):
    return services.room_create(organisation=school, actor=None, name=name or f"化学药品室{next(_n)}")


def cabinet(school, *, controlled=False, holders=None, in_room=None, kind="general", code=None):
    if controlled and holders is None:
        holders = (custodian(school), custodian(school))
    holders = holders or (None, None)
    return services.cabinet_create(
        organisation=school, actor=None, room=in_room or room(school), code=code or f"{next(_n)}号柜", kind=kind,
        controlled=controlled, key_holder_1=holders[0], key_holder_2=holders[1])


def container(school, cas=SALT, *, in_cabinet=None, size="500", unit="g", **fields):
    chemical = chem(cas)
    if in_cabinet is None:
        in_cabinet = cabinet(school, controlled=chemical.is_controlled)
    fields.setdefault("received_on", datetime.date(2026, 9, 1))
    return services.container_create(organisation=school, actor=None, chemical=chemical, cabinet=in_cabinet,
                                     unit=unit, size=Decimal(size), **fields)


def training(school, person, *, trained_on=None, valid_until=None, course="危险化学品保管员培训"):
    """A custodian training record valid today (unless dates are given)."""
    today = timezone.localdate()
    return services.training_create(
        organisation=school, actor=None, person=person, course=course,
        trained_on=trained_on or today - datetime.timedelta(days=30),
        valid_until=valid_until or today + datetime.timedelta(days=335))


def trained_custodian(school, **kwargs):
    person = custodian(school, **kwargs)
    training(school, person)
    return person


def controlled_container(school, cas=KCN, *, confirm=True, in_cabinet=None, size="500", unit="g", **fields):
    """A container of a chemical under two-person control, received by two trained custodians of
    `school` (or, with confirm=False, still awaiting the second one)."""
    from campaign_site.generic import twoperson
    from campaign_site.generic.models import PendingAction, PendingStatus

    first, second = trained_custodian(school), trained_custodian(school)
    if in_cabinet is None:
        in_cabinet = cabinet(school, controlled=True, holders=(first, second), kind="toxic")
    fields.setdefault("received_on", timezone.localdate())
    bottle = services.container_create(organisation=school, actor=first, chemical=chem(cas), cabinet=in_cabinet,
                                       unit=unit, size=Decimal(size), **fields)
    if confirm:
        action = PendingAction.objects.get(object_id=bottle.pk, kind=services.MOVEMENT_KIND,
                                           status=PendingStatus.PENDING)
        twoperson.pending_action_confirm(action=action, user=second, password=f.PASSWORD)
        bottle.refresh_from_db()
    return bottle


def teacher(school, **kwargs):
    n = next(_n)
    kwargs.setdefault("username", f"teacher{n}")
    kwargs.setdefault("full_name", f"化学教师{n}")
    return f.member(school, Role.TEACHER, **kwargs)


def requisition(school, *, requester=None, lines=None, submit=True, class_name="初三(2)班",
                purpose="酸碱中和实验", use_at=None):
    """A requisition by a teacher of `school` (submitted unless told otherwise)."""
    requester = requester or teacher(school)
    lines = lines or [(chem(SALT), Decimal("50"), "g")]
    req = services.requisition_create(organisation=school, actor=requester, class_name=class_name, purpose=purpose,
                                      use_at=use_at or timezone.now() + datetime.timedelta(hours=2), lines=lines)
    if submit:
        req = services.requisition_submit(requisition=req, actor=requester)
    return req
