"""Expiry and disposal of a school's chemicals (issue 8 §8, the expiry and licence reminders of §9).

Services (keyword-only; each one transaction; DomainError says why it refused):
`contractor_create`, `contractor_update` (a bureau's licensed waste contractors, 处置单位),
`container_mark_deteriorated` (变质: listed for scrap like an expired container),
`disposal_create`, `disposal_add_container`, `disposal_add_waste`, `disposal_remove_item`,
`disposal_hand_over`, `disposal_cancel` (a disposal batch, 处置批次), and the daily
`disposal_daily_check` (expired controlled chemicals open a hazard once; reminders of containers
expiring within 30 days and of contractor licences expiring within 60 days, each sent once).

Handing a batch over books every container's remaining quantity out as scrap (报废) through
`services.movement_record`, so a controlled chemical waits for a second trained custodian exactly
as any other movement of it does (the core's two-person primitive): nothing here posts to the
books by itself. Reads shared by pages and tasks are the `*_q` / `disposal_candidates` helpers.
"""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign_site.accounts.models import Organisation
from campaign_site.generic.audit import audit_record
from campaign_site.generic.errors import DomainError
from campaign_site.generic.ledger import format_quantity
from campaign_site.generic.models import AuditResult
from campaign_site.generic.services import model_update

from . import permissions, selectors, services
from .models import (
    DISPOSAL_FLOW,
    Container,
    ContainerStatus,
    ContainerStock,
    Deterioration,
    DisposalBatch,
    DisposalItem,
    DisposalStatus,
    Movement,
    MovementKind,
    Unit,
    WasteContractor,
    _ancestor_paths,
)

EXPIRY_REMINDER_DAYS = 30
LICENCE_REMINDER_DAYS = 60
HAZARD_FOCUS_AREA = "hazchem"
# Containers that can still go into a batch (something on the books, or an empty bottle to get rid of).
DISPOSABLE_STATUSES = (ContainerStatus.IN_STOCK, ContainerStatus.EMPTY)
OPEN_BATCH_STATUSES = (DisposalStatus.DRAFT, DisposalStatus.HANDED_OVER)

CONTRACTOR_FIELDS = frozenset({"name", "credit_code", "licence_number", "licence_scope", "licence_authority",
                               "licence_valid_from", "licence_valid_until", "contact_person", "phone", "address",
                               "is_active", "note"})


# Reads ------------------------------------------------------------------------------------------


def due_for_scrap_q(today: datetime.date | None = None) -> models.Q:
    """Containers past their expiry date or found deteriorated."""
    today = today or timezone.localdate()
    return models.Q(expires_on__lt=today) | models.Q(deterioration__isnull=False)


def disposal_candidates(containers, today: datetime.date | None = None):
    """Of the (scoped) queryset `containers`: those listed for scrap — expired or deteriorated, not
    yet scrapped, and not on a batch that is still open."""
    on_batch = DisposalItem.objects.filter(container=models.OuterRef("pk"), batch__status__in=OPEN_BATCH_STATUSES)
    return (containers.filter(due_for_scrap_q(today), status__in=DISPOSABLE_STATUSES)
            .exclude(models.Exists(on_batch)))


def contractors_for_school(school: Organisation, *, active_only: bool = True):
    """The contractors kept by the bureaus above `school` (the active ones unless told otherwise)."""
    qs = WasteContractor.objects.filter(organisation__path__in=_ancestor_paths(school.path))
    return qs.filter(is_active=True) if active_only else qs


def licence_problem(contractor: WasteContractor, day: datetime.date) -> str | None:
    """Why `contractor` may not take waste on `day` (its licence does not cover the day), or None."""
    if not contractor.is_active:
        return _("%(contractor)s is no longer in use on the bureau's list.") % {"contractor": contractor.name}
    if day < contractor.licence_valid_from:
        return _("The licence %(number)s of %(contractor)s is valid only from %(from)s: it does not cover the "
                 "hand-over on %(day)s.") % {"number": contractor.licence_number, "contractor": contractor.name,
                                             "from": contractor.licence_valid_from.isoformat(),
                                             "day": day.isoformat()}
    if day > contractor.licence_valid_until:
        return _("The licence %(number)s of %(contractor)s expired on %(until)s: it does not cover the hand-over "
                 "on %(day)s.") % {"number": contractor.licence_number, "contractor": contractor.name,
                                   "until": contractor.licence_valid_until.isoformat(), "day": day.isoformat()}
    return None


