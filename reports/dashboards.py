"""Dashboards (issue 10.7): the bureau's over the schools below it, read from the daily rollups
(reports/rollups.py), and a school's own, counted live. Every figure and every chart segment
carries the URL of the filtered list that shows the same rows; static/js/dashboards.js draws the
charts with Apache ECharts from the page's `json_script` data and follows a segment's URL on click.

The number of queries of either page does not depend on the number of schools or records.
"""
from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from campaign_site.accounts.models import Organisation
from campaign_site.campaigns import selectors as campaign_selectors
from campaign_site.campaigns.models import CampaignStatus
from campaign_site.campaigns.selectors import Timeliness
from campaign_site.generic.scoping import get_visible_or_404, user_scope_paths
from campaign_site.generic.views import ScopedViewMixin
from hazards import selectors as hazard_selectors
from hazards.selectors import HazardLevel, HazardStatus
from schoolbus.selectors import ViolationKind

from . import permissions
from . import selectors as report_selectors
from .rollups import (
    COUNT_FIELDS,
    JSON_FIELDS,
    add_figures,
    empty_figures,
    merge_rankings,
    rankings,
    school_figures,
)

REPORTING_CAMPAIGNS = 2  # active campaigns whose monthly reports the bureau dashboard shows
STALE_AFTER = datetime.timedelta(minutes=30)


_BASES: dict = {}


def _link(url_name: str, **params) -> str:
    key = (url_name, get_script_prefix(), get_urlconf())
    url = _BASES.get(key)
    if url is None:  # a page links ~150 figures to a handful of lists: reverse each list once
        url = _BASES[key] = reverse(url_name)
    params = {k: v for k, v in params.items() if v is not None}
    return f"{url}?{urlencode(params)}" if params else url


def _hazards(**params) -> str:
    return _link("hazards:hazard_list", **params)


def _rate(closed: int, total: int) -> float | None:
    return round(100 * closed / total, 1) if total else None


def _month_bounds(key: str) -> tuple[datetime.date, datetime.date]:
    year, month = (int(p) for p in key.split("-"))
    first = datetime.date(year, month, 1)
    after = datetime.date(year + month // 12, month % 12 + 1, 1)
    return first, after - datetime.timedelta(days=1)


def _last_months(today: datetime.date, count: int = 12) -> list[str]:
    keys, year, month = [], today.year, today.month
    for _i in range(count):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(keys))


