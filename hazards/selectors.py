"""Reads of the hazards app shared by views, home widgets, reports and the API. They take the
acting user (or an explicit scope)."""
from __future__ import annotations

import datetime

from django.db.models import Count, Q, Sum
from django.utils import timezone

from campaign_site.accounts.models import Person, Role
from campaign_site.accounts.permissions import LEADER_ROLES, SCHOOL_SAFETY_ROLES, roles_anywhere

from . import permissions as perms
from .models import (
    OPEN_STATUSES,
    AccountabilityRecord,
    Hazard,
    HazardLevel,
    HazardSource,
    HazardStatus,
    Inspection,
    InspectionItem,
    InspectionKind,
    InspectionStatus,
    Tip,
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


# The monthly report's figures (reports/statistics.py): grouped by school, a constant number of queries ---------


def _local_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), timezone.get_default_timezone())


def monthly_figures(schools, first, after, *, today=None, since=None) -> dict[int, dict]:
    """Per school of the queryset `schools`: inspections, leader-led inspections, hazards found,
    rectified, open, overdue, listed, rate, funds, tips and accountability cases for the days
    [first, after) — {school id: {key: number}} (schools with nothing left out). `since` (the
    campaign's start) is where the cumulative rectification rate counts from."""
    today = today or timezone.localdate()
    since = since or first
    out: dict[int, dict] = {}

    def put(rows, **keys):
        for row in rows:
            target = out.setdefault(row["organisation"], {})
            for key, column in keys.items():
                target[key] = target.get(key, 0) + (row[column] or 0)

    mid = first + datetime.timedelta(days=15)
    inspections = (Inspection.objects.filter(organisation__in=schools, planned_for__gte=first, planned_for__lt=after)
                   .exclude(status=InspectionStatus.PLANNED).order_by().values("organisation"))
    leader = Q(kind=InspectionKind.LEADER)
    put(inspections.annotate(
        a=Count("pk", filter=Q(kind=InspectionKind.SELF)), b=Count("pk", filter=leader),
        c=Count("pk", filter=Q(kind__in=[InspectionKind.BUREAU, InspectionKind.UNANNOUNCED])),
        d=Count("pk", filter=Q(kind=InspectionKind.LOOKBACK)),
        p1=Count("pk", filter=leader & Q(leader_role=Role.PRINCIPAL, planned_for__lt=mid)),
        p2=Count("pk", filter=leader & Q(leader_role=Role.PRINCIPAL, planned_for__gte=mid)),
        o1=Count("pk", filter=leader & ~Q(leader_role=Role.PRINCIPAL) & Q(planned_for__lt=mid)),
        o2=Count("pk", filter=leader & ~Q(leader_role=Role.PRINCIPAL) & Q(planned_for__gte=mid)),
    ), inspections_self="a", inspections_leader="b", inspections_bureau="c", inspections_lookback="d",
        leader_principal_h1="p1", leader_principal_h2="p2", leader_other_h1="o1", leader_other_h2="o2")

    start, end = _local_start(first), _local_start(after)
    hazards = Hazard.objects.filter(organisation__in=schools).order_by().values("organisation")
    open_q = Q(status__in=OPEN_STATUSES)
    put(hazards.filter(found_on__gte=first, found_on__lt=after).annotate(
        g=Count("pk", filter=Q(level=HazardLevel.GENERAL)), m=Count("pk", filter=Q(level=HazardLevel.MAJOR))),
        hazards_general="g", hazards_major="m")
    put(hazards.filter(status=HazardStatus.CLOSED, closed_at__gte=start, closed_at__lt=end).annotate(
        n=Count("pk"), f=Sum("funds")), hazards_rectified="n", funds="f")
    put(hazards.filter(found_on__lt=after).with_effective_deadline().annotate(
        o=Count("pk", filter=open_q), od=Count("pk", filter=open_q & Q(due__lt=min(today, after))),
        ls=Count("pk", filter=open_q & Q(is_listed=True)),
        ct=Count("pk", filter=Q(found_on__gte=since)),
        cc=Count("pk", filter=Q(found_on__gte=since, status=HazardStatus.CLOSED, closed_at__lt=end))),
        hazards_open="o", hazards_overdue="od", hazards_listed="ls", _found_since="ct", _closed_since="cc")
    put(Tip.objects.filter(organisation__in=schools, created_at__gte=start, created_at__lt=end).order_by()
        .values("organisation").annotate(n=Count("pk")), tips="n")
    put(AccountabilityRecord.objects.filter(organisation__in=schools, decided_on__gte=first, decided_on__lt=after)
        .order_by().values("organisation").annotate(n=Count("pk")), accountability="n")
    for figures in out.values():
        # The rate's parts stay in the figures (frozen with them), so a total recomputes the rate.
        found, closed = figures.pop("_found_since", 0), figures.pop("_closed_since", 0)
        figures["rate_found"], figures["rate_closed"] = found, closed
        figures["rectification_rate"] = round(100 * closed / found, 1) if found else None
        if "funds" in figures:
            figures["funds"] = float(figures["funds"])
    return out


# Per-school figures of the dashboards' daily rollups (reports/rollups.py): grouped, 3 queries ----


