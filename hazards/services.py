"""Every write of the hazards app: the register, the closed loop, listed supervision, inspections,
reminders and the accountability register.

Public API used by other apps:
- hazard_register(...)            -> Hazard (number, recurrence flag, bureau notice for a major hazard)
- hazard_open_from_finding(...)   -> (Hazard, created)  idempotent on the finding's key
"""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign_site.accounts.models import Department, Organisation, Person, Role
from campaign_site.accounts.permissions import is_superuser, person_for
from campaign_site.generic.errors import DomainError
from campaign_site.generic.services import model_update
from campaign_site.notifications.services import notify

from . import permissions as perms
from .models import (
    HAZARD_FLOW,
    INSPECTION_FLOW,
    AccountabilityRecord,
    Hazard,
    HazardLevel,
    HazardSource,
    HazardStatus,
    Inspection,
    InspectionItem,
    InspectionKind,
    InspectionSchedule,
    InspectionStatus,
    ItemResult,
)

# Who may do what: hazards/permissions.py (the same predicates the pages and buttons ask).

DEFAULT_DAYS = {HazardLevel.GENERAL: 7, HazardLevel.MAJOR: 30}
RECURRENCE_WINDOW_DAYS = 365
NUMBER_RETRIES = 5


def _check_school(organisation: Organisation):
    if not organisation.is_school:
        raise DomainError(_("Hazards are registered against a school, not a bureau."))


def _check_in_school(obj, organisation: Organisation, label: str):
    """A department or staff member named on a hazard must belong to its school (or above it)."""
    if obj is None:
        return
    if not organisation.path.startswith(obj.organisation.path):
        raise DomainError(_("%(what)s “%(name)s” does not belong to %(school)s.")
                          % {"what": label, "name": obj, "school": organisation})


# Numbers and recurrence ----------------------------------------------------------------------


def hazard_next_number(*, organisation: Organisation, year: int) -> tuple[int, str]:
    """The next free (seq, number) of `organisation` in `year`, e.g. (42, "SCH001-2019-0042").

    Call it inside the transaction that saves the hazard, after locking the school row; the
    unique constraint (organisation, year, seq) is the last word and hazard_register retries.
    """
    last = Hazard.objects.filter(organisation=organisation, year=year).aggregate(m=Max("seq"))["m"] or 0
    seq = last + 1
    return seq, f"{organisation.code}-{year}-{seq:04d}"


def hazard_find_recurrence(*, organisation: Organisation, check_item=None, location: str = "",
                           exclude_pk=None, now=None) -> Hazard | None:
    """A hazard of the same school with the same check item or at the same location, closed in
    the last 12 months (屡查屡有)."""
    now = now or timezone.now()
    from django.db.models import Q

    match = Q()
    if check_item is not None:
        match |= Q(check_item=check_item)
    location = (location or "").strip()
    if location:
        match |= Q(location__iexact=location)
    if not match:
        return None
    qs = Hazard.objects.filter(
        match, organisation=organisation, status=HazardStatus.CLOSED,
        closed_at__gte=now - datetime.timedelta(days=RECURRENCE_WINDOW_DAYS),
    )
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.order_by("-closed_at", "-pk").first()


def _notify_major(hazard: Hazard):
    """A major hazard is reported to the bureau above at once (bureau safety staff)."""
    bureau = hazard.organisation.parent
    if bureau is None:
        return
    notify(
        key=f"hazard:{hazard.pk}:major",
        title=_("Major hazard reported by %(school)s: %(title)s") % {"school": hazard.organisation,
                                                                      "title": hazard.title},
        body=_("%(number)s at %(location)s, deadline %(deadline)s. Please consider listed supervision.")
        % {"number": hazard.number, "location": hazard.location, "deadline": hazard.deadline},
        url=hazard.get_absolute_url(), level="danger", organisation=bureau, roles=[Role.BUREAU_SAFETY],
    )


def _notify_assigned(hazard: Hazard, actor):
    person = hazard.responsible_person
    if person is None or person.user_id is None or person.user_id == getattr(actor, "pk", None):
        return
    notify(
        key=f"hazard:{hazard.pk}:assigned:{person.pk}",
        title=_("Hazard assigned to you: %(title)s") % {"title": hazard.title},
        body=_("%(number)s, deadline %(deadline)s.") % {"number": hazard.number, "deadline": hazard.deadline},
        url=hazard.get_absolute_url(), level="warning", users=[person.user], organisation=hazard.organisation,
    )


# The register --------------------------------------------------------------------------------


def hazard_register(
    *,
    organisation: Organisation,
    actor,
    title: str,
    location: str,
    found_on: datetime.date,
    deadline: datetime.date,
    level: str = HazardLevel.GENERAL,
    source: str = HazardSource.SELF,
    campaign=None,
    focus_area=None,
    check_item=None,
    description: str = "",
    measures: str = "",
    responsible_department: Department | None = None,
    responsible_person: Person | None = None,
    found_by: Person | None = None,
    funds: Decimal | None = None,
    interim_measures: str = "",
    watcher: Person | None = None,
    inspection_item=None,
    finding_key: str | None = None,
    evidence_url: str = "",
    notify: bool = True,
) -> Hazard:
    """Enter a hazard in the school's register.

    Allocates the number "<school code>-<year>-<seq>", flags a recurrence of a hazard closed in
    the last 12 months, tells the responsible person and, for a major hazard, the bureau above.
    `actor` None means the system (another module, a task). Raises DomainError.
    """
    _check_school(organisation)
    if actor is not None and not perms.can_register(actor, organisation):
        raise DomainError(_("You may not register hazards for %(school)s.") % {"school": organisation})
    title = (title or "").strip()
    location = (location or "").strip()
    if not title:
        raise DomainError(_("Please name the hazard."))
    if not location:
        raise DomainError(_("Please say where the hazard is."))
    if found_on is None or deadline is None:
        raise DomainError(_("Please give the date found and the deadline."))
    if deadline < found_on:
        raise DomainError(_("The deadline cannot be before the date the hazard was found."))
    if found_on > timezone.localdate():
        raise DomainError(_("The date found cannot be in the future."))
    if level not in HazardLevel.values:
        raise DomainError(_("Unknown hazard level."))
    if source not in HazardSource.values:
        raise DomainError(_("Unknown hazard source."))
    if funds is not None and Decimal(funds) < 0:
        raise DomainError(_("Funds cannot be negative."))
    if check_item is not None and focus_area is None:
        focus_area = check_item.focus_area
    if focus_area is not None and campaign is None:
        campaign = focus_area.campaign
    _check_in_school(responsible_department, organisation, _("Department"))
    _check_in_school(responsible_person, organisation, _("Staff member"))
    _check_in_school(watcher, organisation, _("Staff member"))
    if found_by is None:
        found_by = person_for(actor)

    with transaction.atomic():
        # Lock the school row: numbers of one school are handed out one at a time.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        earlier = hazard_find_recurrence(organisation=organisation, check_item=check_item, location=location)
        hazard = None
        for attempt in range(NUMBER_RETRIES):
            seq, number = hazard_next_number(organisation=organisation, year=found_on.year)
            candidate = Hazard(
                organisation=organisation, number=number, year=found_on.year, seq=seq, title=title,
                description=description or "", campaign=campaign, focus_area=focus_area, check_item=check_item,
                level=level, location=location, found_on=found_on, found_by=found_by, source=source,
                measures=measures or "", deadline=deadline, responsible_department=responsible_department,
                responsible_person=responsible_person, funds=funds, interim_measures=interim_measures or "",
                watcher=watcher, inspection_item=inspection_item, finding_key=finding_key or None,
                evidence_url=evidence_url or "", created_by=actor,
                is_recurring=earlier is not None, recurring_of=earlier,
            )
            candidate._change_reason = _("Registered")
            try:
                with transaction.atomic():
                    candidate.save()
            except IntegrityError:
                if finding_key and Hazard.objects.filter(finding_key=finding_key).exists():
                    raise
                if attempt == NUMBER_RETRIES - 1:
                    raise
                continue
            hazard = candidate
            break
        if responsible_department is None and responsible_person is not None and responsible_person.department_id:
            hazard.responsible_department_id = responsible_person.department_id
            hazard.save(update_fields=["responsible_department"])
        _log(hazard, "register", actor=actor, from_state="", note="")
        if notify:
            _notify_assigned(hazard, actor)
            if level == HazardLevel.MAJOR:
                _notify_major(hazard)
    return hazard