def batch_lines(batch: DisposalBatch) -> list[DisposalItem]:
    """The lines of `batch` with what became of each on the books (`booked`: the Movement, or None
    while it awaits a second custodian; `pending`: the PendingAction). Three queries."""
    items = list(batch.items.select_related("container", "container__chemical", "container__cabinet",
                                            "container__cabinet__room", "container__stock", "movement",
                                            "pending_action").order_by("pk"))
    confirmed = {m.pending_action_id: m for m in Movement.objects.filter(
        pending_action__in=[i.pending_action_id for i in items if i.pending_action_id]).select_related(
        "created_by", "second_person")} if any(i.pending_action_id for i in items) else {}
    for item in items:
        item.booked = item.movement or confirmed.get(item.pending_action_id)
        item.pending = item.pending_action if item.booked is None else None
    return items


# Contractors (处置单位) --------------------------------------------------------------------------


def contractor_check(contractor: WasteContractor) -> None:
    """The rules of a contractor on file, whatever the entry point (page, admin import)."""
    if contractor.organisation_id is None or contractor.organisation.is_school:
        raise DomainError(_("Waste contractors are kept by a bureau (district or city) for the schools below it."))
    for name in ("name", "licence_number", "licence_scope", "licence_authority"):
        if not (getattr(contractor, name) or "").strip():
            raise DomainError(_("Fill in the %(field)s of the licence.")
                              % {"field": WasteContractor._meta.get_field(name).verbose_name})
    if contractor.licence_valid_from is None or contractor.licence_valid_until is None:
        raise DomainError(_("Fill in the dates the licence is valid from and until."))
    if contractor.licence_valid_until < contractor.licence_valid_from:
        raise DomainError(_("The licence cannot be valid until a day before it is valid from."))
    clash = WasteContractor.objects.filter(organisation=contractor.organisation_id,
                                           licence_number=contractor.licence_number).exclude(pk=contractor.pk)
    if clash.exists():
        raise DomainError(_("A contractor with licence %(number)s is already on this bureau's list.")
                          % {"number": contractor.licence_number})


def contractor_create(*, organisation: Organisation, actor, **fields) -> WasteContractor:
    if actor is not None and not permissions.can_keep_contractors(actor, organisation):
        raise DomainError(_("Only the bureau's safety staff keep its list of waste contractors."))
    unknown = set(fields) - CONTRACTOR_FIELDS
    if unknown:
        raise DomainError(_("Cannot set %(fields)s here.") % {"fields": ", ".join(sorted(unknown))})
    contractor = WasteContractor(organisation=organisation, **fields)
    contractor_check(contractor)
    return services._save(contractor, actor)


def contractor_update(*, contractor: WasteContractor, actor, **fields) -> WasteContractor:
    if actor is not None and not permissions.can_keep_contractors(actor, contractor.organisation):
        raise DomainError(_("Only the bureau's safety staff keep its list of waste contractors."))
    with transaction.atomic():
        contractor = WasteContractor.objects.select_for_update().get(pk=contractor.pk)
        probe = WasteContractor.objects.get(pk=contractor.pk)
        for name, value in fields.items():
            if name in CONTRACTOR_FIELDS:
                setattr(probe, name, value)
        contractor_check(probe)
        model_update(instance=contractor, data=fields, allowed=CONTRACTOR_FIELDS, actor=actor)
    return contractor


# Deteriorated containers (变质) ---------------------------------------------------------------------