def _in_schools(qs, schools):
    return qs if schools is None else qs.filter(organisation__in=schools)


def dashboard_counts(schools=None, *, today: datetime.date | None = None) -> dict[int, dict]:
    """Per school of the queryset `schools` (None: every school): hazards by status, open ones
    by level, open overdue, open listed, found today and this month, closed this month; by focus
    area and by month found (the last 12 months) — {school id: {key: number, "by_focus_area":
    {focus area id: n}, "by_month": {"YYYY-MM": n}}}. Schools without a hazard are left out.
    Three grouped queries whatever the number of schools; each figure is what the hazard list
    shows for the same filter (status, level, overdue, is_listed, focus_area, found_from/to)."""
    from django.db.models.functions import TruncMonth

    today = today or timezone.localdate()
    first = today.replace(day=1)
    since = (first - datetime.timedelta(days=335)).replace(day=1)  # 12 months with this one
    month_start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min),
                                      timezone.get_default_timezone())
    hazards = _in_schools(Hazard.objects.all(), schools).order_by()
    open_q = Q(status__in=OPEN_STATUSES)
    statuses = {f"status_{value}": Count("pk", filter=Q(status=value)) for value in HazardStatus.values}
    out: dict[int, dict] = {}
    for row in hazards.with_effective_deadline().values("organisation").annotate(
        hazards_total=Count("pk"), **statuses,
        open_general=Count("pk", filter=open_q & Q(level=HazardLevel.GENERAL)),
        open_major=Count("pk", filter=open_q & Q(level=HazardLevel.MAJOR)),
        overdue=Count("pk", filter=open_q & Q(due__lt=today)),
        listed_open=Count("pk", filter=open_q & Q(is_listed=True)),
        found_today=Count("pk", filter=Q(found_on=today)),
        found_month=Count("pk", filter=Q(found_on__gte=first, found_on__lte=today)),
        closed_month=Count("pk", filter=Q(status=HazardStatus.CLOSED, closed_at__gte=month_start)),
    ):
        school = row.pop("organisation")
        out[school] = {**row, "by_focus_area": {}, "by_month": {}}
    for row in hazards.filter(focus_area__isnull=False).values("organisation", "focus_area").annotate(n=Count("pk")):
        out[row["organisation"]]["by_focus_area"][str(row["focus_area"])] = row["n"]
    for row in (hazards.filter(found_on__gte=since, found_on__lte=today).annotate(month=TruncMonth("found_on"))
                .values("organisation", "month").annotate(n=Count("pk"))):
        out[row["organisation"]]["by_month"][f"{row['month']:%Y-%m}"] = row["n"]
    return out


def listed_open_hazards(user, *, organisation=None, limit: int = 20):
    """Open hazards listed for supervision that `user` sees (in `organisation`'s subtree), the
    most urgent (effective deadline) first. (Only a major hazard is listed: the level narrows the
    scan to the (level, status) index on a large register.)"""
    qs = Hazard.objects.visible_to(user).open().filter(level=HazardLevel.MAJOR, is_listed=True)
    if organisation is not None:
        qs = qs.filter(organisation__path__startswith=organisation.path)
    return (qs.with_effective_deadline().select_related("organisation")
            .only("pk", "number", "title", "status", "level", "deadline", "bureau_deadline", "organisation__name",
                  "organisation__path")
            .order_by("due", "pk")[:limit])


# The bureau's circular (reports/circular.py) ----------------------------------------------------


def circular_hazards(organisation, *, today=None):
    """Open hazards under `organisation` (its whole subtree) that a circular names: major hazards
    under listed supervision or past their deadline, oldest deadline first, with `due` annotated."""
    today = today or timezone.localdate()
    return (Hazard.objects.open().with_effective_deadline()
            .filter(organisation__path__startswith=organisation.path, level=HazardLevel.MAJOR)
            .filter(Q(is_listed=True) | Q(due__lt=today))
            .select_related("organisation").order_by("due", "organisation__path", "pk"))


def public_accountability(organisation, first, after):
    """Accountability decisions under `organisation` in the days [first, after) that are to be
    exposed in a circular (`made_public`)."""
    return (AccountabilityRecord.objects
            .filter(organisation__path__startswith=organisation.path, made_public=True,
                    decided_on__gte=first, decided_on__lt=after)
            .select_related("organisation", "person", "department").order_by("decided_on", "pk"))


#: At most this many rows of `overdue_or_major` (a district's sheet, not an unbounded dump).
OVERDUE_OR_MAJOR_LIMIT = 5000


def overdue_or_major(bureau, *, today=None, limit: int = OVERDUE_OR_MAJOR_LIMIT):
    """The open hazards of the schools below `bureau` that are past their (effective) deadline or
    major, by school and deadline: a values queryset of at most `limit` rows (the bureau's workbook
    and circular)."""
    today = today or timezone.localdate()
    return (Hazard.objects.filter(organisation__path__startswith=bureau.path, status__in=OPEN_STATUSES)
            .with_effective_deadline()
            .filter(Q(due__lt=today) | Q(level=HazardLevel.MAJOR))
            .order_by("organisation__path", "due", "pk")
            .values("pk", "number", "title", "level", "status", "found_on", "due", "is_listed",
                    "organisation__name", "location")[:limit])