def _log(hazard: Hazard, name: str, *, actor, note: str = "", from_state: str | None = None):
    """A timeline entry for a step that does not change the status (registered, listed ...)."""
    return HAZARD_FLOW.record(hazard, name, actor=actor, note=note, from_state=from_state)


def _focus_area_by_code(organisation: Organisation, code: str):
    from campaign_site.campaigns.models import Campaign, FocusArea

    campaigns = Campaign.objects.applying_to(organisation).order_by("-start", "-pk")
    area = FocusArea.objects.filter(campaign__in=campaigns, code=code).order_by("-campaign__start", "-pk").first()
    if area is None:
        area = FocusArea.objects.filter(campaign__is_template=True, code=code).order_by("-campaign__start").first()
    return area


def hazard_open_from_finding(
    *,
    organisation: Organisation,
    finding_key: str,
    title: str,
    source: str = HazardSource.MODULE,
    focus_area=None,
    focus_area_code: str | None = None,
    evidence_url: str = "",
    level: str = HazardLevel.GENERAL,
    deadline: datetime.date | None = None,
    description: str = "",
    location: str = "",
    actor=None,
) -> tuple[Hazard, bool]:
    """Open a hazard from a finding of another module (a chemical count difference, a bus GPS
    speeding record ...). Idempotent on `finding_key`: a retried task opens it once.
    Returns (hazard, created)."""
    if not finding_key:
        raise DomainError("finding_key is required")
    existing = Hazard.objects.filter(finding_key=finding_key).first()
    if existing is not None:
        return existing, False
    if focus_area is None and focus_area_code:
        focus_area = _focus_area_by_code(organisation, focus_area_code)
    today = timezone.localdate()
    deadline = deadline or today + datetime.timedelta(days=DEFAULT_DAYS.get(level, 7))
    try:
        with transaction.atomic():
            hazard = hazard_register(
                organisation=organisation, actor=None, title=title[:200], location=(location or title)[:200],
                found_on=min(today, deadline), deadline=deadline, level=level, source=source, focus_area=focus_area,
                description=description, finding_key=finding_key[:120], evidence_url=evidence_url[:300],
                found_by=person_for(actor),
            )
            if actor is not None and hazard.created_by_id is None:
                hazard.created_by = actor
                hazard.save(update_fields=["created_by"])
    except IntegrityError:
        existing = Hazard.objects.filter(finding_key=finding_key).first()
        if existing is None:
            raise
        return existing, False
    return hazard, True


# The closed loop ------------------------------------------------------------------------------


def _lock(hazard: Hazard) -> Hazard:
    return Hazard.objects.select_for_update().get(pk=hazard.pk)


def _principals(organisation):
    from campaign_site.notifications.services import users_with_role

    return users_with_role(organisation=organisation, roles=[Role.PRINCIPAL])


def hazard_start_rectification(*, hazard: Hazard, actor, note: str = "") -> Hazard:
    with transaction.atomic():
        hazard = _lock(hazard)
        if not perms.can_rectify(actor, hazard):
            raise DomainError(_("Only the responsible person or the safety officer can rectify this hazard."))
        HAZARD_FLOW.apply(hazard, "start", actor=actor, note=note)
    return hazard


def hazard_submit_rectification(*, hazard: Hazard, actor, note: str, cause_analysis: str = "",
                                photos=()) -> Hazard:
    """The rectifier says what was done (with "after" photos). From "registered" the hazard is
    started and submitted in one step (fixed at once)."""
    from campaign_site.generic.attachments import attachment_add, prepare_upload

    note = (note or "").strip()
    photos = [prepare_upload(p, images_only=True) for p in photos or ()]  # image work outside the transaction
    with transaction.atomic():
        hazard = _lock(hazard)
        if not perms.can_rectify(actor, hazard):
            raise DomainError(_("Only the responsible person or the safety officer can rectify this hazard."))
        if not note:
            raise DomainError(_("Please describe what was done to fix the hazard."))
        if hazard.status == HazardStatus.REGISTERED:
            HAZARD_FLOW.apply(hazard, "start", actor=actor)
        fields = {"rectification_note": note, "rectified_by": actor, "rectified_at": timezone.now()}
        if (cause_analysis or "").strip():
            fields["cause_analysis"] = cause_analysis.strip()
        HAZARD_FLOW.apply(hazard, "submit", actor=actor, note=note, fields=fields)
        for upload in photos or ():
            attachment_add(obj=hazard, upload=upload, actor=actor, kind="after", images_only=True,
                           caption=_("After rectification"))
        notify(
            key=f"hazard:{hazard.pk}:submitted:{hazard.rectified_at:%Y%m%d%H%M%S}",
            title=_("Rectification submitted, please re-inspect: %(title)s") % {"title": hazard.title},
            body=hazard.number, url=hazard.get_absolute_url(), organisation=hazard.organisation,
            users=[u for u in _principals(hazard.organisation) if u.pk != actor.pk],
            roles=[],
        )
    return hazard