def build(user, totals: dict, breakdown: dict, *, today: datetime.date, school: Organisation | None = None) -> dict:
    """Cards and charts from summed figures; `school` set: every link narrowed to that school."""
    org = school.pk if school is not None else None
    first = today.replace(day=1)
    rate = _rate(totals["status_closed"], totals["hazards_total"])
    open_total = sum(totals[f"status_{s}"] for s in HazardStatus.values if s != HazardStatus.CLOSED)
    cards = [
        {"key": "total", "label": _("Hazards registered"), "value": totals["hazards_total"],
         "url": _hazards(organisation=org)},
        {"key": "open", "label": _("Open"), "value": open_total, "url": _hazards(organisation=org, status="open")},
        {"key": "overdue", "label": _("Overdue"), "value": totals["overdue"], "style": "danger",
         "url": _hazards(organisation=org, overdue="true")},
        {"key": "major", "label": _("Open major hazards"), "value": totals["open_major"], "style": "danger",
         "url": _hazards(organisation=org, status="open", level=HazardLevel.MAJOR)},
        {"key": "listed", "label": _("Listed for supervision (open)"), "value": totals["listed_open"],
         "style": "warning", "url": _hazards(organisation=org, status="open", is_listed="true")},
        {"key": "rate", "label": _("Rectification rate (closed of registered)"),
         "value": f"{rate}%" if rate is not None else "—", "style": "success",
         "url": _hazards(organisation=org, status=HazardStatus.CLOSED)},
        {"key": "found_month", "label": _("Found this month"), "value": totals["found_month"],
         "url": _hazards(organisation=org, found_from=first.isoformat(), found_to=today.isoformat())},
        {"key": "closed_month", "label": _("Closed this month"), "value": totals["closed_month"], "style": "success",
         "url": _hazards(organisation=org, status=HazardStatus.CLOSED, closed_from=first.isoformat(),
                         closed_to=today.isoformat())},
        {"key": "violations", "label": _("School bus violations this month"),
         "value": totals["bus_violations_month"], "style": "warning",
         "url": _link("schoolbus:violation_list", organisation=org, date_from=first.isoformat(),
                      date_to=today.isoformat())},
        {"key": "controlled", "label": _("Controlled chemicals in stock (containers)"),
         "value": totals["controlled_in_stock"],
         "url": _link("chemicals:container_list", organisation=org, status="in_stock", controlled="true")},
    ]
    charts = [
        {"id": "status", "kind": "pie", "title": _("Hazards by status"), "series": _("Hazards"),
         "items": [{"name": str(label), "value": totals[f"status_{value}"],
                    "url": _hazards(organisation=org, status=value)} for value, label in HazardStatus.choices]},
        {"id": "level", "kind": "pie", "title": _("Open hazards by level"), "series": _("Open hazards"),
         "items": [{"name": str(label), "value": totals[f"open_{value}"],
                    "url": _hazards(organisation=org, status="open", level=value)}
                   for value, label in HazardLevel.choices]},
    ]
    areas = campaign_selectors.focus_areas_for_filter(user, [int(k) for k in breakdown["by_focus_area"]])
    names = [fa.label for fa in areas.values()]
    items = []
    for pk, fa in sorted(areas.items(), key=lambda a: (a[1].campaign_id, a[1].order)):
        name = fa.label if names.count(fa.label) == 1 else f"{fa.label} ({fa.campaign.label})"
        items.append({"name": name, "value": breakdown["by_focus_area"].get(str(pk), 0),
                      "url": _hazards(organisation=org, focus_area=pk)})
    charts.append({"id": "focus_area", "kind": "hbar", "title": _("Hazards by focus area"), "series": _("Hazards"),
                   "items": items, "empty": _("No hazard of a campaign's focus area yet.")})
    items = []
    for key in _last_months(today):
        month_first, month_last = _month_bounds(key)
        items.append({"name": key, "value": breakdown["by_month"].get(key, 0),
                      "url": _hazards(organisation=org, found_from=month_first.isoformat(),
                                      found_to=min(month_last, today).isoformat())})
    charts.append({"id": "month", "kind": "bar", "title": _("Hazards found by month"), "series": _("Hazards found"),
                   "items": items})
    charts.append({"id": "violations", "kind": "bar", "title": _("School bus violations this month by kind"),
                   "series": _("Violations"),
                   "items": [{"name": str(label), "value": breakdown["violations_by_kind"].get(value, 0),
                              "url": _link("schoolbus:violation_list", organisation=org, kind=value,
                                           date_from=first.isoformat(), date_to=today.isoformat())}
                             for value, label in ViolationKind.choices]})
    return {"cards": cards, "charts": charts, "rate": rate}


def reporting_charts(user, today: datetime.date) -> list[dict]:
    """Schools by monthly-report status (on time, late, missing, not yet due) for the latest month
    already due (this month once its due day has passed, else the one before, as the bureau's
    overview opens), one pie per active campaign asking for monthly reports that the user sees (at
    most REPORTING_CAMPAIGNS), each segment opening the overview filtered the same way. One query,
    then three per campaign."""
    this_month = today.replace(day=1)
    campaigns = list(report_selectors.campaigns_for(user, monthly_reports=True)
                     .filter(status=CampaignStatus.ACTIVE, start__lte=today)[:REPORTING_CAMPAIGNS])
    charts = []
    for campaign in campaigns:
        month = this_month
        if report_selectors.due_date(campaign, month) >= today and month > campaign.start.replace(day=1):
            month = (month - datetime.timedelta(days=1)).replace(day=1)
        counts = report_selectors.overview_counts(campaign, month, user)
        charts.append({
            "id": f"reporting-{campaign.pk}", "kind": "pie", "series": _("Number of schools"),
            "title": _("Schools by monthly report, %(month)s: %(campaign)s") % {
                "month": f"{month:%Y-%m}", "campaign": campaign.label},
            "items": [{"name": str(label), "value": counts[value],
                       "url": _link("reports:overview", campaign=campaign.pk, month=f"{month:%Y-%m}",
                                    timeliness=value)} for value, label in Timeliness.choices]})
    return charts


def _scope_rows(user, day):
    """The rollup rows whose sum is everything `user` sees: one per subtree of their memberships
    (a bureau's row already sums the schools below it and ranks them), the top organisations' for
    a superuser."""
    from .models import SchoolDailyRollup

    rows = SchoolDailyRollup.objects.filter(date=day)
    paths = user_scope_paths(user)
    if paths is None:
        return rows.filter(organisation__parent__isnull=True)
    return rows.filter(organisation__path__in=paths)


def home_hazard_counts(user) -> dict | None:
    """Open, major, listed and overdue hazards of everything `user` sees, from the latest rollups (two
    queries, whatever the number of hazards), with `as_of` (when they were counted); None before
    the first rollup."""
    from django.db.models import Sum

    from .models import SchoolDailyRollup

    latest = SchoolDailyRollup.objects.order_by("-date").values("date", "computed_at").first()
    if latest is None:
        return None
    row = _scope_rows(user, latest["date"]).aggregate(
        general=Sum("open_general"), major_open=Sum("open_major"), listed_open=Sum("listed_open"),
        overdue=Sum("overdue"))
    counts = {key: value or 0 for key, value in row.items()}
    counts["open"] = counts.pop("general") + counts["major_open"]
    return {**counts, "as_of": latest["computed_at"]}


