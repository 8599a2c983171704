"""Every write of a school's chemicals: rooms, cabinets, containers and the books.

Public API (keyword-only; each one transaction; DomainError says why it refused):
`room_create`, `room_update`, `cabinet_create`, `cabinet_update`, `container_create` (books the
receipt), `container_update`, `movement_record` (领用、归还、消耗、废弃、报废、调出、盘点),
`movement_reverse` (the correcting entry).

Two-person control (双人收发、双人记账): for a chemical `selectors.is_controlled` names (national
flags or a bureau's addition), `container_create`, `movement_record` and `movement_reverse` post
nothing: they ask for a second custodian on the core's two-person primitive (kind
"chemicals.movement") and return the `PendingAction`; `movement_confirmed` posts the entry when a
second, different custodian of the school with custodian training valid that day confirms with
their own password (`confirmer_eligible`), with both names on it (`created_by`, `second_person`).
The one who asks must hold valid training too. There is no other way onto the books: `_post` is
private and every page, import or command goes through these services.
"""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign_site.accounts.models import Membership, Organisation
from campaign_site.campaigns.models import ActivityKind
from campaign_site.generic import twoperson
from campaign_site.generic.errors import DomainError
from campaign_site.generic.ledger import QUANTITY_PLACES, InsufficientBalance, format_quantity, ledger_post
from campaign_site.generic.models import PendingAction, PendingStatus
from campaign_site.generic.services import model_update

from . import permissions, selectors
from .models import (
    COUNT_FLOW,
    KIND_SIGN,
    REQUISITION_FLOW,
    UNIT_FACTORS,
    BureauControl,
    Cabinet,
    Chemical,
    ChemicalRoom,
    Container,
    ContainerStatus,
    ContainerStock,
    CustodianTraining,
    Movement,
    MovementKind,
    Requisition,
    RequisitionLine,
    RequisitionStatus,
    StockCount,
    StockCountLine,
    StockCountStatus,
    Unit,
    convert,
)

ROOM_FIELDS = frozenset({"name", "kind", "location", "hazard_sign", "note", "is_active"})
CABINET_FIELDS = frozenset({"room", "code", "kind", "hazard_sign", "controlled", "key_holder_1", "key_holder_2",
                            "note", "is_active"})
CONTAINER_FIELDS = frozenset({"cabinet", "position", "lot", "supplier", "received_on", "opened_on", "expires_on",
                              "note"})


# Checks shared by the writes ------------------------------------------------------------------


def _check_keep(actor, organisation: Organisation):
    if not organisation.is_school:
        raise DomainError(_("Chemicals are kept by a school."))
    if actor is not None and not permissions.can_keep(actor, organisation):
        raise DomainError(_("Only the school's lab custodians and head of laboratories keep its chemicals."))


def _check_same_school(obj, organisation: Organisation, label: str):
    if obj is not None and obj.organisation_id != organisation.pk:
        raise DomainError(_("%(what)s belongs to another school.") % {"what": label})


def is_custodian(user, organisation: Organisation) -> bool:
    """`user` is an active lab custodian or head of laboratories of this very school."""
    return user is not None and getattr(user, "is_active", False) and Membership.objects.filter(
        user=user, organisation=organisation, is_active=True, role__in=sorted(permissions.CUSTODIAN_ROLES)).exists()


def custodians_of(organisation: Organisation):
    return get_user_model().objects.filter(
        is_active=True, memberships__organisation=organisation, memberships__is_active=True,
        memberships__role__in=sorted(permissions.CUSTODIAN_ROLES)).distinct().order_by("full_name", "pk")


def _save(obj, actor, changed=None, reason=""):
    obj._history_user = actor
    if reason:
        obj._change_reason = reason
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise DomainError(_("This would duplicate a record already on file (%(detail)s).") % {"detail": exc})
    return obj


# Rooms ----------------------------------------------------------------------------------------


def room_create(*, organisation: Organisation, actor, **fields) -> ChemicalRoom:
    _check_keep(actor, organisation)
    unknown = set(fields) - ROOM_FIELDS
    if unknown:
        raise DomainError(_("Cannot set %(fields)s here.") % {"fields": ", ".join(sorted(unknown))})
    if ChemicalRoom.objects.filter(organisation=organisation, name=fields.get("name", "")).exists():
        raise DomainError(_("This school already has a room called “%(name)s”.") % {"name": fields.get("name")})
    return _save(ChemicalRoom(organisation=organisation, **fields), actor)


def room_update(*, room: ChemicalRoom, actor, **fields) -> ChemicalRoom:
    _check_keep(actor, room.organisation)
    with transaction.atomic():
        room = ChemicalRoom.objects.select_for_update().get(pk=room.pk)
        if "name" in fields and ChemicalRoom.objects.filter(organisation=room.organisation_id, name=fields["name"]) \
                .exclude(pk=room.pk).exists():
            raise DomainError(_("This school already has a room called “%(name)s”.") % {"name": fields["name"]})
        model_update(instance=room, data=fields, allowed=ROOM_FIELDS, actor=actor)
    return room


# Cabinets -------------------------------------------------------------------------------------


def _check_cabinet(cabinet: Cabinet):
    _check_same_school(cabinet.room, cabinet.organisation, _("The room"))
    holders = [h for h in (cabinet.key_holder_1, cabinet.key_holder_2) if h is not None]
    if len(holders) == 2 and holders[0].pk == holders[1].pk:
        raise DomainError(_("The two keys of a cabinet are held by two different people."))
    for holder in holders:
        if not is_custodian(holder, cabinet.organisation):
            raise DomainError(_("%(name)s is not a lab custodian of this school and cannot hold a key.")
                              % {"name": holder.display_name})
    if cabinet.controlled and len(holders) < 2:
        raise DomainError(_("A cabinet with two locks needs two key holders, two different custodians "
                            "(双人双锁)."))


def cabinet_create(*, organisation: Organisation, actor, **fields) -> Cabinet:
    _check_keep(actor, organisation)
    unknown = set(fields) - CABINET_FIELDS
    if unknown:
        raise DomainError(_("Cannot set %(fields)s here.") % {"fields": ", ".join(sorted(unknown))})
    cabinet = Cabinet(organisation=organisation, **fields)
    _check_cabinet(cabinet)
    if Cabinet.objects.filter(organisation=organisation, code=cabinet.code).exists():
        raise DomainError(_("This school already has a cabinet numbered “%(code)s”.") % {"code": cabinet.code})
    return _save(cabinet, actor)


def cabinet_update(*, cabinet: Cabinet, actor, **fields) -> Cabinet:
    _check_keep(actor, cabinet.organisation)
    with transaction.atomic():
        cabinet = Cabinet.objects.select_for_update().get(pk=cabinet.pk)
        if "code" in fields and Cabinet.objects.filter(organisation=cabinet.organisation_id, code=fields["code"]) \
                .exclude(pk=cabinet.pk).exists():
            raise DomainError(_("This school already has a cabinet numbered “%(code)s”.") % {"code": fields["code"]})
        for name, value in fields.items():
            if name in CABINET_FIELDS:
                setattr(cabinet, name, value)
        _check_cabinet(cabinet)
        cabinet = Cabinet.objects.get(pk=cabinet.pk)  # model_update compares with what is stored
        model_update(instance=cabinet, data=fields, allowed=CABINET_FIELDS, actor=actor)
    return cabinet


# Containers -----------------------------------------------------------------------------------


def _check_container(container: Container):
    _check_same_school(container.cabinet, container.organisation, _("The cabinet"))
    if not container.cabinet.is_active:
        raise DomainError(_("Cabinet %(cabinet)s is no longer in use.") % {"cabinet": container.cabinet})
    if selectors.is_controlled(container.chemical, container.organisation) and not container.cabinet.controlled:
        raise DomainError(_("%(chemical)s is under double management: keep it in a cabinet with two locks "
                            "(双人双锁).") % {"chemical": container.chemical.name_zh})
    _check_segregation(container)
    if container.opened_on and container.opened_on < container.received_on:
        raise DomainError(_("A container cannot be opened before it was received."))
    if container.expires_on and container.expires_on < container.received_on:
        raise DomainError(_("The expiry date is before the day the container was received."))