def hazard_reinspect(*, hazard: Hazard, actor, passed: bool, note: str = "") -> Hazard:
    """Re-inspection by someone other than the rectifier: pass -> awaiting sign-off; fail -> back
    to rectifying with the reason."""
    with transaction.atomic():
        hazard = _lock(hazard)
        if not perms.has_role(actor, hazard.organisation, perms.REINSPECT_ROLES):
            raise DomainError(_("Only a safety officer, a school leader or a bureau inspector can re-inspect."))
        if perms.is_rectifier(actor, hazard):
            raise DomainError(_("The re-inspection must be done by someone other than the person who rectified "
                                "the hazard."))
        note = (note or "").strip()
        name = "reinspect_pass" if passed else "reinspect_fail"
        fields = {
            "reinspection_result": note or str(HAZARD_FLOW[name].label),
            "reinspected_by": person_for(actor),
            "reinspected_on": timezone.localdate(),
        }
        log = HAZARD_FLOW.apply(hazard, name, actor=actor, note=note, fields=fields)
        if passed:
            notify(
                key=f"hazard:{hazard.pk}:signoff:{log.pk}",
                title=_("Re-inspection passed, please sign off: %(title)s") % {"title": hazard.title},
                body=hazard.number, url=hazard.get_absolute_url(), organisation=hazard.organisation,
                roles=[Role.PRINCIPAL],
            )
        else:
            users = [hazard.rectified_by] if hazard.rectified_by_id else []
            if hazard.responsible_person_id and hazard.responsible_person.user_id:
                users.append(hazard.responsible_person.user)
            notify(
                key=f"hazard:{hazard.pk}:reinspect-failed:{log.pk}",
                title=_("Re-inspection failed, please rectify again: %(title)s") % {"title": hazard.title},
                body=note, url=hazard.get_absolute_url(), level="warning", users=users,
                organisation=hazard.organisation,
            )
    return hazard


def _require_cause_analysis(hazard: Hazard):
    if hazard.is_recurring and not hazard.cause_analysis.strip():
        raise DomainError(_("This hazard is recurring: record the cause analysis before it can be closed."))


def hazard_sign_off(*, hazard: Hazard, actor, note: str = "") -> Hazard:
    """The principal signs off. A general hazard is closed; a major or listed one goes to the
    bureau, which alone delists and closes it."""
    with transaction.atomic():
        hazard = _lock(hazard)
        if not perms.can_sign_off(actor, hazard):
            raise DomainError(_("Only the principal can sign off a hazard."))
        _require_cause_analysis(hazard)
        now = timezone.now()
        if hazard.needs_bureau_delisting:
            if hazard.is_listed and not (hazard.interim_measures.strip() and hazard.watcher_id):
                raise DomainError(_("A listed hazard needs interim control measures and a named watcher."))
            log = HAZARD_FLOW.apply(hazard, "sign_off_listed", actor=actor, note=note,
                                    fields={"signed_off_by": actor, "signed_off_at": now})
            bureau = hazard.listing_bureau or hazard.organisation.parent
            if bureau is not None:
                notify(
                    key=f"hazard:{hazard.pk}:delisting:{log.pk}",
                    title=_("%(school)s asks to delist a major hazard: %(title)s")
                    % {"school": hazard.organisation, "title": hazard.title},
                    body=hazard.number, url=hazard.get_absolute_url(), level="warning", organisation=bureau,
                    roles=[Role.BUREAU_SAFETY],
                )
        else:
            HAZARD_FLOW.apply(hazard, "sign_off", actor=actor, note=note,
                              fields={"signed_off_by": actor, "signed_off_at": now, "closed_at": now})
    return hazard


def hazard_delist(*, hazard: Hazard, actor, passed: bool, note: str = "") -> Hazard:
    """The bureau's own re-inspection of a major hazard: pass -> delisted and closed (摘牌销号);
    fail -> back to rectifying with the reason."""
    with transaction.atomic():
        hazard = _lock(hazard)
        if not perms.can_supervise(actor, hazard):
            raise DomainError(_("Only the bureau's safety staff can delist a hazard."))
        now = timezone.now()
        if passed:
            _require_cause_analysis(hazard)
            HAZARD_FLOW.apply(hazard, "delist", actor=actor, note=note,
                              fields={"delisted_by": actor, "delisted_at": now, "closed_at": now})
        else:
            log = HAZARD_FLOW.apply(hazard, "delist_refuse", actor=actor, note=note)
            notify(
                key=f"hazard:{hazard.pk}:delist-refused:{log.pk}",
                title=_("The bureau's re-inspection failed: %(title)s") % {"title": hazard.title},
                body=note, url=hazard.get_absolute_url(), level="danger", organisation=hazard.organisation,
                roles=[Role.PRINCIPAL, Role.SAFETY_OFFICER],
                users=[hazard.responsible_person.user] if hazard.responsible_person_id
                and hazard.responsible_person.user_id else [],
            )
    return hazard


def _actor_bureau(actor, organisation: Organisation) -> Organisation | None:
    """The nearest bureau above `organisation` where `actor` holds a listing role."""
    memberships = actor.memberships.filter(is_active=True, role__in=perms.LISTING_ROLES).select_related("organisation")
    above = [m.organisation for m in memberships if organisation.path.startswith(m.organisation.path)
             and m.organisation.is_bureau]
    if above:
        return max(above, key=lambda o: o.depth)
    return organisation.parent


