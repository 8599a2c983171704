"""Public tips (公开举报): submission by anyone, triage by the bureau above the school.

- tip_submit(...)   anonymous; gives the tip an unguessable tracking code, attaches the photo and
                    tells the bureau safety staff of the bureau directly above the school.
- tip_accept(...)   turns a tip into a hazard of its school (source "public tip"), copies the photo.
- tip_reject(...)   closes a tip with a reason.

Both are steps of TIP_FLOW (models.py), pressed on the tip's page through the generic TransitionView.

Who triages: bureau safety staff, bureau inspectors and administrators at a bureau above the
school (the same bureau roles that may register hazards). School staff never see tips: a tip
may be about the school itself, and it may carry the reporter's name and phone.
"""
from __future__ import annotations

import datetime
import secrets

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign_site.accounts.models import Organisation, OrgKind, Role
from campaign_site.generic.attachments import attachment_add, attachments_for, prepare_upload
from campaign_site.generic.errors import DomainError
from campaign_site.generic.models import Attachment
from campaign_site.notifications.services import notify

from .models import TIP_FLOW, Hazard, HazardLevel, HazardSource, Tip, TipStatus
from .permissions import can_triage

# Easy to read aloud and to type from a phone: no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10  # 31**10 ≈ 8e14 codes: not guessable, and lookups are rate-limited too


# Tracking codes ----------------------------------------------------------------------------


def tracking_code_new() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def tracking_code_normalise(text: str) -> str:
    """What the person typed -> the stored code: upper case, without spaces or dashes."""
    return "".join(ch for ch in (text or "").upper() if ch.isascii() and ch.isalnum())


def tracking_code_display(code: str) -> str:
    """ABCDE-FGHJK: two groups of five read more easily."""
    return f"{code[:5]}-{code[5:]}" if len(code) == CODE_LENGTH else code


# Who sees and triages tips -------------------------------------------------------------------


def tips_visible_to(user):
    """Tips of the schools below the user's bureau memberships (superusers: all)."""
    return Tip.objects.visible_to(user).select_related("organisation", "organisation__parent", "hazard", "triaged_by")


def public_schools():
    """The schools the public can choose from: every active school, grouped by its bureau."""
    return (
        Organisation.objects.filter(kind=OrgKind.SCHOOL, is_active=True)
        .select_related("parent")
        .order_by("parent__path", "name")
    )


# Services ------------------------------------------------------------------------------------


def tip_submit(*, organisation: Organisation, description: str, location: str = "", contact_name: str = "",
               contact_phone: str = "", photo=None) -> Tip:
    """A member of the public reports a hazard at a school. Returns the tip with its code."""
    if not organisation.is_school or not organisation.is_active:
        raise DomainError(_("Please choose a school from the list."))
    description = (description or "").strip()
    if len(description) < 5:
        raise DomainError(_("Please describe the hazard in a few words."))
    if photo is not None:
        # Type by content, size limit, image bombs refused, EXIF stripped: all before the
        # transaction, so decoding a photo never holds the database's write lock.
        photo = prepare_upload(photo, images_only=True)
    with transaction.atomic():
        for _attempt in range(5):
            code = tracking_code_new()
            if not Tip.objects.filter(tracking_code=code).exists():
                break
        tip = Tip(
            organisation=organisation, tracking_code=code, description=description,
            location=(location or "").strip(), contact_name=(contact_name or "").strip(),
            contact_phone=(contact_phone or "").strip(),
        )
        tip._change_reason = _("Received")
        tip.save()
        if photo is not None:
            attachment_add(obj=tip, upload=photo, actor=None, images_only=True, organisation=organisation,
                           kind="photo", caption=_("Photo sent with the tip"))
        bureau = organisation.parent
        if bureau is not None:
            notify(
                key=f"tip:{tip.pk}:received",
                title=_("New public tip about %(school)s") % {"school": organisation.name},
                body=description[:300],
                url=tip.get_absolute_url(),
                level="warning",
                organisation=bureau,
                roles=[Role.BUREAU_SAFETY],
            )
    return tip


def _lock(tip: Tip, actor) -> Tip:
    locked = Tip.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=tip.pk)
    if not can_triage(actor, locked):
        raise DomainError(_("Only the bureau above %(school)s may triage this tip.") % {"school": locked.organisation})
    if locked.status != TipStatus.RECEIVED:
        raise DomainError(_("This tip has already been triaged (%(status)s).") % {"status": locked.get_status_display()})
    return locked


def _copy_attachments(tip: Tip, hazard: Hazard) -> int:
    """The tip's photos are attached to the hazard too (copied, so each record owns its file)."""
    hazard_ct = ContentType.objects.get_for_model(Hazard)
    count = 0
    for att in attachments_for(tip):
        with att.file.open("rb") as fh:
            data = fh.read()
        copy = Attachment(
            content_type=hazard_ct, object_id=hazard.pk, organisation=hazard.organisation, kind=att.kind,
            original_name=att.original_name, mime_type=att.mime_type, size=att.size,
            caption=att.caption or _("Photo sent with the tip"), uploaded_by=None,
        )
        copy.file.save(att.original_name, ContentFile(data), save=False)
        copy.save()
        count += 1
    return count


def tip_accept(*, tip: Tip, actor, title: str, location: str, found_on: datetime.date, deadline: datetime.date,
               level: str = HazardLevel.GENERAL, description: str = "", measures: str = "",
               responsible_department=None, responsible_person=None, note: str = "") -> Hazard:
    """Register the hazard the tip reports in its school's register and mark the tip accepted."""
    from .services import hazard_register

    with transaction.atomic():
        tip = _lock(tip, actor)
        hazard = hazard_register(
            organisation=tip.organisation, actor=actor, title=title, location=location, found_on=found_on,
            deadline=deadline, level=level, source=HazardSource.TIP, description=description, measures=measures,
            responsible_department=responsible_department, responsible_person=responsible_person,
            finding_key=f"tip:{tip.pk}",
        )
        _copy_attachments(tip, hazard)
        TIP_FLOW.apply(tip, "accept", actor=actor, note=note or hazard.number,
                       fields={"hazard": hazard, "triaged_by": actor, "triaged_at": timezone.now()})
    return hazard


def tip_reject(*, tip: Tip, actor, reason: str) -> Tip:
    """Close a tip without a hazard; the reason is required and kept."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Please give a reason."))
    with transaction.atomic():
        tip = _lock(tip, actor)
        TIP_FLOW.apply(tip, "reject", actor=actor, note=reason,
                       fields={"reject_reason": reason, "triaged_by": actor, "triaged_at": timezone.now()})
    return tip


def tip_by_code(code: str) -> Tip | None:
    code = tracking_code_normalise(code)
    if len(code) != CODE_LENGTH:
        return None
    return Tip.objects.filter(tracking_code=code).first()