def container_mark_deteriorated(*, container: Container, actor, reason: str, found_on=None) -> Deterioration:
    """A custodian records that a container has deteriorated: it is listed for scrap."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say what was found (discoloured, caked, leaking, label unreadable ...)."))
    found_on = found_on or timezone.localdate()
    if found_on > timezone.localdate():
        raise DomainError(_("The day it was found cannot be in the future."))
    with transaction.atomic():
        container = services._lock_container(container)
        services._check_keep(actor, container.organisation)
        if container.status not in DISPOSABLE_STATUSES:
            raise DomainError(_("This container is %(status)s: there is nothing left to scrap.")
                              % {"status": container.get_status_display()})
        if found_on < container.received_on:
            raise DomainError(_("A container cannot deteriorate before it was received."))
        if Deterioration.objects.filter(container=container).exists():
            raise DomainError(_("This container is already recorded as deteriorated."))
        return services._save(Deterioration(organisation_id=container.organisation_id, container=container,
                                            found_on=found_on, reason=reason[:300],
                                            recorded_by=actor if getattr(actor, "pk", None) else None), actor)


# Disposal batches (处置批次) ----------------------------------------------------------------------


def _check_contractor_for(school: Organisation, contractor: WasteContractor, day) -> None:
    if not contractors_for_school(school, active_only=False).filter(pk=contractor.pk).exists():
        raise DomainError(_("%(contractor)s is not on the list of the bureaus above %(school)s.")
                          % {"contractor": contractor.name, "school": school.name})
    problem = licence_problem(contractor, day)
    if problem:
        raise DomainError(problem, code="licence_not_valid")


def audit_licence_refusal(*, request, contractor: WasteContractor, day: datetime.date, obj) -> str | None:
    """A batch refused because `contractor`'s licence does not cover `day` goes to the security
    audit log (about `obj`: the contractor on creating a batch, the batch on handing it over).
    Called by the page after the refusing service's transaction has rolled back, which would have
    taken a record written inside it along. Returns the problem (None: the licence covers the day)."""
    problem = licence_problem(contractor, day)
    if problem:
        audit_record("disposal_refused", request=request, obj=obj, result=AuditResult.DENIED, detail=problem)
    return problem


def _check_manifest(manifest_number: str, batch_pk=None) -> str:
    manifest_number = (manifest_number or "").strip()
    if manifest_number and DisposalBatch.objects.filter(manifest_number=manifest_number) \
            .exclude(pk=batch_pk).exists():
        raise DomainError(_("The transfer manifest %(number)s is already on another batch.")
                          % {"number": manifest_number})
    return manifest_number


def disposal_create(*, organisation: Organisation, actor, contractor: WasteContractor, handover_on,
                    manifest_number: str = "", note: str = "") -> DisposalBatch:
    """A draft batch of `organisation` (a school) to `contractor` on `handover_on`: refused when the
    contractor's licence does not cover that day."""
    services._check_keep(actor, organisation)
    if handover_on is None:
        raise DomainError(_("Say on which day the waste is handed over."))
    _check_contractor_for(organisation, contractor, handover_on)
    batch = DisposalBatch(organisation=organisation, contractor=contractor, handover_on=handover_on,
                          manifest_number=_check_manifest(manifest_number), note=(note or "").strip()[:300],
                          created_by=actor if getattr(actor, "pk", None) else None)
    return services._save(batch, actor)


def _lock_batch(batch: DisposalBatch) -> DisposalBatch:
    return DisposalBatch.objects.select_for_update(of=("self",)).select_related("organisation", "contractor") \
        .get(pk=batch.pk)


def _open_batch(batch: DisposalBatch, actor) -> DisposalBatch:
    batch = _lock_batch(batch)
    services._check_keep(actor, batch.organisation)
    if batch.status != DisposalStatus.DRAFT:
        raise DomainError(_("This batch is “%(status)s”: its lines no longer change.")
                          % {"status": batch.get_status_display()})
    return batch


def disposal_add_container(*, batch: DisposalBatch, actor, container: Container, **_ignored) -> DisposalItem:
    """Put a container of the school on the batch (once, on one open batch)."""
    with transaction.atomic():
        batch = _open_batch(batch, actor)
        container = services._lock_container(container)
        if container.organisation_id != batch.organisation_id:
            raise DomainError(_("This container belongs to another school."))
        if container.status not in DISPOSABLE_STATUSES:
            raise DomainError(_("This container is %(status)s: it cannot be handed over.")
                              % {"status": container.get_status_display()})
        if DisposalItem.objects.filter(container=container, batch__status__in=OPEN_BATCH_STATUSES).exists():
            raise DomainError(_("%(container)s is already on a disposal batch.") % {"container": container})
        item = DisposalItem(batch=batch, container=container)
        item._history_user = actor
        item.save()
        DISPOSAL_FLOW.record(batch, "add_container", actor=actor, note=str(container))
    return item


def disposal_add_waste(*, batch: DisposalBatch, actor, description: str, quantity, unit: str,
                       **_ignored) -> DisposalItem:
    """Put lab waste that is not on the books (waste liquid, contaminated packaging) on the batch."""
    description = (description or "").strip()
    if not description:
        raise DomainError(_("Say what the waste is (e.g. waste acid liquid, contaminated packaging)."))
    if quantity is None or Decimal(quantity) <= 0:
        raise DomainError(_("Enter the quantity as a positive number."))
    if unit not in Unit.values:
        raise DomainError(_("Choose the unit."))
    with transaction.atomic():
        batch = _open_batch(batch, actor)
        item = DisposalItem(batch=batch, description=description[:200], quantity=Decimal(quantity), unit=unit)
        item._history_user = actor
        item.save()
        DISPOSAL_FLOW.record(batch, "add_waste", actor=actor, note=str(item))
    return item