def hazard_list_for_supervision(*, hazard: Hazard, actor, measure: str, owner: str, funds: str,
                                bureau_deadline: datetime.date, contingency_plan: str,
                                interim_measures: str = "", watcher: Person | None = None,
                                note: str = "") -> Hazard:
    """挂牌督办: the bureau lists a major hazard with the five fixes (measure, owner, funds,
    deadline, contingency plan); interim control measures and a named watcher are required."""
    with transaction.atomic():
        hazard = _lock(hazard)
        if not perms.can_supervise(actor, hazard):
            raise DomainError(_("Only the bureau's safety staff can list a hazard for supervision."))
        if hazard.level != HazardLevel.MAJOR:
            raise DomainError(_("Only a major hazard can be listed for supervision."))
        if not hazard.is_open:
            raise DomainError(_("This hazard is already closed."))
        if hazard.is_listed:
            raise DomainError(_("This hazard is already listed for supervision."))
        values = {"measure": measure, "owner": owner, "funds": funds, "contingency plan": contingency_plan}
        missing = [k for k, v in values.items() if not (v or "").strip()]
        if missing or bureau_deadline is None:
            raise DomainError(_("Listed supervision names all five fixes: measure, owner, funds, deadline and "
                                "contingency plan."))
        if bureau_deadline < timezone.localdate():
            raise DomainError(_("The bureau deadline cannot be in the past."))
        interim = (interim_measures or "").strip() or hazard.interim_measures.strip()
        watcher = watcher or hazard.watcher
        if not interim or watcher is None:
            raise DomainError(_("Until it is fixed, a listed hazard needs interim control measures and a named "
                                "watcher."))
        _check_in_school(watcher, hazard.organisation, _("Staff member"))
        hazard.is_listed = True
        hazard.listed_by = actor
        hazard.listed_at = timezone.now()
        hazard.listing_bureau = _actor_bureau(actor, hazard.organisation) if not is_superuser(actor) \
            else hazard.organisation.parent
        hazard.listing_measure = measure.strip()
        hazard.listing_owner = owner.strip()
        hazard.listing_funds = funds.strip()
        hazard.bureau_deadline = bureau_deadline
        hazard.contingency_plan = contingency_plan.strip()
        hazard.interim_measures = interim
        hazard.watcher = watcher
        # Listing answers a pending proposal to lower the level: the hazard stays major.
        hazard.level_proposal, hazard.level_proposed_by, hazard.level_proposed_at = "", None, None
        hazard._change_reason = _("Listed for supervision")
        hazard.save(update_fields=[
            "is_listed", "listed_by", "listed_at", "listing_bureau", "listing_measure", "listing_owner",
            "listing_funds", "bureau_deadline", "contingency_plan", "interim_measures", "watcher", "updated_at",
            "level_proposal", "level_proposed_by", "level_proposed_at",
        ])
        _log(hazard, "list", actor=actor, note=note or _("Listed for supervision, bureau deadline %(date)s")
             % {"date": bureau_deadline})
        users = [watcher.user] if watcher.user_id else []
        if hazard.responsible_person_id and hazard.responsible_person.user_id:
            users.append(hazard.responsible_person.user)
        notify(
            key=f"hazard:{hazard.pk}:listed",
            title=_("Major hazard listed for supervision by the bureau: %(title)s") % {"title": hazard.title},
            body=_("Bureau deadline %(date)s.") % {"date": bureau_deadline}, url=hazard.get_absolute_url(),
            level="danger", organisation=hazard.organisation, roles=[Role.PRINCIPAL, Role.SAFETY_OFFICER],
            users=users,
        )
    return hazard


def hazard_set_bureau_deadline(*, hazard: Hazard, actor, deadline: datetime.date, note: str = "") -> Hazard:
    with transaction.atomic():
        hazard = _lock(hazard)
        if not perms.can_supervise(actor, hazard):
            raise DomainError(_("Only the bureau's safety staff can set the bureau deadline."))
        if not hazard.is_open:
            raise DomainError(_("This hazard is already closed."))
        if deadline is None or deadline < hazard.found_on:
            raise DomainError(_("The deadline cannot be before the date the hazard was found."))
        hazard.bureau_deadline = deadline
        hazard._change_reason = note or _("Bureau deadline set")
        hazard.save(update_fields=["bureau_deadline", "updated_at"])
        _log(hazard, "bureau_deadline", actor=actor,
             note=(note + "\n" if note else "") + _("Bureau deadline %(date)s") % {"date": deadline})
    return hazard


def _check_level_decidable(hazard: Hazard):
    if hazard.level != HazardLevel.MAJOR:
        raise DomainError(_("Only a major hazard's level is decided by the bureau; this one is general."))
    if hazard.is_listed:
        raise DomainError(_("A hazard listed for supervision keeps its level until the bureau delists it."))
    if not HAZARD_FLOW.is_open(hazard, "decide_level"):
        raise DomainError(_("The level can no longer be reconsidered at this stage."))


def _school_leaders(hazard: Hazard) -> dict:
    return {"organisation": hazard.organisation, "roles": [Role.PRINCIPAL, Role.SAFETY_OFFICER]}


def hazard_propose_general_level(*, hazard: Hazard, actor, note: str) -> Hazard:
    """The school asks the bureau to lower a major hazard to general, with the reason. Nothing
    changes until the bureau decides (hazard_decide_level); the proposal is on the timeline."""
    with transaction.atomic():
        hazard = _lock(hazard)
        if not perms.can_propose_lower_level(actor, hazard):
            raise DomainError(_("You may not propose a level change for this hazard."))
        _check_level_decidable(hazard)
        if hazard.level_proposed_at is not None:
            raise DomainError(_("A proposal to lower the level is already waiting for the bureau."))
        reason = (note or "").strip()
        if not reason:
            raise DomainError(_("Please say why the hazard is no longer major."))
        hazard.level_proposal, hazard.level_proposed_by, hazard.level_proposed_at = reason, actor, timezone.now()
        hazard._change_reason = _("Proposed lowering to general")
        hazard.save(update_fields=["level_proposal", "level_proposed_by", "level_proposed_at", "updated_at"])
        _log(hazard, "propose_general", actor=actor, note=reason)
        bureau = hazard.organisation.parent
        if bureau is not None:
            notify(
                key=f"hazard:{hazard.pk}:level-proposal:{hazard.level_proposed_at:%Y%m%d%H%M%S}",
                title=_("%(school)s proposes lowering a major hazard to general: %(title)s")
                % {"school": hazard.organisation, "title": hazard.title},
                body=reason, url=hazard.get_absolute_url(), level="warning", organisation=bureau,
                roles=[Role.BUREAU_SAFETY],
            )
    return hazard