def bureau_dashboard(user) -> dict:
    """The schools `user` sees, from the latest rollups and this month's reports: a number of
    queries that does not depend on the number of schools."""
    from .models import SchoolDailyRollup

    latest = SchoolDailyRollup.objects.order_by("-date").values("date", "computed_at").first()
    if latest is None:
        return {"ready": False}
    day = latest["date"]
    totals, parts = {**empty_figures(), "schools": 0}, []
    for row in _scope_rows(user, day).values("schools", "rankings", "is_school", "organisation_id",
                                             "organisation__name", *COUNT_FIELDS, *JSON_FIELDS):
        add_figures(totals, row)
        totals["schools"] += row["schools"]
        parts.append(rankings([(row["organisation_id"], row["organisation__name"], row)]) if row["is_school"]
                     else row["rankings"] or {})
    ranked = merge_rankings(parts)
    data = build(user, totals, totals, today=day)
    data["charts"][:0] = reporting_charts(user, timezone.localdate())
    data["charts"].append({
        "id": "overdue_schools", "kind": "hbar", "title": _("Schools with the most overdue hazards"),
        "series": _("Overdue"), "empty": _("No school has an overdue hazard."),
        "items": [{"name": name, "value": n, "url": _hazards(organisation=pk, overdue="true")}
                  for pk, name, n in ranked["overdue"]]})
    data["charts"].append({
        "id": "rate_schools", "kind": "hbar", "unit": "%", "max": 100,
        "title": _("Schools with the lowest rectification rate"), "series": _("Rectification rate"),
        "empty": _("No school has registered a hazard."),
        "items": [{"name": name, "value": _rate(closed, total), "url": _hazards(organisation=pk)}
                  for pk, name, closed, total in ranked["rate"]]})
    data.update({
        "ready": True, "date": day, "today": day, "computed_at": latest["computed_at"], "schools": totals["schools"],
        "campaigns": None,
        "stale": timezone.now() - latest["computed_at"] > STALE_AFTER,
        "listed": list(hazard_selectors.listed_open_hazards(user)),
        "listed_url": _hazards(status="open", is_listed="true"),
    })
    return data


def school_dashboard(user, school: Organisation) -> dict:
    """One school's figures counted live, its listed hazards and its campaign deadlines."""
    today = timezone.localdate()
    figures = school_figures(Organisation.objects.filter(pk=school.pk), today=today)[school.pk]
    data = build(user, figures, figures, today=today, school=school)
    data.update({
        "ready": True, "today": today, "computed_at": timezone.now(),
        "listed": list(hazard_selectors.listed_open_hazards(user, organisation=school)),
        "listed_url": _hazards(organisation=school.pk, status="open", is_listed="true"),
        "campaigns": campaign_selectors.campaigns_for_school(school),
    })
    return data


class BureauDashboardView(ScopedViewMixin, TemplateView):
    """The bureau's dashboard; a school's staff are taken to their school's dashboard."""

    template_name = "reports/dashboard.html"
    title = gettext_lazy("Dashboard")

    def has_permission(self) -> bool:
        return True  # bureau staff see this page, school staff are sent to their school's

    def get(self, request, *args, **kwargs):
        if not permissions.can_view_bureau_dashboard(request.user):
            school = request.organisation if request.organisation is not None and request.organisation.is_school \
                else Organisation.objects.schools().visible_to(request.user).order_by("path").first()
            if school is None or not permissions.can_view_school_dashboard(request.user, school):
                raise PermissionDenied
            return redirect("reports:school_dashboard", pk=school.pk)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(bureau_dashboard(self.request.user), bureau=True)
        return ctx


class SchoolDashboardView(ScopedViewMixin, TemplateView):
    """A school's own dashboard with its deadlines (its staff, and the bureaus above it)."""

    model = Organisation
    template_name = "reports/dashboard.html"

    def has_permission(self) -> bool:
        return True  # asked with the school below

    def get_context_data(self, **kwargs):
        school = get_visible_or_404(Organisation.objects.schools(), self.request.user, pk=self.kwargs["pk"])
        if not permissions.can_view_school_dashboard(self.request.user, school):
            raise PermissionDenied
        ctx = super().get_context_data(**kwargs)
        ctx.update(school_dashboard(self.request.user, school), school=school, bureau=False,
                   title=_("Dashboard of %(school)s") % {"school": school.name})
        return ctx