def disposal_remove_item(*, batch: DisposalBatch, actor, item, **_ignored) -> DisposalBatch:
    with transaction.atomic():
        batch = _open_batch(batch, actor)
        item = DisposalItem.objects.filter(pk=getattr(item, "pk", item), batch=batch).first()
        if item is None:
            raise DomainError(_("This line is not on the batch."))
        label = str(item)
        item._history_user = actor
        item.delete()
        DISPOSAL_FLOW.record(batch, "remove_item", actor=actor, note=label)
    return batch


def _handover_time(day: datetime.date) -> datetime.datetime:
    if day >= timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def disposal_hand_over(*, batch: DisposalBatch, actor, **_ignored) -> DisposalBatch:
    """The contractor takes the batch: refused unless its licence covers the hand-over date and the
    manifest number is there. Every container's remaining quantity is booked out as scrap (报废)
    with the manifest number as reference — for a controlled chemical that entry waits for a second
    trained custodian (the two-person path of `movement_record`); an empty bottle is marked
    scrapped. The licence as it stood is copied onto the batch."""
    with transaction.atomic():
        batch = _open_batch(batch, actor)
        contractor = batch.contractor
        problem = licence_problem(contractor, batch.handover_on)
        if problem:
            raise DomainError(problem, code="licence_not_valid")
        if not batch.manifest_number:
            raise DomainError(_("Enter the transfer manifest number (转移联单号) before handing the batch over."))
        if batch.handover_on > timezone.localdate():
            raise DomainError(_("The batch is handed over on %(day)s: it cannot be booked before that day.")
                              % {"day": batch.handover_on.isoformat()})
        items = list(batch.items.select_related("container").order_by("pk"))
        if not items:
            raise DomainError(_("Put at least one container or some waste on the batch."))
        when = _handover_time(batch.handover_on)
        reason = _("Handed to %(contractor)s for disposal") % {"contractor": contractor.name}
        for item in items:
            if item.container_id is None:
                continue
            container = services._lock_container(item.container)
            if container.status not in DISPOSABLE_STATUSES:
                raise DomainError(_("%(container)s is %(status)s: take it off the batch.")
                                  % {"container": container, "status": container.get_status_display()})
            stock = ContainerStock.objects.filter(container=container).first()
            left = stock.quantity if stock else Decimal("0")
            fields = {"quantity": left, "unit": container.unit}
            if left > 0:
                result = services.movement_record(
                    container=container, kind=MovementKind.SCRAP, quantity=left, actor=actor, occurred_at=when,
                    reason=reason, reference=batch.manifest_number, counterparty_name=contractor.name[:100],
                    note=str(batch))
                fields["movement" if isinstance(result, Movement) else "pending_action"] = result
            else:
                model_update(instance=container, data={"status": ContainerStatus.SCRAPPED}, allowed={"status"},
                             actor=actor, reason=reason)
            for name, value in fields.items():
                setattr(item, name, value)
            item._history_user = actor
            item.save(update_fields=list(fields))
        DISPOSAL_FLOW.apply(batch, "hand_over", actor=actor, fields={
            "handed_over_by": actor if getattr(actor, "pk", None) else None, "handed_over_at": timezone.now(),
            "licence_number": contractor.licence_number, "licence_valid_from": contractor.licence_valid_from,
            "licence_valid_until": contractor.licence_valid_until})
    return batch


def disposal_cancel(*, batch: DisposalBatch, actor, note: str = "", **_ignored) -> DisposalBatch:
    with transaction.atomic():
        batch = _open_batch(batch, actor)
        DISPOSAL_FLOW.apply(batch, "cancel", actor=actor, note=note)
    return batch


# The daily check: expired controlled chemicals, reminders ---------------------------------------


def expired_controlled_hazards(*, today: datetime.date | None = None) -> int:
    """An expired container of a controlled chemical still in stock opens a hazard (hazardous
    chemicals focus area) — once per container, however often this runs. Returns how many opened."""
    from hazards import services as hazard_services

    today = today or timezone.localdate()
    opened = 0
    expired = (Container.objects.filter(status=ContainerStatus.IN_STOCK, expires_on__lt=today)
               .filter(selectors.controlled_rows_q())
               .select_related("organisation", "chemical", "cabinet", "cabinet__room").order_by("pk"))
    for container in expired.iterator(chunk_size=500):
        _hazard, created = hazard_services.hazard_open_from_finding(
            organisation=container.organisation, finding_key=f"chem:expired:{container.pk}",
            title=f"过期危险化学品未处置：{container.chemical.name_zh}（#{container.pk}，{container.expires_on:%Y-%m-%d}过期）",
            focus_area_code=HAZARD_FOCUS_AREA, evidence_url=container.get_absolute_url(),
            description=f"{container.chemical}，{container.cabinet}，有效期至{container.expires_on:%Y-%m-%d}，"
                        f"应报废并交有资质单位处置。",
            location=str(container.cabinet))
        opened += int(created)
    return opened