def hazard_decide_level(*, hazard: Hazard, actor, lower: bool, note: str) -> Hazard:
    """The bureau's decision on a major hazard's level (on the school's proposal or its own finding),
    recorded on the timeline with the reason. Lowered to general, the school may close it itself."""
    with transaction.atomic():
        hazard = _lock(hazard)
        if not perms.can_supervise(actor, hazard):
            raise DomainError(_("Only the bureau's safety staff decide on the level of a major hazard."))
        _check_level_decidable(hazard)
        reason = (note or "").strip()
        if not reason:
            raise DomainError(_("Please give the reason for the decision; the school reads it on the timeline."))
        if not lower and hazard.level_proposed_at is None:
            raise DomainError(_("There is no proposal to refuse: the hazard is major and stays major."))
        hazard.level_proposal, hazard.level_proposed_by, hazard.level_proposed_at = "", None, None
        update_fields = ["level_proposal", "level_proposed_by", "level_proposed_at", "updated_at"]
        if lower:
            hazard.level = HazardLevel.GENERAL
            update_fields.append("level")
        hazard._change_reason = reason
        hazard.save(update_fields=update_fields)
        _log(hazard, "lower_level" if lower else "keep_major", actor=actor, note=reason)
        notify(
            key=f"hazard:{hazard.pk}:level-decision:{timezone.now():%Y%m%d%H%M%S%f}",
            title=(_("The bureau lowered %(number)s to a general hazard") if lower
                   else _("The bureau kept %(number)s a major hazard")) % {"number": hazard.number},
            body=reason, url=hazard.get_absolute_url(), level="info" if lower else "warning",
            **_school_leaders(hazard),
        )
    return hazard


EDITABLE_FIELDS = frozenset({
    "title", "description", "location", "campaign", "focus_area", "check_item", "level", "measures", "deadline",
    "responsible_department", "responsible_person", "funds", "interim_measures", "watcher", "cause_analysis",
    "evidence_url", "found_on", "found_by",
})


def hazard_update(*, hazard: Hazard, actor, **fields) -> Hazard:
    """Correct or complete the register entry of an open hazard (not its status)."""
    with transaction.atomic():
        hazard = _lock(hazard)
        if not perms.has_role(actor, hazard.organisation, perms.REGISTER_ROLES):
            raise DomainError(_("You may not change this hazard."))
        if not hazard.is_open:
            raise DomainError(_("A closed hazard cannot be changed."))
        old_level = hazard.level
        old_person = hazard.responsible_person_id
        new_level = fields.get("level", hazard.level)
        if hazard.is_listed and new_level != HazardLevel.MAJOR:
            raise DomainError(_("The bureau has listed this hazard for supervision: its level cannot be lowered."))
        if old_level == HazardLevel.MAJOR and new_level != HazardLevel.MAJOR:
            raise DomainError(_("Only the bureau can lower a major hazard to general. Use “Propose lowering to "
                                "general” on the hazard's page and give the reason; the bureau decides."))
        if hazard.is_listed and ("interim_measures" in fields and not (fields["interim_measures"] or "").strip()
                                 or "watcher" in fields and fields["watcher"] is None):
            raise DomainError(_("Until it is fixed, a listed hazard needs interim control measures and a named "
                                "watcher."))
        for k in ("title", "location"):
            if k in fields and not (fields[k] or "").strip():
                raise DomainError(_("Please name the hazard and say where it is."))
        for k in ("responsible_department", "responsible_person", "watcher", "found_by"):
            if k in fields:
                _check_in_school(fields[k], hazard.organisation, _("Staff member"))
        if fields.get("funds") is not None and Decimal(fields["funds"]) < 0:
            raise DomainError(_("Funds cannot be negative."))
        found_on = fields.get("found_on", hazard.found_on)
        if fields.get("deadline", hazard.deadline) < found_on:
            raise DomainError(_("The deadline cannot be before the date the hazard was found."))
        if found_on.year != hazard.year:
            raise DomainError(_("The date found cannot move to another year: the hazard number holds the year."))
        if not model_update(instance=hazard, data=fields, allowed=EDITABLE_FIELDS, actor=actor,
                            reason=_("Register entry changed")):
            return hazard
        if hazard.level == HazardLevel.MAJOR and old_level != HazardLevel.MAJOR:
            _log(hazard, "raise_level", actor=actor, note=_("Level raised to major"))
            _notify_major(hazard)
        if hazard.responsible_person_id and hazard.responsible_person_id != old_person:
            _notify_assigned(hazard, actor)
    return hazard


# Inspections ---------------------------------------------------------------------------------

SOURCE_FOR_KIND = {
    InspectionKind.SELF: HazardSource.SELF,
    InspectionKind.LEADER: HazardSource.LEADER,
    InspectionKind.BUREAU: HazardSource.BUREAU,
    InspectionKind.UNANNOUNCED: HazardSource.UNANNOUNCED,
    InspectionKind.LOOKBACK: HazardSource.LOOKBACK,
}
def _items_for(focus_areas, check_items):
    from campaign_site.campaigns.models import CheckItem

    items = []
    seen = set()
    area_ids = [a.pk for a in focus_areas or ()]
    if area_ids:
        for ci in CheckItem.objects.filter(focus_area_id__in=area_ids).select_related("focus_area") \
                .order_by("focus_area__order", "order", "pk"):
            items.append(ci)
            seen.add(ci.pk)
    for ci in check_items or ():
        if ci.pk not in seen:
            items.append(ci)
            seen.add(ci.pk)
    return items