def _check_segregation(container: Container):
    """分类存放: a chemical goes only into a cabinet holding nothing it must be kept apart from."""
    from .segregation import conflict_between

    others = Chemical.objects.filter(containers__cabinet=container.cabinet_id,
                                     containers__status__in=selectors.LIVE_STATUSES).distinct()
    for other in others:
        conflict = conflict_between(container.chemical, other)
        if conflict is not None:
            raise DomainError(_("%(chemical)s cannot go into cabinet %(cabinet)s, which holds %(other)s: %(reason)s.")
                              % {"chemical": container.chemical.name_zh, "cabinet": container.cabinet.code,
                                 "other": other.name_zh, "reason": conflict.reason})


def container_create(*, organisation: Organisation, actor, chemical, cabinet, unit, size, received_on,
                     reference: str = "", equipment: str = "", **fields) -> Container:
    """Put a new container on file in its cabinet and place (定柜定位) and book its receipt (入库)."""
    _check_keep(actor, organisation)
    unknown = set(fields) - CONTAINER_FIELDS
    if unknown:
        raise DomainError(_("Cannot set %(fields)s here.") % {"fields": ", ".join(sorted(unknown))})
    if size is None or size <= 0:
        raise DomainError(_("The content of a container is more than zero."))
    controlled = selectors.is_controlled(chemical, organisation)
    container = Container(organisation=organisation, chemical=chemical, cabinet=cabinet, unit=unit, size=size,
                          received_on=received_on,
                          status=ContainerStatus.AWAITING if controlled else ContainerStatus.IN_STOCK, **fields)
    with transaction.atomic():
        # The cabinet row is locked so two containers placed at once are checked one after the other.
        cabinet = Cabinet.objects.select_for_update().select_related("room").get(pk=cabinet.pk)
        container.cabinet = cabinet
        _check_container(container)
        if controlled:
            _check_requester(actor, container)
        _save(container, actor)
        today = timezone.localdate()
        occurred_at = timezone.now() if received_on >= today else timezone.make_aware(
            datetime.datetime.combine(received_on, datetime.time(8, 0)))
        if controlled:
            # Nothing enters the books until a second trained custodian has signed too.
            _ask_second(actor=actor, container=container, summary=_summary(container, MovementKind.RECEIPT, size, unit),
                        payload={"op": "receipt", "container": container.pk, "occurred_at": occurred_at.isoformat(),
                                 "reference": reference or "", "equipment": equipment or "",
                                 "counterparty_name": fields.get("supplier", "")})
            return container
        _post(container=container, kind=MovementKind.RECEIPT, delta=Decimal(size), entered_quantity=Decimal(size),
              entered_unit=unit, actor=actor, occurred_at=occurred_at, reference=reference, equipment=equipment,
              counterparty_name=fields.get("supplier", ""), reason=_("Received"))
    return container


def container_update(*, container: Container, actor, **fields) -> Container:
    _check_keep(actor, container.organisation)
    with transaction.atomic():
        container = Container.objects.select_for_update().select_related("chemical", "cabinet").get(pk=container.pk)
        if "cabinet" in fields and fields["cabinet"].pk != container.cabinet_id:
            cabinet = Cabinet.objects.select_for_update().select_related("room").get(pk=fields["cabinet"].pk)
            fields["cabinet"] = cabinet
        probe = Container.objects.select_related("chemical", "cabinet").get(pk=container.pk)
        for name, value in fields.items():
            if name in CONTAINER_FIELDS:
                setattr(probe, name, value)
        _check_container(probe)
        model_update(instance=container, data=fields, allowed=CONTAINER_FIELDS, actor=actor)
    return container


# The books -------------------------------------------------------------------------------------

STEP = Decimal(1).scaleb(-QUANTITY_PLACES)
CLOSED_STATUSES = (ContainerStatus.SCRAPPED, ContainerStatus.TRANSFERRED, ContainerStatus.NOT_RECEIVED)
RECORDABLE_KINDS = tuple(k for k in MovementKind if k != MovementKind.RECEIPT)


def in_container_unit(container: Container, quantity, unit: str) -> Decimal:
    """`quantity` `unit` in the container's unit, exactly to the ledger's places (else refused)."""
    try:
        value = convert(quantity, unit, container.unit)
    except (ValueError, KeyError):
        raise DomainError(_("%(unit)s cannot be booked against a container kept in %(container_unit)s.")
                          % {"unit": unit, "container_unit": container.unit})
    exact = value.quantize(STEP)
    if exact != value:
        raise DomainError(_("%(q)s %(unit)s is finer than the books keep (%(step)s %(container_unit)s).")
                          % {"q": format_quantity(quantity), "unit": unit, "step": format_quantity(STEP),
                             "container_unit": container.unit})
    return exact


def _base(container: Container, delta: Decimal) -> tuple[Decimal, str]:
    dimension, factor = UNIT_FACTORS[Unit(container.unit)]
    return delta * factor, (Unit.GRAM if dimension == "mass" else Unit.MILLILITRE)


