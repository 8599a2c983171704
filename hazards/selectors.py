"""Reads of the hazards app shared by views, home widgets, reports and the API. They take the
acting user (or an explicit scope)."""
from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from campaign_site.accounts.models import Person, Role
from campaign_site.accounts.permissions import LEADER_ROLES, SCHOOL_SAFETY_ROLES, roles_anywhere

from . import permissions as perms
from .models import (
    OPEN_STATUSES,
    Hazard,
    HazardLevel,
    HazardSource,
    HazardStatus,
    Inspection,
    InspectionItem,
)


def default_source(user, organisation) -> str:
    """Source of a hazard registered by hand: the bureau's supervision or the school's own inspection."""
    if user.is_authenticated and not user.is_superuser and user.is_bureau_staff_over(organisation) \
            and not user.has_role(organisation, *SCHOOL_SAFETY_ROLES):
        return HazardSource.BUREAU
    if user.is_authenticated and user.has_role(organisation, *LEADER_ROLES):
        return HazardSource.LEADER
    return HazardSource.SELF


def hazard_status_counts(queryset) -> dict:
    """Counts by status, open, overdue and total of a hazard queryset: one query."""
    today = timezone.localdate()
    qs = queryset.order_by()
    if "due" not in qs.query.annotations:
        qs = qs.with_effective_deadline()
    agg = {f"s_{value}": Count("pk", filter=Q(status=value)) for value in HazardStatus.values}
    row = qs.aggregate(
        total=Count("pk"), open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, due__lt=today)),
        major_open=Count("pk", filter=Q(status__in=OPEN_STATUSES, level=HazardLevel.MAJOR)),
        listed_open=Count("pk", filter=Q(status__in=OPEN_STATUSES, is_listed=True)),
        **agg,
    )
    out = {k: v for k, v in row.items() if not k.startswith("s_")}
    out.update({k[2:]: v for k, v in row.items() if k.startswith("s_")})
    return out


def people_of(organisation):
    return Person.objects.filter(organisation=organisation).order_by("name")


def inspection_checklist(inspection: Inspection) -> dict:
    """Items grouped by focus area, with their photos and the hazards they opened (fixed queries)."""
    from django.contrib.contenttypes.models import ContentType

    from campaign_site.generic.models import Attachment

    items = list(inspection.items.select_related("focus_area", "check_item", "checked_by").order_by("order", "pk"))
    ct = ContentType.objects.get_for_model(InspectionItem)
    photos = {}
    for att in Attachment.objects.filter(content_type=ct, object_id__in=[i.pk for i in items]):
        photos.setdefault(att.object_id, []).append(att)
    hazards = {}
    for h in Hazard.objects.filter(inspection_item__in=items).only("pk", "number", "title", "status",
                                                                   "inspection_item"):
        hazards.setdefault(h.inspection_item_id, []).append(h)
    groups = []
    for item in items:
        item.photos = photos.get(item.pk, [])
        item.opened_hazards = hazards.get(item.pk, [])
        key = item.focus_area_id
        if not groups or groups[-1]["key"] != key:
            groups.append({"key": key, "focus_area": item.focus_area, "items": []})
        groups[-1]["items"].append(item)
    counts = {"total": len(items)}
    for item in items:
        counts[item.result] = counts.get(item.result, 0) + 1
    return {"groups": groups, "item_counts": counts}


def my_hazard_work(user) -> dict:
    """Hazards waiting for this user: to rectify, to re-inspect, to sign off, to delist."""
    visible = Hazard.objects.visible_to(user).open()
    roles = roles_anywhere(user)
    out = {}
    person_ids = list(Person.objects.filter(user=user).values_list("pk", flat=True))
    q_fix = Q(responsible_person__in=person_ids)
    if Role.SAFETY_OFFICER in roles:
        q_fix |= Q(pk__isnull=False)
    out["to_fix"] = visible.filter(q_fix, status__in=[HazardStatus.REGISTERED, HazardStatus.RECTIFYING])
    if roles & perms.REINSPECT_ROLES:
        out["to_reinspect"] = visible.filter(status=HazardStatus.SUBMITTED).exclude(rectified_by=user)
    if Role.PRINCIPAL in roles:
        out["to_sign_off"] = visible.filter(status=HazardStatus.AWAITING_SIGNOFF)
    if roles & perms.LISTING_ROLES:
        out["to_delist"] = visible.filter(status=HazardStatus.AWAITING_DELISTING)
        out["to_list"] = visible.filter(level=HazardLevel.MAJOR, is_listed=False)
    return out
