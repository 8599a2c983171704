"""Every write of the campaigns app: campaigns started from templates and edited by their bureau,
the schools' implementation plans (submit, accept, return) and trainings/drills."""
from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from campaign_site.accounts.models import Organisation, Role
from campaign_site.generic.attachments import attachment_add, prepare_upload
from campaign_site.generic.errors import DomainError
from campaign_site.generic.models import TransitionLog
from campaign_site.generic.services import model_update
from campaign_site.notifications.services import notify

from .documents import extract_text
from .models import (
    CAMPAIGN_FLOW,
    PLAN_FLOW,
    Activity,
    ActivityKind,
    Campaign,
    CampaignStatus,
    CheckItem,
    Deadline,
    FocusArea,
    ImplementationPlan,
    Phase,
    PlanStatus,
    Requirement,
)
from .permissions import (
    PLAN_SUBMIT_ROLES,
    can_edit_activity,
    can_manage_campaign,
    can_record_activity,
    can_review_plan,
    can_start_campaign,
    can_submit_plan,
)
from .similarity import compare

# --- campaigns ---------------------------------------------------------------------------------
# Who may do what: campaigns/permissions.py (the same predicates the pages and buttons ask).


def _require_manager(campaign: Campaign, actor):
    if campaign.is_template:
        raise DomainError(_("A shipped template cannot be changed. Start a campaign from it and edit that."))
    if not can_manage_campaign(actor, campaign):
        raise DomainError(_("Only the safety staff of the issuing bureau may change this campaign."))


def _require_editable(campaign: Campaign, actor) -> Campaign:
    """Lock the campaign row (its parts change under it) and check it may still be edited."""
    campaign = Campaign.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=campaign.pk)
    _require_manager(campaign, actor)
    if campaign.status == CampaignStatus.CLOSED:
        raise DomainError(_("The campaign is closed and can no longer be changed."))
    return campaign


def _shift(value: dt.date | None, offset: dt.timedelta) -> dt.date | None:
    return value + offset if value else None


@transaction.atomic
def campaign_start_from_template(*, template: Campaign, organisation: Organisation, actor, title: str | None = None,
                                 document_number: str = "", start: dt.date | None = None,
                                 end: dt.date | None = None) -> Campaign:
    """A new draft campaign of `organisation`: a deep copy of `template` (phases, deadlines,
    requirements, focus areas, check items). A new start date shifts every phase and deadline
    date by the same offset; monthly deadlines keep their day of the month."""
    if not can_start_campaign(actor, organisation):
        raise DomainError(_("Only the safety staff of a bureau may start a campaign for it."))
    offset = (start - template.start) if start else dt.timedelta(0)
    new_start = template.start + offset
    new_end = end or (template.end + offset)
    if new_end < new_start:
        raise DomainError(_("The end date cannot be before the start date."))
    campaign = Campaign.objects.create(
        organisation=organisation, is_template=False, source=template,
        issuer_name=organisation.name, issuer_name_en="" if template.organisation_id != organisation.pk
        else template.issuer_name_en,
        document_number=document_number, parent_document=template.parent_document,
        title=(title or template.title).strip(), title_en="" if title else template.title_en,
        summary=template.summary, summary_en=template.summary_en, plan_text=template.plan_text,
        start=new_start, end=new_end, status=CampaignStatus.DRAFT, created_by=actor,
    )
    bulk_create_with_history([
        Phase(campaign=campaign, order=p.order, kind=p.kind, name=p.name, name_en=p.name_en,
              start=p.start + offset, end=p.end + offset, duties=p.duties)
        for p in template.phases.all()
    ], Phase, default_user=actor)
    bulk_create_with_history([
        Deadline(campaign=campaign, kind=d.kind, name=d.name, name_en=d.name_en, date=_shift(d.date, offset),
                 day_of_month=d.day_of_month, note=d.note, note_en=d.note_en)
        for d in template.deadlines.all()
    ], Deadline, default_user=actor)
    bulk_create_with_history([
        Requirement(campaign=campaign, code=r.code, text=r.text, text_en=r.text_en)
        for r in template.requirements.all()
    ], Requirement, default_user=actor)
    for area in template.focus_areas.prefetch_related("items"):
        new_area = FocusArea.objects.create(campaign=campaign, code=area.code, order=area.order, name=area.name,
                                            name_en=area.name_en)
        bulk_create_with_history([
            CheckItem(focus_area=new_area, number=i.number, order=i.order, text=i.text, text_en=i.text_en)
            for i in area.items.all()
        ], CheckItem, default_user=actor)
    return campaign


