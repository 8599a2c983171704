"""Every write of a school's chemicals: rooms, cabinets and containers.

Public API (keyword-only; each one transaction; DomainError says why it refused):
`room_create`, `room_update`, `cabinet_create`, `cabinet_update`, `container_create`,
`container_update`.
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from campaign_site.accounts.models import Membership, Organisation
from campaign_site.generic.errors import DomainError
from campaign_site.generic.services import model_update

from . import permissions
from .models import Cabinet, ChemicalRoom, Container, ContainerStatus

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
    if container.chemical.is_controlled and not container.cabinet.controlled:
        raise DomainError(_("%(chemical)s is under double management: keep it in a cabinet with two locks "
                            "(双人双锁).") % {"chemical": container.chemical.name_zh})
    if container.opened_on and container.opened_on < container.received_on:
        raise DomainError(_("A container cannot be opened before it was received."))
    if container.expires_on and container.expires_on < container.received_on:
        raise DomainError(_("The expiry date is before the day the container was received."))


def container_create(*, organisation: Organisation, actor, chemical, cabinet, unit, size, received_on,
                     **fields) -> Container:
    """Put a new container on file in its cabinet and place (定柜定位)."""
    _check_keep(actor, organisation)
    unknown = set(fields) - CONTAINER_FIELDS
    if unknown:
        raise DomainError(_("Cannot set %(fields)s here.") % {"fields": ", ".join(sorted(unknown))})
    if size is None or size <= 0:
        raise DomainError(_("The content of a container is more than zero."))
    container = Container(organisation=organisation, chemical=chemical, cabinet=cabinet, unit=unit, size=size,
                          received_on=received_on, status=ContainerStatus.IN_STOCK, **fields)
    with transaction.atomic():
        # The cabinet row is locked so two containers placed at once are checked one after the other.
        cabinet = Cabinet.objects.select_for_update().select_related("room").get(pk=cabinet.pk)
        container.cabinet = cabinet
        _check_container(container)
        _save(container, actor)
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