def _post(*, container: Container, kind, delta: Decimal, entered_quantity, entered_unit, actor, occurred_at=None,
          reason="", reference="", equipment="", counterparty=None, counterparty_name="", second_person=None,
          reverses=None, note="", pending_action=None) -> Movement:
    """Post one line of the books and move the container's balance (locked, never below zero)."""
    if delta == 0:
        raise DomainError(_("Nothing to book: the quantity is zero."))
    base_quantity, base_unit = _base(container, delta)
    movement = Movement(
        organisation_id=container.organisation_id, container=container, chemical_id=container.chemical_id,
        kind=kind, quantity=delta, entered_quantity=entered_quantity, entered_unit=entered_unit,
        base_quantity=base_quantity, base_unit=base_unit, occurred_at=occurred_at or timezone.now(),
        counterparty=counterparty, counterparty_name=counterparty_name or "", reason=reason or "",
        reference=reference or "", equipment=equipment or "", controlled=second_person is not None,
        second_person=second_person, reverses=reverses, note=note or "", pending_action=pending_action,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    try:
        with transaction.atomic():
            ledger_post(entry=movement)
    except IntegrityError as exc:
        raise DomainError(_("The books refused this entry (%(detail)s).") % {"detail": exc})
    _settle_status(container, kind, actor)
    return movement


def _settle_status(container: Container, kind, actor) -> None:
    left = ContainerStock.objects.get(container=container).quantity
    if left == 0:
        status = {MovementKind.SCRAP: ContainerStatus.SCRAPPED,
                  MovementKind.TRANSFER_OUT: ContainerStatus.TRANSFERRED}.get(kind, ContainerStatus.EMPTY)
    else:
        status = ContainerStatus.IN_STOCK
    if status != container.status:
        model_update(instance=container, data={"status": status}, allowed={"status"}, actor=actor)


def _lock_container(container: Container) -> Container:
    return Container.objects.select_for_update(of=("self",)).select_related("chemical").get(pk=container.pk)


def movement_prepare(*, container: Container, kind, quantity, unit=None, actor) -> tuple[Container, Decimal]:
    """Check a movement before it is booked (or asked for): returns the container and the signed
    quantity in its unit."""
    _check_keep(actor, container.organisation)
    if kind not in RECORDABLE_KINDS:
        raise DomainError(_("A receipt is booked by putting a new container on file."))
    if container.status in CLOSED_STATUSES:
        raise DomainError(_("This container is %(status)s: nothing moves in or out of it any more.")
                          % {"status": container.get_status_display()})
    if container.status == ContainerStatus.AWAITING:
        raise DomainError(_("The receipt of this container awaits a second custodian: nothing moves in or out of "
                            "it until it is confirmed."))
    quantity = Decimal(quantity)
    unit = unit or container.unit
    sign = KIND_SIGN[MovementKind(kind)]
    if sign and quantity <= 0:
        raise DomainError(_("Enter the quantity as a positive number."))
    delta = in_container_unit(container, quantity, unit)
    return container, (delta * sign if sign else delta)


def movement_record(*, container: Container, kind, quantity, unit=None, actor, occurred_at=None, reason="",
                    reference="", equipment="", counterparty=None, counterparty_name="", note=""):
    """Book a movement of `quantity` `unit` (default: the container's unit). For a count
    adjustment the quantity is the signed difference found. Returns the `Movement`, or for a
    controlled chemical the `PendingAction` a second custodian must confirm (nothing booked yet)."""
    with transaction.atomic():
        container = _lock_container(container)
        container, delta = movement_prepare(container=container, kind=kind, quantity=quantity, unit=unit,
                                            actor=actor)
        if selectors.is_controlled(container.chemical, container.organisation):
            _check_requester(actor, container)
            _check_enough(container, delta)
            occurred_at = occurred_at or timezone.now()
            return _ask_second(
                actor=actor, container=container, note=note,
                summary=_summary(container, kind, quantity, unit or container.unit),
                payload={"op": "record", "container": container.pk, "kind": str(kind), "quantity": str(quantity),
                         "unit": unit or container.unit, "occurred_at": occurred_at.isoformat(),
                         "reason": reason or "", "reference": reference or "", "equipment": equipment or "",
                         "counterparty": getattr(counterparty, "pk", None),
                         "counterparty_name": counterparty_name or "", "note": note or ""})
        return _post(container=container, kind=kind, delta=delta, entered_quantity=Decimal(quantity),
                     entered_unit=unit or container.unit, actor=actor, occurred_at=occurred_at, reason=reason,
                     reference=reference, equipment=equipment, counterparty=counterparty,
                     counterparty_name=counterparty_name, note=note)


def _reverse(*, original: Movement, container: Container, actor, note: str, second_person=None,
             pending_action=None) -> Movement:
    if original.reverses_id is not None:
        raise DomainError(_("A reversing entry cannot itself be reversed: record a new entry instead."))
    if Movement.objects.filter(reverses=original).exists():
        raise DomainError(_("This entry has already been reversed."))
    return _post(container=container, kind=original.kind, delta=-original.quantity,
                 entered_quantity=-original.entered_quantity, entered_unit=original.entered_unit, actor=actor,
                 reason=original.reason, reference=original.reference, equipment=original.equipment,
                 counterparty=original.counterparty, counterparty_name=original.counterparty_name,
                 second_person=second_person, reverses=original, note=note.strip(), pending_action=pending_action)


def movement_reverse(*, movement: Movement, actor, note: str):
    """The correcting entry (红字冲销): same container, kind and fields, quantity negated, linked to
    the original. A reversal is never reversed again; book a new movement instead. For a
    controlled chemical: the `PendingAction` a second custodian must confirm."""
    if not (note or "").strip():
        raise DomainError(_("Say why the entry is reversed."))
    with transaction.atomic():
        original = Movement.objects.select_for_update(of=("self",)).get(pk=movement.pk)
        container = _lock_container(original.container)
        _check_keep(actor, container.organisation)
        if selectors.is_controlled(container.chemical, container.organisation):
            if original.reverses_id is not None:
                raise DomainError(_("A reversing entry cannot itself be reversed: record a new entry instead."))
            if Movement.objects.filter(reverses=original).exists():
                raise DomainError(_("This entry has already been reversed."))
            if PendingAction.objects.filter(kind=MOVEMENT_KIND, status=PendingStatus.PENDING, payload__op="reverse",
                                            payload__movement=original.pk).exists():
                raise DomainError(_("A reversal of this entry already awaits a second custodian."))
            _check_requester(actor, container)
            _check_enough(container, -original.quantity)
            return _ask_second(
                actor=actor, container=container, note=note.strip(),
                summary=_("Reverse: %(movement)s") % {"movement": original},
                payload={"op": "reverse", "container": container.pk, "movement": original.pk, "note": note.strip()})
        return _reverse(original=original, container=container, actor=actor, note=note)


def movement_book(*, container: Container, actor, **fields):
    """The entry point of the pages: book a movement (see movement_record). A requisition's number
    as reference is refused here: issues and returns of a requisition are booked on its page, where
    the approved amounts are checked."""
    reference = (fields.get("reference") or "").strip()
    if reference and Requisition.objects.filter(organisation=container.organisation_id).filter(
            pk=_requisition_pk(reference)).exists():
        raise DomainError(_("%(reference)s is a requisition: book its issues and returns on the requisition's "
                            "page.") % {"reference": reference})
    return movement_record(container=container, actor=actor, **fields)


def _requisition_pk(reference: str) -> int | None:
    """The pk a requisition number ("LY000042") stands for, or None."""
    if len(reference) == 8 and reference[:2].upper() == "LY" and reference[2:].isdigit():
        return int(reference[2:])
    return None


def movement_reverse_book(*, movement: Movement, actor, note: str):
    """The entry point of the pages: book the reversing entry (see movement_reverse)."""
    return movement_reverse(movement=movement, actor=actor, note=note)


# Two-person control of movements (the core's primitive) ------------------------------------------

MOVEMENT_KIND = "chemicals.movement"


def _summary(container: Container, kind, quantity, unit) -> str:
    return _("%(movement)s %(quantity)s %(unit)s of %(chemical)s, container #%(container)s in %(cabinet)s") % {
        "movement": MovementKind(kind).label, "quantity": format_quantity(quantity), "unit": unit,
        "chemical": container.chemical.name_zh, "container": container.pk, "cabinet": container.cabinet}


def _check_requester(actor, container: Container) -> None:
    """The first of the two: a custodian of the school, signed in, with training valid today."""
    if actor is None or getattr(actor, "pk", None) is None:
        raise DomainError(_("%(chemical)s is under two-person control: two custodians book it in person, never "
                            "the system alone.") % {"chemical": container.chemical.name_zh})
    if not is_custodian(actor, container.organisation):
        raise DomainError(_("Only a lab custodian of %(school)s books %(chemical)s (two-person control).")
                          % {"school": container.organisation, "chemical": container.chemical.name_zh})
    if not selectors.has_valid_training(actor, container.organisation):
        raise DomainError(_("%(chemical)s is under two-person control: you have no custodian training valid "
                            "today, so you may not book it. Ask the safety officer to put your training on file.")
                          % {"chemical": container.chemical.name_zh})


def _check_enough(container: Container, delta: Decimal) -> None:
    if delta >= 0:
        return
    stock = ContainerStock.objects.filter(container=container).first()
    available = stock.quantity if stock else Decimal("0")
    if available + delta < 0:
        raise InsufficientBalance(available=available, requested=-delta)


def _ask_second(*, actor, container: Container, summary: str, payload: dict, note: str = "") -> PendingAction:
    return twoperson.pending_action_request(kind=MOVEMENT_KIND, organisation=container.organisation,
                                            requested_by=actor, summary=summary, payload=payload, target=container,
                                            note=note or "")


def confirmer_eligible(user, action: PendingAction) -> bool:
    """The second of the two: another custodian of that very school, with training valid today."""
    if getattr(user, "pk", None) == action.requested_by_id:
        raise DomainError(_("You asked for this yourself: a second person must confirm it."), code="same_person")
    if not is_custodian(user, action.organisation):
        raise DomainError(_("Only a lab custodian of %(school)s signs as the second custodian.")
                          % {"school": action.organisation}, code="not_custodian")
    if not selectors.has_valid_training(user, action.organisation):
        raise DomainError(_("You have no custodian training valid today: you may not sign a controlled movement. "
                          "Ask the safety officer to put your training on file."), code="no_training")
    return True


def _when(value):
    return datetime.datetime.fromisoformat(value) if value else None


def movement_confirmed(action: PendingAction, confirmer) -> Movement:
    """The handler of the two-person kind: the second custodian has signed, post the entry with
    both names. Runs in the confirming transaction (a DomainError leaves the request pending)."""
    p = action.payload
    requester = action.requested_by
    container = _lock_container(Container(pk=p["container"]))
    if container.organisation_id != action.organisation_id:
        raise DomainError(_("This container belongs to another school."))
    if p["op"] == "receipt":
        if container.status != ContainerStatus.AWAITING:
            raise DomainError(_("This container's receipt no longer awaits confirmation."))
        _check_keep(requester, container.organisation)
        return _post(container=container, kind=MovementKind.RECEIPT, delta=Decimal(container.size),
                     entered_quantity=Decimal(container.size), entered_unit=container.unit, actor=requester,
                     occurred_at=_when(p.get("occurred_at")), reference=p.get("reference", ""),
                     equipment=p.get("equipment", ""), counterparty_name=p.get("counterparty_name", ""),
                     reason=_("Received"), second_person=confirmer, pending_action=action)
    if p["op"] == "record":
        container, delta = movement_prepare(container=container, kind=p["kind"], quantity=p["quantity"],
                                            unit=p["unit"], actor=requester)
        counterparty = get_user_model().objects.filter(pk=p["counterparty"]).first() if p.get("counterparty") \
            else None
        return _post(container=container, kind=p["kind"], delta=delta, entered_quantity=Decimal(p["quantity"]),
                     entered_unit=p["unit"], actor=requester, occurred_at=_when(p.get("occurred_at")),
                     reason=p.get("reason", ""), reference=p.get("reference", ""), equipment=p.get("equipment", ""),
                     counterparty=counterparty, counterparty_name=p.get("counterparty_name", ""),
                     note=p.get("note", ""), second_person=confirmer, pending_action=action)
    if p["op"] == "reverse":
        original = Movement.objects.select_for_update(of=("self",)).get(pk=p["movement"], container=container)
        _check_keep(requester, container.organisation)
        return _reverse(original=original, container=container, actor=requester, note=p.get("note", ""),
                        second_person=confirmer, pending_action=action)
    raise DomainError(_("This kind of request is not known to the system."))


def movement_withdrawn(action: PendingAction, actor) -> None:
    """The request was cancelled or expired: a container whose receipt was asked for is marked not
    received (it never entered the books); a stock count's adjustment that lapses is told to the
    custodians and the head of laboratories (the books still differ from what was counted)."""
    p = action.payload
    if p.get("op") == "record" and p.get("kind") == MovementKind.COUNT:
        _count_adjustment_lapsed(action)
        return
    if p.get("op") != "receipt":
        return
    container = Container.objects.select_for_update(of=("self",)).filter(pk=p.get("container")).first()
    if container is not None and container.status == ContainerStatus.AWAITING:
        model_update(instance=container, data={"status": ContainerStatus.NOT_RECEIVED}, allowed={"status"},
                     actor=actor)


def _count_adjustment_lapsed(action: PendingAction) -> int:
    """Notice (once per request) that a count's difference was never booked."""
    from campaign_site.generic import notices

    line = (StockCountLine.objects.filter(pending_action=action)
            .select_related("count", "container__chemical").first())
    if line is None:
        return 0
    how = _("was withdrawn") if action.status == PendingStatus.CANCELLED else _("expired unconfirmed")
    title = _("Stock count %(number)s: the adjustment of %(container)s %(how)s") % {
        "number": line.count.number, "container": line.container, "how": how}
    body = _("The books still show what they showed before the count (%(quantity)s %(unit)s of %(chemical)s "
             "were to be booked). Book the difference again from the movement page, with a second "
             "custodian present, or recount the cabinet.") % {
        "quantity": format_quantity(Decimal(action.payload.get("quantity") or 0)),
        "unit": action.payload.get("unit", ""), "chemical": line.container.chemical.name_zh}
    return len(notices.send(key=f"chem:count-lapsed:{action.pk}", title=title, body=body,
                            url=line.count.get_absolute_url(), level="warning", organisation=action.organisation,
                            roles=sorted(permissions.CUSTODIAN_ROLES)))


# Two-person control: custodian training records, bureau additions --------------------------------

TRAINING_FIELDS = frozenset({"person", "course", "certificate", "trained_by", "trained_on", "valid_until",
                             "activity", "note"})


def _check_training(record: CustodianTraining):
    if not record.organisation.is_school:
        raise DomainError(_("Custodian training is recorded by a school."))
    if not is_custodian(record.person, record.organisation):
        raise DomainError(_("%(name)s is not a lab custodian of %(school)s.")
                          % {"name": record.person.display_name, "school": record.organisation})
    if record.trained_on and record.valid_until and record.valid_until < record.trained_on:
        raise DomainError(_("A training cannot be valid until a day before it was held."))
    if record.activity_id is not None:
        activity = record.activity
        if activity.organisation_id != record.organisation_id:
            raise DomainError(_("The training session belongs to another school."))
        if activity.kind != ActivityKind.TRAINING:
            raise DomainError(_("%(activity)s is not a training session.") % {"activity": activity})


def training_create(*, organisation: Organisation, actor, **fields) -> CustodianTraining:
    """Put a custodian's training on file (the safety officer or a leader of the school)."""
    if actor is not None and not permissions.can_manage_training(actor, organisation):
        raise DomainError(_("Only the school's safety officer and leaders keep its custodian training records."))
    unknown = set(fields) - TRAINING_FIELDS
    if unknown:
        raise DomainError(_("Cannot set %(fields)s here.") % {"fields": ", ".join(sorted(unknown))})
    record = CustodianTraining(organisation=organisation, created_by=actor if getattr(actor, "pk", None) else None,
                               **fields)
    _check_training(record)
    return _save(record, actor)


def training_update(*, record: CustodianTraining, actor, **fields) -> CustodianTraining:
    if actor is not None and not permissions.can_manage_training(actor, record.organisation):
        raise DomainError(_("Only the school's safety officer and leaders keep its custodian training records."))
    with transaction.atomic():
        record = CustodianTraining.objects.select_for_update().get(pk=record.pk)
        probe = CustodianTraining.objects.get(pk=record.pk)
        for name, value in fields.items():
            if name in TRAINING_FIELDS:
                setattr(probe, name, value)
        _check_training(probe)
        model_update(instance=record, data=fields, allowed=TRAINING_FIELDS, actor=actor)
    return record


def control_add(*, organisation: Organisation, chemical, actor, reason: str = "") -> BureauControl:
    """A bureau puts `chemical` under two-person control for every school below it."""
    if organisation.is_school:
        raise DomainError(_("Chemicals are added to two-person control by a bureau, for the schools below it."))
    if actor is not None and not permissions.can_control(actor, organisation):
        raise DomainError(_("Only the bureau's safety staff add chemicals to two-person control."))
    if chemical.is_controlled:
        raise DomainError(_("%(chemical)s is already under two-person control by the national lists.")
                          % {"chemical": chemical})
    if BureauControl.objects.filter(organisation=organisation, chemical=chemical).exists():
        raise DomainError(_("%(chemical)s is already under this bureau's control.") % {"chemical": chemical})
    return _save(BureauControl(organisation=organisation, chemical=chemical, reason=(reason or "").strip(),
                               created_by=actor if getattr(actor, "pk", None) else None), actor)


def control_remove(*, control: BureauControl, actor) -> None:
    """The bureau lifts its addition: movements asked for before stay pending until confirmed or withdrawn."""
    if actor is not None and not permissions.can_control(actor, control.organisation):
        raise DomainError(_("Only the bureau's safety staff remove chemicals from two-person control."))
    control._history_user = actor
    control.delete()


# Requisitions (领用审批单) ------------------------------------------------------------------------
# A teacher asks for amounts for a class; the head of laboratories or the principal approves (never
# the requester); custodians issue each line from a container through `movement_record` (reference:
# the requisition's number, so a controlled chemical waits for a second custodian as any movement
# does); the leftover comes back (归还, again a movement) or is booked as consumed on the line — the
# issue already took it off the container's books, so consumption is not a second movement. The
# requisition closes when every issued amount is returned or consumed and nothing awaits a second
# custodian. `requisition_leftover_check` (hourly) reminds, then marks it overdue.


def _notify_requisition(requisition, *, key: str, title: str, body: str, level: str = "info", roles=(),
                        users=()) -> int:
    from campaign_site.generic import notices

    return len(notices.send(key=key, title=title, body=body, url=requisition.get_absolute_url(), level=level,
                            users=list(users), organisation=requisition.organisation, roles=list(roles)))


def _requisition_lines(lines) -> list[tuple]:
    """Check the lines asked for: (chemical, quantity, unit) each, at least one, a chemical once."""
    checked, seen = [], set()
    for chemical, quantity, unit in lines:
        if chemical is None:
            continue
        if chemical.pk in seen:
            raise DomainError(_("%(chemical)s is asked for twice: put the whole amount on one line.")
                              % {"chemical": chemical.name_zh})
        seen.add(chemical.pk)
        if quantity is None or Decimal(quantity) <= 0:
            raise DomainError(_("Enter the amount of %(chemical)s as a positive number.")
                              % {"chemical": chemical.name_zh})
        if unit not in Unit.values:
            raise DomainError(_("Choose the unit of %(chemical)s.") % {"chemical": chemical.name_zh})
        if Decimal(quantity).quantize(STEP) != Decimal(quantity):
            raise DomainError(_("%(q)s %(unit)s is finer than the books keep (%(step)s %(container_unit)s).")
                              % {"q": format_quantity(quantity), "unit": unit, "step": format_quantity(STEP),
                                 "container_unit": unit})
        checked.append((chemical, Decimal(quantity), unit))
    if not checked:
        raise DomainError(_("Ask for at least one chemical."))
    return checked


def requisition_create(*, organisation: Organisation, actor, class_name: str, purpose: str, use_at,
                       lines) -> Requisition:
    """A draft requisition by `actor` (the requester) for a class: `lines` is a list of
    (chemical, quantity, unit)."""
    if not organisation.is_school:
        raise DomainError(_("Chemicals are kept by a school."))
    if not permissions.can_request(actor, organisation):
        raise DomainError(_("Only the school's teachers and staff ask for its chemicals."))
    if not (class_name or "").strip() or not (purpose or "").strip():
        raise DomainError(_("Say for which class and for what the chemicals are needed."))
    if use_at is None:
        raise DomainError(_("Say when the chemicals are used."))
    checked = _requisition_lines(lines)
    with transaction.atomic():
        requisition = _save(Requisition(organisation=organisation, requester=actor, class_name=class_name.strip(),
                                        purpose=purpose.strip(), use_at=use_at), actor)
        for chemical, quantity, unit in checked:
            line = RequisitionLine(requisition=requisition, chemical=chemical, quantity=quantity, unit=unit)
            line._history_user = actor
            line.save()
    return requisition


def _lock_requisition(requisition: Requisition) -> Requisition:
    return Requisition.objects.select_for_update(of=("self",)).select_related("organisation", "requester") \
        .get(pk=requisition.pk)


def requisition_submit(*, requisition: Requisition, actor, **_ignored) -> Requisition:
    """The requester sends the draft to the head of laboratories and the principal."""
    with transaction.atomic():
        requisition = _lock_requisition(requisition)
        if not permissions.can_submit_requisition(actor, requisition):
            raise DomainError(_("Only the person who asked for the chemicals submits the requisition."))
        REQUISITION_FLOW.apply(requisition, "submit", actor=actor, fields={"submitted_at": timezone.now()})
        _notify_requisition(
            requisition, key=f"chemicals:requisition-submitted:{requisition.pk}", roles=sorted(permissions.APPROVER_ROLES),
            title=_("Requisition of chemicals to approve"),
            body=_("%(person)s asks for chemicals for %(class)s (%(purpose)s) on %(when)s.")
            % {"person": requisition.requester.display_name, "class": requisition.class_name,
               "purpose": requisition.purpose, "when": timezone.localtime(requisition.use_at).strftime("%Y-%m-%d %H:%M")})
    return requisition


def _check_decider(actor, requisition: Requisition, step: str) -> None:
    """Approving and rejecting are one decision with one rule (permissions.can_approve_requisition):
    the school's head of laboratories or principal takes it, never the requester. `step` ("approve"
    or "reject") only words the refusal."""
    if getattr(actor, "pk", None) == requisition.requester_id:
        raise DomainError({
            "approve": _("You asked for these chemicals yourself: the head of laboratories or the principal "
                         "approves the requisition."),
            "reject": _("You asked for these chemicals yourself: the head of laboratories or the principal "
                        "decides on the requisition."),
        }[step])
    if not permissions.can_approve_requisition(actor, requisition):
        raise DomainError({
            "approve": _("Only the school's head of laboratories or principal approves a requisition."),
            "reject": _("Only the school's head of laboratories or principal rejects a requisition."),
        }[step])


def requisition_approve(*, requisition: Requisition, actor, note: str = "", **_ignored) -> Requisition:
    """The head of laboratories or the principal approves; never the requester."""
    with transaction.atomic():
        requisition = _lock_requisition(requisition)
        _check_decider(actor, requisition, "approve")
        REQUISITION_FLOW.apply(requisition, "approve", actor=actor, note=note,
                               fields={"approved_by": actor, "approved_at": timezone.now()})
        _notify_requisition(
            requisition, key=f"chemicals:requisition-approved:{requisition.pk}",
            users=[requisition.requester], roles=sorted(permissions.CUSTODIAN_ROLES),
            title=_("Requisition approved"),
            body=_("%(requisition)s for %(class)s was approved by %(person)s: the custodians may issue it.")
            % {"requisition": requisition, "class": requisition.class_name, "person": actor.display_name})
    return requisition


def requisition_reject(*, requisition: Requisition, actor, note: str = "", **_ignored) -> Requisition:
    with transaction.atomic():
        requisition = _lock_requisition(requisition)
        _check_decider(actor, requisition, "reject")
        REQUISITION_FLOW.apply(requisition, "reject", actor=actor, note=note,
                               fields={"approved_by": actor, "approved_at": timezone.now(),
                                       "review_note": (note or "").strip()[:500]})
        _notify_requisition(
            requisition, key=f"chemicals:requisition-rejected:{requisition.pk}", users=[requisition.requester],
            level="warning", title=_("Requisition rejected"),
            body=_("%(requisition)s was rejected: %(reason)s") % {"requisition": requisition, "reason": note})
    return requisition


def _requisition_line(requisition: Requisition, line) -> RequisitionLine:
    line = RequisitionLine.objects.select_for_update(of=("self",)).select_related("chemical") \
        .filter(pk=getattr(line, "pk", line), requisition=requisition).first()
    if line is None:
        raise DomainError(_("This line is not on the requisition."))
    return line


def _account(requisition: Requisition, line: RequisitionLine):
    return next(a for a in selectors.requisition_accounts(requisition) if a.line.pk == line.pk)


def _check_container_for(line: RequisitionLine, container: Container, requisition: Requisition) -> None:
    if container.organisation_id != requisition.organisation_id:
        raise DomainError(_("This container belongs to another school."))
    if container.chemical_id != line.chemical_id:
        raise DomainError(_("Container #%(container)s holds %(other)s, not %(chemical)s.")
                          % {"container": container.pk, "other": container.chemical.name_zh,
                             "chemical": line.chemical.name_zh})


def requisition_issue(*, requisition: Requisition, actor, line, container: Container, quantity, equipment="",
                      note="", **_ignored):
    """A custodian issues `quantity` (in the line's unit) of a line from `container` to the requester:
    an issue movement (领用) with the requisition's number as reference, never more than approved.
    Returns the Movement, or for a controlled chemical the PendingAction a second custodian confirms."""
    with transaction.atomic():
        requisition = _lock_requisition(requisition)
        if not permissions.can_issue_requisition(actor, requisition):
            raise DomainError(_("Only the school's lab custodians issue chemicals."))
        if requisition.status not in (RequisitionStatus.APPROVED, RequisitionStatus.ISSUED):
            raise DomainError(_("Chemicals are issued only on an approved requisition (this one is “%(status)s”).")
                              % {"status": requisition.get_status_display()})
        line = _requisition_line(requisition, line)
        _check_container_for(line, container, requisition)
        quantity = Decimal(quantity)
        if quantity <= 0:
            raise DomainError(_("Enter the quantity as a positive number."))
        account = _account(requisition, line)
        if quantity > account.issuable:
            raise DomainError(_("%(q)s %(unit)s of %(chemical)s is more than approved: %(approved)s %(unit)s approved, "
                                "%(issued)s %(unit)s issued or awaiting a second custodian.")
                              % {"q": format_quantity(quantity), "unit": line.unit, "chemical": line.chemical.name_zh,
                                 "approved": format_quantity(line.quantity),
                                 "issued": format_quantity(account.issued + account.pending_issue)})
        result = movement_record(
            container=container, kind=MovementKind.ISSUE, quantity=quantity, unit=line.unit, actor=actor,
            reason=f"{requisition.class_name} · {requisition.purpose}"[:300], reference=requisition.number,
            equipment=equipment, counterparty=requisition.requester, note=note)
        now = timezone.now()
        if requisition.status == RequisitionStatus.APPROVED:
            due = max(now, requisition.use_at) + datetime.timedelta(hours=settings.CHEMICAL_LEFTOVER_HOURS)
            REQUISITION_FLOW.apply(requisition, "issued", actor=actor,
                                   fields={"issued_by": actor, "issued_at": now, "leftover_due_at": due})
        REQUISITION_FLOW.record(requisition, "issue", actor=actor,
                                note=f"{line.chemical.name_zh} {format_quantity(quantity)} {line.unit}")
    return result


def requisition_return(*, requisition: Requisition, actor, line, container: Container, quantity, equipment="",
                       note="", **_ignored):
    """A custodian books the leftover of a line back into `container` (归还, a movement with the
    requisition's number as reference); the requisition closes when nothing is left out."""
    with transaction.atomic():
        requisition = _lock_requisition(requisition)
        if not permissions.can_issue_requisition(actor, requisition):
            raise DomainError(_("Only the school's lab custodians book returned chemicals."))
        if requisition.status != RequisitionStatus.ISSUED:
            raise DomainError(_("Nothing was issued on this requisition."))
        line = _requisition_line(requisition, line)
        _check_container_for(line, container, requisition)
        quantity = Decimal(quantity)
        if quantity <= 0:
            raise DomainError(_("Enter the quantity as a positive number."))
        account = _account(requisition, line)
        out = account.outstanding - account.pending_return
        if quantity > out:
            raise DomainError(_("%(q)s %(unit)s of %(chemical)s is more than is out on this requisition "
                                "(%(out)s %(unit)s).")
                              % {"q": format_quantity(quantity), "unit": line.unit, "chemical": line.chemical.name_zh,
                                 "out": format_quantity(max(out, Decimal("0")))})
        result = movement_record(
            container=container, kind=MovementKind.RETURN, quantity=quantity, unit=line.unit, actor=actor,
            reason=f"{requisition.class_name} · {requisition.purpose}"[:300], reference=requisition.number,
            equipment=equipment, counterparty=requisition.requester, note=note)
        REQUISITION_FLOW.record(requisition, "return_leftover", actor=actor,
                                note=f"{line.chemical.name_zh} {format_quantity(quantity)} {line.unit}")
        _close_if_settled(requisition, actor)
    return result


def requisition_consume(*, requisition: Requisition, actor, line, quantity, note="", **_ignored) -> RequisitionLine:
    """A custodian books what of a line's issued amount was used up in the class (消耗). The issue
    already took it off the container's books: this is recorded on the line, not as a movement."""
    with transaction.atomic():
        requisition = _lock_requisition(requisition)
        if not permissions.can_issue_requisition(actor, requisition):
            raise DomainError(_("Only the school's lab custodians book consumption."))
        if requisition.status != RequisitionStatus.ISSUED:
            raise DomainError(_("Nothing was issued on this requisition."))
        line = _requisition_line(requisition, line)
        quantity = Decimal(quantity)
        if quantity <= 0:
            raise DomainError(_("Enter the quantity as a positive number."))
        account = _account(requisition, line)
        out = account.outstanding - account.pending_return
        if quantity > out:
            raise DomainError(_("%(q)s %(unit)s of %(chemical)s is more than is out on this requisition "
                                "(%(out)s %(unit)s).")
                              % {"q": format_quantity(quantity), "unit": line.unit, "chemical": line.chemical.name_zh,
                                 "out": format_quantity(max(out, Decimal("0")))})
        model_update(instance=line, data={"consumed": line.consumed + quantity}, allowed={"consumed"}, actor=actor,
                     reason=note or "")
        REQUISITION_FLOW.record(requisition, "consume", actor=actor,
                                note=f"{line.chemical.name_zh} {format_quantity(quantity)} {line.unit}"
                                + (f" · {note}" if note else ""))
        _close_if_settled(requisition, actor)
    return line


def _close_if_settled(requisition: Requisition, actor) -> bool:
    """Close a locked, issued requisition when everything issued is returned or consumed."""
    if requisition.status != RequisitionStatus.ISSUED:
        return False
    if not selectors.requisition_settled(selectors.requisition_accounts(requisition)):
        return False
    REQUISITION_FLOW.apply(requisition, "close", actor=actor if getattr(actor, "pk", None) else None,
                           fields={"closed_at": timezone.now()})
    return True


def requisition_close(*, requisition: Requisition, actor, **_ignored) -> Requisition:
    """Close by hand (after a second custodian confirmed the last return): refused while anything is out."""
    with transaction.atomic():
        requisition = _lock_requisition(requisition)
        if not permissions.can_issue_requisition(actor, requisition):
            raise DomainError(_("Only the school's lab custodians close a requisition."))
        if requisition.status != RequisitionStatus.ISSUED:
            raise DomainError(_("Only an issued requisition is closed."))
        accounts = selectors.requisition_accounts(requisition)
        if not selectors.requisition_settled(accounts):
            out = [f"{a.line.chemical.name_zh} {format_quantity(a.outstanding)} {a.line.unit}"
                   for a in accounts if a.outstanding]
            waiting = [a.line.chemical.name_zh for a in accounts if a.has_pending]
            if waiting:
                raise DomainError(_("Still awaiting a second custodian: %(list)s.") % {"list": "、".join(waiting)})
            if out:
                raise DomainError(_("Still out, neither returned nor booked as consumed: %(list)s.")
                                  % {"list": "、".join(out)})
            raise DomainError(_("Nothing was issued on this requisition."))
        REQUISITION_FLOW.apply(requisition, "close", actor=actor, fields={"closed_at": timezone.now()})
    return requisition


def requisition_leftover_check(*, now=None) -> dict:
    """The hourly check of issued requisitions: close the settled ones; remind the requester and the
    custodians once when the leftovers fall due within CHEMICAL_LEFTOVER_REMINDER_HOURS; once they
    are due, mark the requisition overdue (once) and tell the head of laboratories and the principal.
    Returns {"closed": n, "reminded": n, "overdue": n}."""
    now = now or timezone.now()
    lead = datetime.timedelta(hours=settings.CHEMICAL_LEFTOVER_REMINDER_HOURS)
    done = {"closed": 0, "reminded": 0, "overdue": 0}
    candidates = Requisition.objects.filter(status=RequisitionStatus.ISSUED, leftover_due_at__lte=now + lead) \
        .filter(models.Q(reminded_at__isnull=True) | models.Q(overdue_at__isnull=True, leftover_due_at__lte=now)) \
        .values_list("pk", flat=True)
    for pk in list(candidates):
        with transaction.atomic():
            requisition = _lock_requisition(Requisition(pk=pk))
            if requisition.status != RequisitionStatus.ISSUED:
                continue
            if _close_if_settled(requisition, None):
                done["closed"] += 1
                continue
            due = timezone.localtime(requisition.leftover_due_at).strftime("%Y-%m-%d %H:%M")
            if requisition.reminded_at is None:
                _notify_requisition(
                    requisition, key=f"chemicals:requisition-leftover-reminder:{requisition.pk}", level="warning",
                    users=[requisition.requester], roles=sorted(permissions.CUSTODIAN_ROLES),
                    title=_("Leftover chemicals to return"),
                    body=_("%(requisition)s (%(class)s): return the leftovers or book them as consumed by %(due)s.")
                    % {"requisition": requisition, "class": requisition.class_name, "due": due})
                model_update(instance=requisition, data={"reminded_at": now}, allowed={"reminded_at"})
                done["reminded"] += 1
            if requisition.overdue_at is None and requisition.leftover_due_at <= now:
                model_update(instance=requisition, data={"overdue_at": now}, allowed={"overdue_at"})
                REQUISITION_FLOW.record(requisition, "overdue", actor=None)
                _notify_requisition(
                    requisition, key=f"chemicals:requisition-leftover-overdue:{requisition.pk}", level="danger",
                    roles=sorted(permissions.APPROVER_ROLES), title=_("Leftover chemicals overdue"),
                    body=_("%(requisition)s (%(class)s, %(person)s): the leftovers were due by %(due)s and are "
                           "neither returned nor booked as consumed.")
                    % {"requisition": requisition, "class": requisition.class_name,
                       "person": requisition.requester.display_name, "due": due})
                done["overdue"] += 1
    return done


# Stock counts (盘点) ---------------------------------------------------------------------------
# `stock_count_start` lists every container in stock of a cabinet with what the books say
# (`expected`); the custodians enter what they find (`stock_count_enter`); `stock_count_complete`
# books each difference as a count adjustment through `movement_record` — for a controlled chemical
# that is the two-person request every controlled movement is, so it enters the books only when a
# second trained custodian confirms — and opens a hazard (hazardous-chemicals focus area) once for
# a difference on a controlled chemical. `stock_count_check` (daily) reminds of counts due and,
# for an overdue one, tells the leaders and opens a hazard once per overdue period.

COUNT_HAZARD_FOCUS_AREA = "hazchem"


def _notify_cabinet(cabinet: Cabinet, *, key: str, title: str, body: str, url: str, level: str = "info",
                    roles=()) -> int:
    from campaign_site.generic import notices

    return len(notices.send(key=key, title=title, body=body, url=url, level=level,
                            organisation=cabinet.organisation, roles=list(roles)))


def _lock_count(count: StockCount) -> StockCount:
    return StockCount.objects.select_for_update(of=("self",)) \
        .select_related("organisation", "cabinet", "cabinet__room").get(pk=count.pk)


def stock_count_start(*, cabinet: Cabinet, actor, note: str = "") -> StockCount:
    """Start a count of `cabinet`: one line per container in stock with the quantity on the books."""
    _check_keep(actor, cabinet.organisation)
    with transaction.atomic():
        cabinet = Cabinet.objects.select_for_update(of=("self",)).select_related("organisation", "room") \
            .get(pk=cabinet.pk)
        running = StockCount.objects.filter(cabinet=cabinet, status=StockCountStatus.OPEN).first()
        if running is not None:
            raise DomainError(_("Cabinet %(cabinet)s is already being counted (%(count)s): complete or cancel that "
                                "count first.") % {"cabinet": cabinet, "count": running.number})
        containers = list(Container.objects.filter(cabinet=cabinet, status=ContainerStatus.IN_STOCK)
                          .select_related("stock").order_by("position", "pk"))
        if not containers:
            raise DomainError(_("Cabinet %(cabinet)s holds nothing in stock: there is nothing to count.")
                              % {"cabinet": cabinet})
        count = _save(StockCount(organisation=cabinet.organisation, cabinet=cabinet, started_at=timezone.now(),
                                 started_by=actor if getattr(actor, "pk", None) else None,
                                 note=(note or "").strip()[:500]), actor)
        StockCountLine.objects.bulk_create([
            StockCountLine(count=count, container=c, expected=c.stock.quantity) for c in containers])
    return count


def _entry_value(line: StockCountLine, raw) -> Decimal | None:
    if raw is None or raw == "":
        return None
    try:
        value = Decimal(str(raw))
    except (ArithmeticError, ValueError):
        raise DomainError(_("Container #%(container)s: enter the quantity found as a number.")
                          % {"container": line.container_id})
    if not value.is_finite() or value < 0:
        raise DomainError(_("Container #%(container)s: the quantity found is zero or more.")
                          % {"container": line.container_id})
    if value.quantize(STEP) != value:
        raise DomainError(_("%(q)s %(unit)s is finer than the books keep (%(step)s %(container_unit)s).")
                          % {"q": format_quantity(value), "unit": line.container.unit,
                             "step": format_quantity(STEP), "container_unit": line.container.unit})
    return value


def stock_count_enter(*, count: StockCount, actor, entries: dict) -> StockCount:
    """Record what the custodians found: `entries` maps a line's pk to a dict with `found` (in the
    container's unit; a missing container is found 0), `present`, `sealed`, `labelled` and `note`.
    Lines not in `entries` are left as they are."""
    with transaction.atomic():
        count = _lock_count(count)
        if actor is not None and not permissions.can_keep(actor, count.organisation):
            raise DomainError(_("Only the school's lab custodians and head of laboratories count its chemicals."))
        if count.status != StockCountStatus.OPEN:
            raise DomainError(_("This count is %(status)s: nothing more is entered on it.")
                              % {"status": count.get_status_display()})
        lines = {line.pk: line for line in count.lines.select_for_update(of=("self",)).select_related("container")}
        now = timezone.now()
        for pk, entry in entries.items():
            line = lines.get(int(pk))
            if line is None:
                raise DomainError(_("This container is not on the count."))
            present = bool(entry.get("present", True))
            found = _entry_value(line, entry.get("found"))
            if not present:
                if found:
                    raise DomainError(_("Container #%(container)s is marked missing but %(q)s %(unit)s were found.")
                                      % {"container": line.container_id, "q": format_quantity(found),
                                         "unit": line.container.unit})
                found = Decimal("0")
            data = {"found": found, "present": present, "sealed": bool(entry.get("sealed", True)) if present else False,
                    "labelled": bool(entry.get("labelled", True)) if present else False,
                    "note": (entry.get("note") or "").strip()[:300]}
            if found is not None and (line.found != found or line.counted_by_id is None):
                data.update(counted_by=actor if getattr(actor, "pk", None) else None, counted_at=now)
            model_update(instance=line, data=data, actor=actor)
    return count


def stock_count_complete(*, count: StockCount, actor, note: str = "", **_ignored) -> StockCount:
    """Book every difference as a count adjustment (盘点) with the count's number as reference.
    Refused while a container is not entered or when the books of one moved since the count
    started (cancel it and count again). Returns the count; `count.waiting` is how many
    adjustments wait for a second custodian."""
    with transaction.atomic():
        count = _lock_count(count)
        if actor is not None and not permissions.can_keep(actor, count.organisation):
            raise DomainError(_("Only the school's lab custodians and head of laboratories complete a count."))
        if count.status != StockCountStatus.OPEN:
            raise DomainError(_("This count is %(status)s: it cannot be completed again.")
                              % {"status": count.get_status_display()})
        lines = list(count.lines.select_for_update(of=("self",)).select_related("container", "container__chemical")
                     .order_by("container__position", "container_id"))
        missing = [f"#{line.container_id} {line.container.chemical.name_zh}" for line in lines if line.found is None]
        if missing:
            raise DomainError(_("Enter what was found for every container first: %(list)s.")
                              % {"list": "、".join(missing)})
        stocks = dict(ContainerStock.objects.filter(container__in=[line.container_id for line in lines])
                      .values_list("container_id", "quantity"))
        moved = [f"#{line.container_id} {line.container.chemical.name_zh}" for line in lines
                 if stocks.get(line.container_id, Decimal("0")) != line.expected]
        if moved:
            raise DomainError(_("The books of %(list)s changed since the count started: cancel this count and start "
                                "a new one.") % {"list": "、".join(moved)})
        differences = waiting = 0
        for line in lines:
            diff = line.found - line.expected
            if diff == 0:
                continue
            differences += 1
            result = movement_record(
                container=line.container, kind=MovementKind.COUNT, quantity=diff, unit=line.container.unit,
                actor=actor, reason=_("Stock count difference"), reference=count.number,
                note=line.note or (note or "").strip()[:300])
            if isinstance(result, Movement):
                line.movement = result
                line.save(update_fields=["movement"])
            else:
                line.pending_action = result
                line.save(update_fields=["pending_action"])
                waiting += 1
        findings = sum(1 for line in lines if line.problems)
        COUNT_FLOW.apply(count, "complete", actor=actor, note=note,
                         fields={"completed_by": actor if getattr(actor, "pk", None) else None,
                                 "completed_at": timezone.now(), "counted_on": timezone.localdate(),
                                 "differences": differences, "findings": findings})
        stock_count_hazard(count=count)
        if differences or findings:
            _notify_cabinet(
                count.cabinet, key=f"chemicals:count-completed:{count.pk}", level="warning",
                roles=sorted(permissions.APPROVER_ROLES), url=count.get_absolute_url(),
                title=_("Stock count with differences"),
                body=_("%(count)s of cabinet %(cabinet)s: %(d)s difference(s), %(f)s container(s) missing, unsealed "
                       "or unlabelled.") % {"count": count.number, "cabinet": count.cabinet, "d": differences,
                                             "f": findings})
    count.waiting = waiting
    return count


def stock_count_cancel(*, count: StockCount, actor, note: str = "", **_ignored) -> StockCount:
    """Drop a count in progress (nothing was booked from it); the cabinet may be counted again."""
    with transaction.atomic():
        count = _lock_count(count)
        if actor is not None and not permissions.can_keep(actor, count.organisation):
            raise DomainError(_("Only the school's lab custodians and head of laboratories cancel a count."))
        COUNT_FLOW.apply(count, "cancel", actor=actor, note=(note or "").strip())
    return count


def stock_count_hazard(*, count: StockCount):
    """A completed count with a difference on a controlled chemical opens one hazard (hazardous
    chemicals focus area); running it again opens nothing more. Returns the hazard or None."""
    from hazards import services as hazard_services

    if count.status != StockCountStatus.COMPLETED:
        return None
    lines = selectors.controlled_count_differences(count)
    if not lines:
        return None
    key = f"chem:count:{count.pk}:controlled"
    detail = "；".join(f"#{line.container_id} {line.container.chemical.name_zh} {format_quantity(line.expected)}"
                      f" → {format_quantity(line.found)} {line.container.unit}" for line in lines)
    hazard, created = hazard_services.hazard_open_from_finding(
        organisation=count.organisation, finding_key=key, focus_area_code=COUNT_HAZARD_FOCUS_AREA,
        title=_("Stock count difference on controlled chemicals: cabinet %(cabinet)s") % {"cabinet": count.cabinet},
        description=_("%(count)s found differences on chemicals under double management: %(detail)s.")
        % {"count": count.number, "detail": detail},
        evidence_url=count.get_absolute_url(), location=str(count.cabinet), actor=count.completed_by)
    if created or count.hazard_key != key:
        StockCount.objects.filter(pk=count.pk).update(hazard_key=key)
        count.hazard_key = key
        if created:
            COUNT_FLOW.record(count, "hazard", actor=None, note=hazard.title)
    return hazard


def stock_count_check(*, today: datetime.date | None = None) -> dict:
    """The daily check of every cabinet holding stock: a count due within CHEMICAL_COUNT_REMINDER_DAYS
    (and none in progress) reminds the school's custodians; an overdue one (past its due day plus
    CHEMICAL_COUNT_GRACE_DAYS) tells the custodians, the head of laboratories and the principal and
    opens a hazard once per overdue period. Each notice once a day. Returns
    {"due": n, "overdue": n, "hazards": n} (notices sent, hazards opened)."""
    from hazards import services as hazard_services

    today = today or timezone.localdate()
    interval = selectors.count_interval()
    lead = datetime.timedelta(days=settings.CHEMICAL_COUNT_REMINDER_DAYS)
    cutoff = selectors.count_overdue_cutoff(today)
    done = {"due": 0, "overdue": 0, "hazards": 0}
    cabinets = selectors.with_count_schedule(Cabinet.objects.filter(organisation__is_active=True)) \
        .filter(count_from__lte=today - interval + lead).select_related("organisation", "room") \
        .annotate(counting=models.Exists(StockCount.objects.filter(cabinet=models.OuterRef("pk"),
                                                                   status=StockCountStatus.OPEN)))
    for cabinet in cabinets:
        due_on = cabinet.count_from + interval
        url = cabinet.get_absolute_url()
        if cabinet.count_from < cutoff:
            done["overdue"] += _notify_cabinet(
                cabinet, key=f"chemicals:count-overdue:{cabinet.pk}:{today.isoformat()}", level="danger", url=url,
                roles=sorted(permissions.CUSTODIAN_ROLES | permissions.APPROVER_ROLES),
                title=_("Stock count overdue"),
                body=_("The stock count of cabinet %(cabinet)s was due on %(due)s and has not been completed.")
                % {"cabinet": cabinet, "due": due_on.isoformat()})
            _hazard, created = hazard_services.hazard_open_from_finding(
                organisation=cabinet.organisation, finding_key=f"chem:count-overdue:{cabinet.pk}:{due_on.isoformat()}",
                focus_area_code=COUNT_HAZARD_FOCUS_AREA,
                title=_("Stock count overdue: cabinet %(cabinet)s") % {"cabinet": cabinet},
                description=_("The half-monthly stock count of cabinet %(cabinet)s was due on %(due)s and has not "
                              "been completed.") % {"cabinet": cabinet, "due": due_on.isoformat()},
                evidence_url=url, location=str(cabinet))
            done["hazards"] += int(created)
        elif not cabinet.counting:
            done["due"] += _notify_cabinet(
                cabinet, key=f"chemicals:count-due:{cabinet.pk}:{today.isoformat()}", level="warning", url=url,
                roles=sorted(permissions.CUSTODIAN_ROLES), title=_("Stock count due"),
                body=_("The stock count of cabinet %(cabinet)s is due on %(due)s.")
                % {"cabinet": cabinet, "due": due_on.isoformat()})
    return done
