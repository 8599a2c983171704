"""Reads shared by the campaigns views, the home widgets and the reports app."""
from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Case, CharField, Count, F, FilteredRelation, Q, QuerySet, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign_site.accounts.models import Organisation

from .models import (
    Activity,
    ActivityKind,
    Campaign,
    CampaignStatus,
    Deadline,
    FocusArea,
    ImplementationPlan,
    PlanStatus,
)
from .similarity import COPY_THRESHOLD


class Timeliness:
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"
    NOT_DUE = "not_due"

    choices = [
        (ON_TIME, _("On time")),
        (LATE, _("Late")),
        (MISSING, _("Missing")),
        (NOT_DUE, _("Not yet due")),
    ]
    styles = {ON_TIME: "success", LATE: "warning", MISSING: "danger", NOT_DUE: "secondary"}

    @classmethod
    def label(cls, value) -> str:
        return dict(cls.choices).get(value, "")


def plan_deadline_date(campaign: Campaign) -> dt.date | None:
    deadline = campaign.plan_deadline()
    return deadline.date if deadline else None


def deadline_boundary(day: dt.date) -> dt.datetime:
    """The first instant after `day` ends, in the site's time zone (a plan submitted on the
    deadline day, local time, is on time)."""
    midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)
    return timezone.make_aware(midnight, timezone.get_default_timezone())


def timeliness(first_submitted_at, deadline: dt.date | None, *, now=None) -> str:
    now = now or timezone.now()
    if deadline is None:
        return Timeliness.ON_TIME if first_submitted_at else Timeliness.NOT_DUE
    boundary = deadline_boundary(deadline)
    if first_submitted_at is None:
        return Timeliness.MISSING if now >= boundary else Timeliness.NOT_DUE
    return Timeliness.ON_TIME if first_submitted_at < boundary else Timeliness.LATE


def plan_overview(campaign: Campaign, user, *, now=None) -> QuerySet:
    """Every school below the issuing bureau that `user` may see, with its plan for `campaign`
    (one LEFT JOIN) and its timeliness (on time / late / missing / not yet due)."""
    now = now or timezone.now()
    deadline = plan_deadline_date(campaign)
    qs = (
        Organisation.objects.schools().below(campaign.organisation).visible_to(user)
        .filter(is_active=True)
        .annotate(plan=FilteredRelation("plans", condition=Q(plans__campaign=campaign)))
        .annotate(
            plan_pk=F("plan__pk"), plan_status=F("plan__status"), plan_first=F("plan__first_submitted_at"),
            plan_submitted=F("plan__submitted_at"), plan_similarity=F("plan__similarity"),
        )
    )
    if deadline is None:
        when = [When(plan_first__isnull=True, then=Value(Timeliness.NOT_DUE))]
        default = Value(Timeliness.ON_TIME)
    else:
        boundary = deadline_boundary(deadline)
        missing = Timeliness.MISSING if now >= boundary else Timeliness.NOT_DUE
        when = [When(plan_first__isnull=True, then=Value(missing)),
                When(plan_first__lt=boundary, then=Value(Timeliness.ON_TIME))]
        default = Value(Timeliness.LATE)
    return qs.annotate(timeliness=Case(*when, default=default, output_field=CharField())).order_by("path")


def plan_counts(campaign: Campaign, user, *, now=None) -> dict:
    """Counts of schools by timeliness and by review status (two aggregate queries)."""
    qs = plan_overview(campaign, user, now=now)
    by_time = Counter(_count(qs, "timeliness"))
    by_status = Counter(_count(qs.filter(plan_pk__isnull=False), "plan_status"))
    flagged = qs.filter(plan_similarity__gte=COPY_THRESHOLD).count()
    return {
        "total": sum(by_time.values()),
        "on_time": by_time[Timeliness.ON_TIME], "late": by_time[Timeliness.LATE],
        "missing": by_time[Timeliness.MISSING], "not_due": by_time[Timeliness.NOT_DUE],
        "submitted": by_status[PlanStatus.SUBMITTED], "accepted": by_status[PlanStatus.ACCEPTED],
        "returned": by_status[PlanStatus.RETURNED], "flagged": flagged,
    }


def _count(qs, field) -> dict:
    from django.db.models import Count

    return {row[field]: row["n"] for row in qs.order_by().values(field).annotate(n=Count("pk"))}


def campaigns_for_school(organisation: Organisation):
    """Active campaigns applying to a school, each with the school's plan (or None) and the next
    deadlines."""
    campaigns = list(
        Campaign.objects.applying_to(organisation).select_related("organisation").order_by("start", "pk")
    )
    plans = {p.campaign_id: p for p in ImplementationPlan.objects.filter(
        organisation=organisation, campaign__in=[c.pk for c in campaigns])}
    today = timezone.localdate()
    deadlines: dict[int, list[Deadline]] = {}
    for d in Deadline.objects.filter(campaign__in=[c.pk for c in campaigns]).order_by("date", "pk"):
        deadlines.setdefault(d.campaign_id, []).append(d)
    out = []
    for c in campaigns:
        upcoming = [d for d in deadlines.get(c.pk, []) if d.date and d.date >= today][:2]
        monthly = [d for d in deadlines.get(c.pk, []) if d.day_of_month]
        plan_deadline = next((d.date for d in deadlines.get(c.pk, []) if d.kind == "plan" and d.date), None)
        plan = plans.get(c.pk)
        out.append({
            "campaign": c, "plan": plan, "upcoming": upcoming, "monthly": monthly,
            "plan_deadline": plan_deadline,
            "timeliness": timeliness(plan.first_submitted_at if plan else None, plan_deadline),
        })
    return out


def active_campaigns_for_bureau(user, organisation: Organisation, *, limit: int = 5):
    """Active campaigns issued by `organisation`, a bureau above it or below it (visible to the user)."""
    return list(
        Campaign.objects.live().visible_to(user).filter(status=CampaignStatus.ACTIVE)
        .filter(Q(organisation__path__startswith=organisation.path)
                | Q(organisation__path__in=[a.path for a in organisation.ancestors()]))
        .select_related("organisation").order_by("-start", "pk")[:limit]
    )


def activity_counts(user, *, since: dt.date | None = None) -> dict:
    qs = Activity.objects.visible_to(user)
    if since:
        qs = qs.filter(date__gte=since)
    return _count(qs, "kind")


def activity_figures(schools, first: dt.date, after: dt.date) -> dict[int, dict]:
    """Trainings and drills held and their participants per school of `schools` in [first, after)
    (the monthly report's figures): {school id: {key: number}}, one query."""
    rows = (Activity.objects.filter(organisation__in=schools, date__gte=first, date__lt=after).order_by()
            .values("organisation").annotate(
                t=Count("pk", filter=Q(kind=ActivityKind.TRAINING)),
                tp=Sum("participants", filter=Q(kind=ActivityKind.TRAINING)),
                d=Count("pk", filter=Q(kind=ActivityKind.DRILL)),
                dp=Sum("participants", filter=Q(kind=ActivityKind.DRILL))))
    return {r["organisation"]: {"trainings": r["t"], "training_participants": r["tp"] or 0,
                                "drills": r["d"], "drill_participants": r["dp"] or 0} for r in rows}


def focus_areas_for_filter(user, ids) -> dict[int, FocusArea]:
    """Focus areas among `ids` that the hazard list's focus-area filter offers `user` (those of
    campaigns that are not templates, visible to the user): {id: FocusArea}. One query."""
    return {fa.pk: fa for fa in FocusArea.objects.visible_to(user).filter(campaign__is_template=False, pk__in=ids)
            .select_related("campaign")}