def _notify(*, key: str, title: str, body: str, url: str, organisation, roles, level: str = "warning") -> int:
    from campaign_site.generic import notices

    return len(notices.send(key=key, title=title, body=body, url=url, level=level, organisation=organisation,
                            roles=list(roles)))


def expiry_reminders(*, today: datetime.date | None = None) -> int:
    """Containers in stock that expire within EXPIRY_REMINDER_DAYS: the school's custodians are told
    once per container and expiry date. Returns the notices sent."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=EXPIRY_REMINDER_DAYS)
    sent = 0
    containers = (Container.objects.filter(status=ContainerStatus.IN_STOCK, expires_on__gte=today,
                                           expires_on__lte=horizon)
                  .select_related("organisation", "chemical", "cabinet", "cabinet__room").order_by("pk"))
    for c in containers.iterator(chunk_size=500):
        sent += _notify(
            key=f"chemicals:container-expiring:{c.pk}:{c.expires_on.isoformat()}",
            title=_("%(chemical)s #%(pk)s expires on %(date)s") % {"chemical": c.chemical.name_zh, "pk": c.pk,
                                                                  "date": c.expires_on.isoformat()},
            body=_("Container #%(pk)s of %(chemical)s in %(cabinet)s expires on %(date)s: use it up, or list it "
                   "for scrap and hand it to a licensed contractor.")
            % {"pk": c.pk, "chemical": c.chemical.name_zh, "cabinet": c.cabinet, "date": c.expires_on.isoformat()},
            url=c.get_absolute_url(), organisation=c.organisation, roles=sorted(permissions.CUSTODIAN_ROLES))
    return sent


def licence_reminders(*, today: datetime.date | None = None) -> int:
    """Contractor licences that run out within LICENCE_REMINDER_DAYS: the bureau that keeps the
    contractor, and every school with a draft batch to it, are told once per licence date."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=LICENCE_REMINDER_DAYS)
    sent = 0
    contractors = WasteContractor.objects.filter(is_active=True, licence_valid_until__gte=today,
                                                 licence_valid_until__lte=horizon) \
        .select_related("organisation").order_by("pk")
    for contractor in contractors.iterator(chunk_size=500):
        until = contractor.licence_valid_until.isoformat()
        key = f"chemicals:licence-expiring:{contractor.pk}:{until}"
        title = _("The licence of %(contractor)s runs out on %(date)s") % {"contractor": contractor.name,
                                                                          "date": until}
        body = _("Licence %(number)s (%(scope)s) of %(contractor)s is valid until %(date)s: waste can be handed "
                 "to it only up to that day.") % {"number": contractor.licence_number,
                                                  "scope": contractor.licence_scope, "contractor": contractor.name,
                                                  "date": until}
        sent += _notify(key=key, title=title, body=body, url=contractor.get_absolute_url(),
                        organisation=contractor.organisation, roles=sorted(permissions.CONTRACTOR_ROLES))
        drafts = DisposalBatch.objects.filter(contractor=contractor, status=DisposalStatus.DRAFT) \
            .select_related("organisation").order_by("organisation", "pk")
        seen = set()
        for batch in drafts:
            if batch.organisation_id in seen:
                continue
            seen.add(batch.organisation_id)
            sent += _notify(key=key, title=title, body=body, url=batch.get_absolute_url(),
                            organisation=batch.organisation, roles=sorted(permissions.CUSTODIAN_ROLES))
    return sent


def disposal_daily_check(*, today: datetime.date | None = None) -> dict:
    """The daily task: hazards of expired controlled chemicals, then the two reminders."""
    today = today or timezone.localdate()
    return {"hazards": expired_controlled_hazards(today=today), "expiring": expiry_reminders(today=today),
            "licences": licence_reminders(today=today)}


def format_left(item: DisposalItem) -> str:
    return f"{format_quantity(item.quantity)} {item.unit}" if item.quantity is not None else "—"