def inspection_create(*, organisation: Organisation, actor, kind: str, title: str, campaign=None, focus_areas=(),
                      check_items=None, planned_for: datetime.date | None = None, leader=None,
                      participants: str = "", schedule: InspectionSchedule | None = None,
                      extra_items=()) -> Inspection:
    """Open an inspection from a campaign's focus areas and check items, or ad hoc (extra_items:
    free-text check items). An unannounced inspection stays planned (and hidden from the school)
    until the inspectors start it."""
    _check_school(organisation)
    if kind not in InspectionKind.values:
        raise DomainError(_("Unknown inspection kind."))
    title = (title or "").strip()
    if not title:
        raise DomainError(_("Please give the inspection a title."))
    bureau_kind = kind in (InspectionKind.BUREAU, InspectionKind.UNANNOUNCED)
    if actor is not None:
        roles = perms.BUREAU_INSPECTION_ROLES if bureau_kind else perms.SCHOOL_INSPECTION_ROLES
        if not perms.has_role(actor, organisation, roles):
            if bureau_kind:
                raise DomainError(_("Supervision and unannounced inspections are run by the bureau."))
            raise DomainError(_("You may not run inspections at %(school)s.") % {"school": organisation})
    today = timezone.localdate()
    planned_for = planned_for or today
    leader_role = ""
    if kind == InspectionKind.LEADER:
        if leader is None and actor is not None and actor.has_role(organisation, Role.PRINCIPAL, Role.OTHER_LEADER):
            leader = actor
        if leader is None:
            raise DomainError(_("A leader-led inspection names the principal or other leader who leads it."))
        if leader.has_role(organisation, Role.PRINCIPAL):
            leader_role = Role.PRINCIPAL
        elif leader.has_role(organisation, Role.OTHER_LEADER):
            leader_role = Role.OTHER_LEADER
        else:
            raise DomainError(_("%(name)s is not a leader of %(school)s.") % {"name": leader, "school": organisation})
    elif leader is not None:
        leader = None
    bureau = None
    if bureau_kind:
        bureau = _actor_bureau(actor, organisation) if actor is not None and not is_superuser(actor) \
            else organisation.parent
    if kind == InspectionKind.UNANNOUNCED or planned_for > today:
        status = InspectionStatus.PLANNED
    else:
        status = InspectionStatus.IN_PROGRESS
    focus_areas = list(focus_areas or ())
    if campaign is None and focus_areas:
        campaign = focus_areas[0].campaign
    with transaction.atomic():
        inspection = Inspection(
            organisation=organisation, kind=kind, status=status, title=title[:200], campaign=campaign,
            planned_for=planned_for, leader=leader, leader_role=leader_role, bureau=bureau, schedule=schedule,
            participants=participants or "", created_by=actor,
            started_at=timezone.now() if status == InspectionStatus.IN_PROGRESS else None,
        )
        inspection.save()
        items = [
            InspectionItem(inspection=inspection, check_item=ci, focus_area=ci.focus_area, order=n, text=ci.text)
            for n, ci in enumerate(_items_for(focus_areas, check_items), start=1)
        ]
        start = len(items) + 1
        items += [InspectionItem(inspection=inspection, order=start + n, text=t.strip())
                  for n, t in enumerate(extra_items or ()) if (t or "").strip()]
        for item in items:  # saved one by one so each item keeps its own history
            item.save()
        _inspection_log(inspection, "create", actor=actor, from_state="")
    return inspection


def _inspection_log(inspection: Inspection, name: str, *, actor, note: str = "", from_state=None):
    return INSPECTION_FLOW.record(inspection, name, actor=actor, note=note, from_state=from_state)


def _lock_inspection(inspection: Inspection) -> Inspection:
    return Inspection.objects.select_for_update().get(pk=inspection.pk)


def inspection_start(*, inspection: Inspection, actor) -> Inspection:
    with transaction.atomic():
        inspection = _lock_inspection(inspection)
        if not perms.can_run_inspection(actor, inspection):
            raise DomainError(_("You may not run this inspection."))
        INSPECTION_FLOW.apply(inspection, "start", actor=actor, fields={"started_at": timezone.now()})
    return inspection


def inspection_item_add(*, inspection: Inspection, actor, text: str, focus_area=None) -> InspectionItem:
    """An ad-hoc check item added on the spot."""
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Please describe what is checked."))
    with transaction.atomic():
        inspection = _lock_inspection(inspection)
        if not perms.can_run_inspection(actor, inspection):
            raise DomainError(_("You may not run this inspection."))
        if inspection.status == InspectionStatus.COMPLETED:
            raise DomainError(_("This inspection is completed."))
        last = inspection.items.aggregate(m=Max("order"))["m"] or 0
        item = InspectionItem(inspection=inspection, text=text, focus_area=focus_area, order=last + 1)
        item.save()
    return item


def inspection_record_item(*, item: InspectionItem, actor, result: str, note: str = "", photos=(),
                           hazard: dict | None = None) -> tuple[InspectionItem, Hazard | None]:
    """Tick one check item. A failed item may open a pre-filled hazard in the same step:
    `hazard` = {title, location, deadline, level, measures, responsible_person, ...}."""
    from campaign_site.generic.attachments import attachment_add, prepare_upload

    if result not in (ItemResult.PASS, ItemResult.FAIL, ItemResult.NA):
        raise DomainError(_("Please choose pass, fail or not applicable."))
    if hazard and result != ItemResult.FAIL:
        raise DomainError(_("Only a failed item opens a hazard."))
    photos = [prepare_upload(p, images_only=True) for p in photos or ()]  # image work outside the transaction
    with transaction.atomic():
        inspection = _lock_inspection(item.inspection)
        item = InspectionItem.objects.select_for_update().get(pk=item.pk)
        if not perms.can_run_inspection(actor, inspection):
            raise DomainError(_("You may not run this inspection."))
        if inspection.status == InspectionStatus.COMPLETED:
            raise DomainError(_("This inspection is completed."))
        if inspection.status == InspectionStatus.PLANNED:
            INSPECTION_FLOW.apply(inspection, "start", actor=actor, fields={"started_at": timezone.now()})
        item.result = result
        item.note = (note or "").strip()
        item.checked_at = timezone.now()
        item.checked_by = actor
        item.save(update_fields=["result", "note", "checked_at", "checked_by"])
        for upload in photos:
            attachment_add(obj=item, upload=upload, actor=actor, kind="finding", images_only=True,
                           organisation=inspection.organisation)
        opened = None
        if hazard:
            values = dict(hazard)
            values.setdefault("title", (item.text or "")[:200])
            values.setdefault("description", item.note)
            values.setdefault("found_on", min(inspection.planned_for, timezone.localdate()))
            opened = hazard_register(
                organisation=inspection.organisation, actor=actor, source=SOURCE_FOR_KIND[inspection.kind],
                campaign=inspection.campaign, focus_area=item.focus_area, check_item=item.check_item,
                inspection_item=item, **values,
            )
            for upload in photos:
                attachment_add(obj=opened, upload=upload, actor=actor, kind="before", images_only=True,
                               caption=_("Found in inspection"))
    return item, opened


def inspection_record(*, inspection: Inspection, actor, item: InspectionItem, result: str, note: str = "",
                      photos=(), hazard: dict | None = None) -> tuple[InspectionItem, Hazard | None]:
    """The checklist's "record" step (INSPECTION_FLOW): one item of this inspection."""
    if item.inspection_id != inspection.pk:
        raise DomainError(_("This check item is not part of the inspection."))
    return inspection_record_item(item=item, actor=actor, result=result, note=note, photos=photos, hazard=hazard)


def inspection_complete(*, inspection: Inspection, actor, summary: str = "") -> Inspection:
    with transaction.atomic():
        inspection = _lock_inspection(inspection)
        if not perms.can_run_inspection(actor, inspection):
            raise DomainError(_("You may not run this inspection."))
        pending = inspection.items.filter(result=ItemResult.PENDING).count()
        if pending:
            raise DomainError(_("%(n)d check items are not checked yet.") % {"n": pending})
        fields = {"completed_at": timezone.now()}
        if (summary or "").strip():
            fields["summary"] = summary.strip()
        INSPECTION_FLOW.apply(inspection, "complete", actor=actor, note=summary or "", fields=fields)
    return inspection