CAMPAIGN_FIELDS = {"title", "title_en", "document_number", "parent_document", "summary", "summary_en",
                   "plan_text", "start", "end"}


@transaction.atomic
def campaign_update(*, campaign: Campaign, actor, **fields) -> Campaign:
    campaign = _require_editable(campaign, actor)
    start = fields.get("start", campaign.start)
    end = fields.get("end", campaign.end)
    if end < start:
        raise DomainError(_("The end date cannot be before the start date."))
    model_update(instance=campaign, data=fields, allowed=CAMPAIGN_FIELDS, actor=actor)
    return campaign


@transaction.atomic
def campaign_activate(*, campaign: Campaign, actor) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _require_manager(campaign, actor)
    if not campaign.focus_areas.exists():
        raise DomainError(_("Add at least one focus area before starting the campaign."))
    CAMPAIGN_FLOW.apply(campaign, "activate", actor=actor)
    return campaign


@transaction.atomic
def campaign_close(*, campaign: Campaign, actor, note: str = "") -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _require_manager(campaign, actor)
    CAMPAIGN_FLOW.apply(campaign, "close", actor=actor, note=note)
    return campaign


@transaction.atomic
def focus_area_save(*, campaign: Campaign, actor, code: str, name: str, name_en: str = "", order: int | None = None,
                    focus_area: FocusArea | None = None) -> FocusArea:
    """Add a focus area to the bureau's campaign, or change one."""
    campaign = _require_editable(campaign, actor)
    code = code.strip()
    clash = FocusArea.objects.filter(campaign=campaign, code=code)
    if focus_area is not None:
        clash = clash.exclude(pk=focus_area.pk)
    if clash.exists():
        raise DomainError(_("The code “%(code)s” is already used by another focus area.") % {"code": code})
    if order is None:
        order = (campaign.focus_areas.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    area = focus_area or FocusArea(campaign=campaign)
    area.code, area.name, area.name_en, area.order = code, name.strip(), name_en.strip(), order
    area.save()
    return area


@transaction.atomic
def check_item_save(*, focus_area: FocusArea, actor, number: str, text: str, text_en: str = "",
                    item: CheckItem | None = None) -> CheckItem:
    """Add a numbered check item to a focus area of the bureau's campaign, or change one."""
    _require_editable(focus_area.campaign, actor)
    number = number.strip()
    clash = CheckItem.objects.filter(focus_area=focus_area, number=number)
    if item is not None:
        clash = clash.exclude(pk=item.pk)
    if clash.exists():
        raise DomainError(_("Number %(number)s is already used in this focus area.") % {"number": number})
    if item is None:
        last = focus_area.items.order_by("-order").values_list("order", flat=True).first() or 0
        item = CheckItem(focus_area=focus_area, order=last + 1)
    item.number, item.text, item.text_en = number, text.strip(), text_en.strip()
    item.save()
    return item


@transaction.atomic
def deadline_save(*, campaign: Campaign, actor, kind: str, name: str, name_en: str = "",
                  date: dt.date | None = None, day_of_month: int | None = None, note: str = "",
                  deadline: Deadline | None = None) -> Deadline:
    campaign = _require_editable(campaign, actor)
    if date and day_of_month:
        raise DomainError(_("Give either a date or a day of each month, not both."))
    if day_of_month is not None and not 1 <= day_of_month <= 31:
        raise DomainError(_("The day of the month must be between 1 and 31."))
    obj = deadline or Deadline(campaign=campaign)
    obj.kind, obj.name, obj.name_en, obj.date, obj.day_of_month, obj.note = (
        kind, name.strip(), name_en.strip(), date, day_of_month, note)
    obj.save()
    return obj


@transaction.atomic
def phase_update(*, phase: Phase, actor, name: str, name_en: str, start: dt.date, end: dt.date) -> Phase:
    _require_editable(phase.campaign, actor)
    if end < start:
        raise DomainError(_("The end date cannot be before the start date."))
    phase.name, phase.name_en, phase.start, phase.end = name.strip(), name_en.strip(), start, end
    phase.save()
    return phase


# --- implementation plans ----------------------------------------------------------------------

def _log(obj, *, name: str, from_state: str, to_state: str, actor, note: str = ""):
    TransitionLog.objects.create(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, organisation_id=obj.organisation_id,
        name=name, from_state=from_state, to_state=to_state, actor=actor, note=note,
    )


@transaction.atomic
def plan_submit(*, campaign: Campaign, organisation: Organisation, actor, leader: str, document,
                deputy: str = "", office: str = "", members: str = "", known_major_hazards: str = "",
                text: str = "") -> ImplementationPlan:
    """A school submits (or, after a return, resubmits) its implementation plan with its leading
    group. The document's text is read (docx; pdf if possible; else the pasted `text`) and
    compared with the bureau's plan."""
    if not can_submit_plan(actor, organisation):
        raise DomainError(_("Only the school's safety officer or principal may submit its implementation plan."))
    if not Campaign.objects.applying_to(organisation).filter(pk=campaign.pk).exists():
        raise DomainError(_("This campaign is not in progress for your school."))
    if not (leader or "").strip():
        raise DomainError(_("Please name the leader of the leading group."))
    if document is None:
        raise DomainError(_("Please upload the plan document."))

    document = prepare_upload(document)  # size and real type first (a no-op for a form's cleaned file)
    extracted = extract_text(document.data, document.name)
    plan_text = extracted or (text or "").strip()
    result = compare(plan_text, campaign.plan_text)
    now = timezone.now()
    values = {
        "leader": leader.strip(), "deputy": deputy.strip(), "office": office.strip(), "members": members.strip(),
        "known_major_hazards": known_major_hazards.strip(), "text": plan_text, "text_extracted": bool(extracted),
        "similarity": result.similarity, "overlap": result.passages, "submitted_at": now, "submitted_by": actor,
        "reviewed_at": None, "reviewed_by": None,
    }
    plan = (
        ImplementationPlan.objects.select_for_update()
        .filter(campaign=campaign, organisation=organisation).first()
    )
    if plan is None:
        try:
            with transaction.atomic():
                plan = ImplementationPlan.objects.create(
                    campaign=campaign, organisation=organisation, status=PlanStatus.SUBMITTED,
                    first_submitted_at=now, **values,
                )
        except IntegrityError:
            raise DomainError(_("Someone at your school has just submitted the plan. Please reload the page."))
        _log(plan, name="submit", from_state="", to_state=PlanStatus.SUBMITTED, actor=actor)
    elif plan.status == PlanStatus.ACCEPTED:
        raise DomainError(_("The plan has been accepted by the bureau and can no longer be replaced."))
    elif plan.status == PlanStatus.RETURNED:
        values["return_reason"] = plan.return_reason  # kept for the record; the timeline shows it
        PLAN_FLOW.apply(plan, "resubmit", actor=actor, fields=values)
    else:  # submitted, not yet reviewed: replace it
        model_update(instance=plan, data=values, actor=actor, reason="replaced before review")
        _log(plan, name="replace", from_state=PlanStatus.SUBMITTED, to_state=PlanStatus.SUBMITTED, actor=actor)
    attachment_add(obj=plan, upload=document, actor=actor, kind="plan", organisation=organisation)

    body = _("%(school)s submitted its implementation plan for “%(campaign)s”.") % {
        "school": organisation.name, "campaign": campaign.title}
    if result.flagged:
        body += " " + _("%(share)d%% of its text is found in the bureau's own plan.") % {
            "share": round(result.similarity * 100)}
    notify(key=f"campaigns:plan-submitted:{plan.pk}:{now.isoformat()}",
           title=_("Implementation plan submitted: %(school)s") % {"school": organisation.name},
           body=body, url=plan.get_absolute_url(), level="warning" if result.flagged else "info",
           organisation=campaign.organisation, roles=[Role.BUREAU_SAFETY])
    return plan


def _locked_plan(plan: ImplementationPlan, actor) -> ImplementationPlan:
    plan = ImplementationPlan.objects.select_for_update(of=("self",)).select_related("campaign__organisation", "organisation") \
        .get(pk=plan.pk)
    if not can_review_plan(actor, plan):
        raise DomainError(_("Only the safety staff of the issuing bureau may review implementation plans."))
    return plan


def _notify_school(plan: ImplementationPlan, *, key: str, title: str, body: str, level: str):
    notify(key=key, title=title, body=body, url=plan.get_absolute_url(), level=level,
           users=[plan.submitted_by] if plan.submitted_by_id else [],
           organisation=plan.organisation, roles=list(PLAN_SUBMIT_ROLES))


@transaction.atomic
def plan_accept(*, plan: ImplementationPlan, actor, note: str = "") -> ImplementationPlan:
    plan = _locked_plan(plan, actor)
    now = timezone.now()
    PLAN_FLOW.apply(plan, "accept", actor=actor, note=note,
                    fields={"reviewed_at": now, "reviewed_by": actor, "return_reason": ""})
    _notify_school(plan, key=f"campaigns:plan-accepted:{plan.pk}",
                   title=_("Implementation plan accepted"),
                   body=_("The bureau accepted your implementation plan for “%(campaign)s”.")
                   % {"campaign": plan.campaign.title}, level="success")
    return plan


@transaction.atomic
def plan_return(*, plan: ImplementationPlan, actor, reason: str) -> ImplementationPlan:
    plan = _locked_plan(plan, actor)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Please give the reason for returning the plan."))
    now = timezone.now()
    PLAN_FLOW.apply(plan, "return", actor=actor, note=reason,
                    fields={"reviewed_at": now, "reviewed_by": actor, "return_reason": reason})
    _notify_school(plan, key=f"campaigns:plan-returned:{plan.pk}:{now.isoformat()}",
                   title=_("Implementation plan returned for revision"),
                   body=_("The bureau returned your implementation plan for “%(campaign)s”: %(reason)s")
                   % {"campaign": plan.campaign.title, "reason": reason}, level="warning")
    return plan


# --- trainings and drills ----------------------------------------------------------------------

def _check_activity(*, organisation, campaign, date, participants, topic):
    if date > timezone.localdate():
        raise DomainError(_("The date cannot be in the future; record a training or drill once it has taken place."))
    if participants is None or participants < 1:
        raise DomainError(_("Please give the number of participants."))
    if not (topic or "").strip():
        raise DomainError(_("Please give the topic."))
    if campaign is not None and not (
        campaign.organisation_id == organisation.pk
        or Campaign.objects.applying_to(organisation).filter(pk=campaign.pk).exists()
        or (campaign.status == CampaignStatus.CLOSED and organisation.is_below(campaign.organisation))
    ):
        raise DomainError(_("That campaign does not apply to %(org)s.") % {"org": organisation.name})


@transaction.atomic
def activity_record(*, organisation: Organisation, actor, kind: str, date: dt.date, topic: str, participants: int,
                    notes: str = "", campaign: Campaign | None = None, photos=(), sign_in_sheets=()) -> Activity:
    """Record a training or an emergency drill, with photos and sign-in sheets."""
    if not can_record_activity(actor, organisation):
        raise DomainError(_("Only the safety officer or a leader may record trainings and drills here."))
    if kind not in ActivityKind.values:
        raise DomainError(_("Please choose training or drill."))
    _check_activity(organisation=organisation, campaign=campaign, date=date, participants=participants, topic=topic)
    activity = Activity.objects.create(
        organisation=organisation, campaign=campaign, kind=kind, date=date, topic=topic.strip(),
        participants=participants, notes=notes.strip(), created_by=actor,
    )
    for upload in photos or ():
        attachment_add(obj=activity, upload=upload, actor=actor, kind="photo", images_only=True)
    for upload in sign_in_sheets or ():
        attachment_add(obj=activity, upload=upload, actor=actor, kind="sign_in")
    return activity


@transaction.atomic
def activity_update(*, activity: Activity, actor, kind: str, date: dt.date, topic: str, participants: int,
                    notes: str = "", campaign: Campaign | None = None, photos=(), sign_in_sheets=()) -> Activity:
    activity = Activity.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=activity.pk)
    if not can_edit_activity(actor, activity):
        raise DomainError(_("Only the safety officer or a leader may change this record."))
    _check_activity(organisation=activity.organisation, campaign=campaign, date=date, participants=participants,
                    topic=topic)
    activity.kind, activity.date, activity.topic = kind, date, topic.strip()
    activity.participants, activity.notes, activity.campaign = participants, notes.strip(), campaign
    activity.save()
    for upload in photos or ():
        attachment_add(obj=activity, upload=upload, actor=actor, kind="photo", images_only=True)
    for upload in sign_in_sheets or ():
        attachment_add(obj=activity, upload=upload, actor=actor, kind="sign_in")
    return activity