# Recurring inspections -----------------------------------------------------------------------


def _next_due(frequency: str, date: datetime.date) -> datetime.date:
    if frequency == InspectionSchedule.Frequency.WEEKLY:
        return date + datetime.timedelta(days=7)
    if frequency == InspectionSchedule.Frequency.HALF_MONTH:
        if date.day < 16:
            return date.replace(day=16)
        return (date.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    # monthly: same day next month, clipped to the month's length
    import calendar

    year, month = (date.year + 1, 1) if date.month == 12 else (date.year, date.month + 1)
    return date.replace(year=year, month=month, day=min(date.day, calendar.monthrange(year, month)[1]))


def inspection_schedule_create(*, organisation: Organisation, actor, title: str, frequency: str,
                               next_due: datetime.date, kind: str = InspectionKind.SELF, campaign=None,
                               focus_areas=(), assignee=None) -> InspectionSchedule:
    _check_school(organisation)
    if not perms.can_plan_schedules(actor, organisation):
        raise DomainError(_("Only the school's safety officer or leaders can plan recurring inspections."))
    if kind in (InspectionKind.BUREAU, InspectionKind.UNANNOUNCED):
        raise DomainError(_("Recurring inspections are the school's own inspections."))
    if frequency not in InspectionSchedule.Frequency.values:
        raise DomainError(_("Please choose how often."))
    if not (title or "").strip():
        raise DomainError(_("Please give the inspection a title."))
    if assignee is not None and not perms.has_role(assignee, organisation, perms.SCHOOL_INSPECTION_ROLES):
        raise DomainError(_("%(name)s cannot run inspections at %(school)s.") % {"name": assignee,
                                                                                  "school": organisation})
    with transaction.atomic():
        schedule = InspectionSchedule.objects.create(
            organisation=organisation, title=title.strip(), kind=kind, campaign=campaign, frequency=frequency,
            next_due=next_due, assignee=assignee,
        )
        if focus_areas:
            schedule.focus_areas.set(focus_areas)
    return schedule


def inspection_schedule_set_active(*, schedule: InspectionSchedule, actor, active: bool) -> InspectionSchedule:
    with transaction.atomic():
        schedule = InspectionSchedule.objects.select_for_update().get(pk=schedule.pk)
        if not perms.can_plan_schedules(actor, schedule):
            raise DomainError(_("Only the school's safety officer or leaders can change recurring inspections."))
        schedule.is_active = active
        schedule.save(update_fields=["is_active"])
    return schedule


def inspection_schedule_open_due(*, schedule_id: int, today: datetime.date | None = None) -> Inspection | None:
    """Open the inspection a schedule calls for (once per due date), then move next_due on.
    Missed dates are not opened one by one: one inspection for the latest due date."""
    today = today or timezone.localdate()
    with transaction.atomic():
        schedule = InspectionSchedule.objects.select_for_update().get(pk=schedule_id)
        if not schedule.is_active or schedule.next_due > today:
            return None
        due = schedule.next_due
        while _next_due(schedule.frequency, due) <= today:
            due = _next_due(schedule.frequency, due)
        inspection = None
        if not Inspection.objects.filter(schedule=schedule, planned_for=due).exists():
            inspection = inspection_create(
                organisation=schedule.organisation, actor=None, kind=schedule.kind,
                title=f"{schedule.title} {due:%Y-%m-%d}", campaign=schedule.campaign,
                focus_areas=list(schedule.focus_areas.all()), planned_for=due, schedule=schedule,
                leader=schedule.assignee if schedule.kind == InspectionKind.LEADER else None,
            )
            inspection.created_by = None
            if schedule.assignee_id:
                notify(
                    key=f"schedule:{schedule.pk}:{due}",
                    title=_("Inspection due today: %(title)s") % {"title": inspection.title},
                    url=inspection.get_absolute_url(), users=[schedule.assignee],
                    organisation=schedule.organisation,
                )
        schedule.next_due = _next_due(schedule.frequency, due)
        schedule.save(update_fields=["next_due"])
    return inspection


# Reminders and escalation --------------------------------------------------------------------

DUE_SOON_DAYS = 3
ESCALATE_AFTER_DAYS = 7


def _responsible_users(hazard: Hazard):
    person = hazard.responsible_person
    if person is not None and person.user_id and person.user.is_active:
        return [person.user]
    return []


def hazard_send_deadline_reminders(*, today: datetime.date | None = None) -> int:
    """Due in 3 days -> the responsible person; overdue -> responsible person and principal;
    overdue 7 days or a major hazard overdue -> the bureau safety staff above. One notice per
    recipient, hazard, rung and day (the notice key carries the date)."""
    from campaign_site.notifications.services import users_with_role

    today = today or timezone.localdate()
    sent = 0
    qs = (Hazard.objects.open().with_effective_deadline()
          .filter(due__lte=today + datetime.timedelta(days=DUE_SOON_DAYS))
          .select_related("organisation__parent", "responsible_person__user").order_by("pk"))
    safety_officers = {}
    for hazard in qs.iterator(chunk_size=500):
        due = hazard.due
        url = hazard.get_absolute_url()
        org = hazard.organisation
        if due >= today:
            users = _responsible_users(hazard)
            if not users:
                if org.pk not in safety_officers:
                    safety_officers[org.pk] = users_with_role(organisation=org, roles=[Role.SAFETY_OFFICER])
                users = safety_officers[org.pk]
            sent += len(notify(
                key=f"hazard:{hazard.pk}:due-soon:{today}",
                title=_("Hazard due on %(date)s: %(title)s") % {"date": due, "title": hazard.title},
                body=hazard.number, url=url, level="warning", users=users, organisation=org,
            ))
            continue
        days = (today - due).days
        sent += len(notify(
            key=f"hazard:{hazard.pk}:overdue:{today}",
            title=_("Hazard overdue by %(days)d days: %(title)s") % {"days": days, "title": hazard.title},
            body=_("%(number)s at %(school)s, deadline %(date)s.") % {"number": hazard.number, "school": org,
                                                                      "date": due},
            url=url, level="danger", users=_responsible_users(hazard), organisation=org, roles=[Role.PRINCIPAL],
        ))
        if (days >= ESCALATE_AFTER_DAYS or hazard.level == HazardLevel.MAJOR) and org.parent_id:
            sent += len(notify(
                key=f"hazard:{hazard.pk}:escalated:{today}",
                title=_("%(school)s: hazard overdue by %(days)d days: %(title)s")
                % {"school": org, "days": days, "title": hazard.title},
                body=_("%(number)s, level %(level)s, deadline %(date)s.")
                % {"number": hazard.number, "level": hazard.get_level_display(), "date": due},
                url=url, level="danger", organisation=org.parent, roles=[Role.BUREAU_SAFETY],
            ))
    return sent


def half_month_before(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last complete half month before `today` (1st-15th or 16th-end of month)."""
    if today.day > 15:
        return today.replace(day=1), today.replace(day=15)
    last = today.replace(day=1) - datetime.timedelta(days=1)
    return last.replace(day=16), last


REQUIRED_LEADER_INSPECTIONS = {Role.PRINCIPAL: 1, Role.OTHER_LEADER: 2}


def leader_inspection_shortfalls(*, start: datetime.date, end: datetime.date, schools=None) -> list[dict]:
    """Leaders who led fewer inspections than required in [start, end]: the principal >= 1 every
    half month, each other leader >= 2 (seed 000, 四(二)). Only schools under an active campaign."""
    from django.db.models import Count, Q

    from campaign_site.accounts.models import Membership
    from campaign_site.campaigns.models import Campaign, CampaignStatus

    if schools is None:
        paths = list(Campaign.objects.filter(is_template=False, status=CampaignStatus.ACTIVE, start__lte=end,
                                             end__gte=start).values_list("organisation__path", flat=True))
        if not paths:
            return []
        q = Q()
        for p in set(paths):
            q |= Q(path__startswith=p)
        schools = Organisation.objects.schools().filter(q, is_active=True)
    memberships = (Membership.objects.filter(organisation__in=schools, role__in=list(REQUIRED_LEADER_INSPECTIONS),
                                             is_active=True, user__is_active=True)
                   .select_related("user", "organisation"))
    counts = {
        (row["organisation"], row["leader"]): row["n"]
        for row in Inspection.objects.filter(kind=InspectionKind.LEADER, status=InspectionStatus.COMPLETED,
                                             planned_for__gte=start, planned_for__lte=end,
                                             organisation__in=schools)
        .values("organisation", "leader").annotate(n=Count("pk"))
    }
    out = []
    for m in memberships:
        need = REQUIRED_LEADER_INSPECTIONS[m.role]
        done = counts.get((m.organisation_id, m.user_id), 0)
        if done < need:
            out.append({"membership": m, "school": m.organisation, "user": m.user, "role": m.role,
                        "required": need, "done": done})
    return out


def leader_inspection_warn(*, today: datetime.date | None = None) -> int:
    """Warn each leader short of inspections in the past half month, and the principal."""
    today = today or timezone.localdate()
    start, end = half_month_before(today)
    sent = 0
    principals = {}
    for row in leader_inspection_shortfalls(start=start, end=end):
        school = row["school"]
        if school.pk not in principals:
            principals[school.pk] = _principals(school)
        sent += len(notify(
            key=f"leader-inspections:{school.pk}:{row['user'].pk}:{start}",
            title=_("%(name)s led %(done)d of the %(required)d inspections required from %(start)s to %(end)s")
            % {"name": row["user"], "done": row["done"], "required": row["required"], "start": start, "end": end},
            body=_("The principal leads an inspection at least once every half month; each other leader at "
                   "least twice."),
            url="/hazards/inspections/", level="warning", users=[row["user"], *principals[school.pk]],
            organisation=school,
        ))
    return sent


# Accountability register ---------------------------------------------------------------------

def _check_accountability(organisation, person, department, hazards, decided_on, reason, measure, decided_by):
    if person is None and department is None:
        raise DomainError(_("Name the person or the department held to account."))
    for obj in (person, department):
        if obj is not None and not obj.organisation.path.startswith(organisation.path):
            raise DomainError(_("“%(name)s” is not part of %(org)s.") % {"name": obj, "org": organisation})
    for h in hazards:
        if not h.organisation.path.startswith(organisation.path):
            raise DomainError(_("Hazard %(number)s is not part of %(org)s.") % {"number": h.number, "org": organisation})
    if decided_on is None or decided_on > timezone.localdate():
        raise DomainError(_("The date of the decision cannot be in the future."))
    if not (reason or "").strip() or not (measure or "").strip() or not (decided_by or "").strip():
        raise DomainError(_("Please give the reason, the measure taken and who decided it."))


def accountability_create(*, organisation: Organisation, actor, reason: str, measure: str,
                          decided_on: datetime.date, decided_by: str, person: Person | None = None,
                          department: Department | None = None, hazards=(), made_public: bool = False
                          ) -> AccountabilityRecord:
    """An entry in the accountability register (追责问责清单)."""
    if actor is not None and not perms.can_keep_accountability(actor, organisation):
        raise DomainError(_("Only the principal or the bureau can keep the accountability register."))
    hazards = list(hazards or ())
    _check_accountability(organisation, person, department, hazards, decided_on, reason, measure, decided_by)
    with transaction.atomic():
        record = AccountabilityRecord(
            organisation=organisation, person=person, department=department, reason=reason.strip(),
            measure=measure.strip(), decided_on=decided_on, decided_by=decided_by.strip(), made_public=made_public,
            created_by=actor,
        )
        record.save()
        if hazards:
            record.hazards.set(hazards)
    return record


def accountability_update(*, record: AccountabilityRecord, actor, **fields) -> AccountabilityRecord:
    allowed = {"person", "department", "reason", "measure", "decided_on", "decided_by", "made_public"}
    with transaction.atomic():
        record = AccountabilityRecord.objects.select_for_update().get(pk=record.pk)
        if not perms.can_keep_accountability(actor, record):
            raise DomainError(_("Only the principal or the bureau can keep the accountability register."))
        hazards = list(fields.pop("hazards")) if "hazards" in fields else list(record.hazards.all())
        new = {k: fields.get(k, getattr(record, k))
               for k in ("person", "department", "decided_on", "reason", "measure", "decided_by")}
        _check_accountability(record.organisation, new["person"], new["department"], hazards, new["decided_on"],
                              new["reason"], new["measure"], new["decided_by"])
        model_update(instance=record, data=fields, allowed=allowed, actor=actor, reason=_("Changed"))
        record.hazards.set(hazards)
    return record
