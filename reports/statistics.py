"""The statistics table (攻坚行动进展情况统计表): what each figure is, where it comes from, and how
it is computed for many schools at once (a constant number of queries, through the other apps'
selectors). Figures the records do not track are entered by the school (`manual=True`).

`compute(schools, month, campaign)` -> {school id: {key: number}}; `rows(report, figures)` -> the
table as the report page, the workbook and the circular show it, with each figure's source list.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from campaign_site.campaigns.selectors import activity_figures
from hazards.selectors import monthly_figures
from schoolbus.selectors import bus_figures


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    unit: str
    section: str
    manual: bool = False
    percent: bool = False
    decimal: bool = False
    # (url name, {filter: value}); "{first}", "{last}" and "{school}" are filled in per report
    source: tuple | None = None


INSPECTIONS = pgettext_lazy("statistics section", "Inspections")
LEADERS = _("Leader-led inspections (half-month rule)")
HAZARDS = _("Hazards and rectification")
ACTIVITIES = _("Trainings and drills")
CHEMICALS = _("Hazardous chemicals")
BUSES = _("School buses")
OTHER = _("Tips and accountability")
BULLYING = _("Bullying (screened every week, reported every month)")

_TIMES, _ITEMS, _PEOPLE = (pgettext_lazy("unit", "times"), pgettext_lazy("unit", "items"),
                           pgettext_lazy("unit", "people"))
_HAZ, _INSP = "hazards:hazard_list", "hazards:inspection_list"
_MONTH_FOUND = {"found_from": "{first}", "found_to": "{last}"}

FIGURES: tuple[Figure, ...] = (
    Figure("inspections_self", _("Self-inspections"), _TIMES, INSPECTIONS,
           source=(_INSP, {"kind": "self", "date_from": "{first}", "date_to": "{last}"})),
    Figure("inspections_leader", _("Leader-led inspections"), _TIMES, INSPECTIONS,
           source=(_INSP, {"kind": "leader", "date_from": "{first}", "date_to": "{last}"})),
    Figure("inspections_bureau", _("Bureau supervision and unannounced inspections"), _TIMES, INSPECTIONS),
    Figure("inspections_lookback", _("Look-back inspections"), _TIMES, INSPECTIONS,
           source=(_INSP, {"kind": "lookback", "date_from": "{first}", "date_to": "{last}"})),
    Figure("leader_principal", _("Led by the principal (at least 1 each half month)"), _TIMES, LEADERS),
    Figure("leader_other", _("Led by other leaders (at least 2 each half month)"), _TIMES, LEADERS),
    Figure("leader_halves_short", _("Half months short of the rule"), _TIMES, LEADERS),
    Figure("hazards_general", _("General hazards found"), _ITEMS, HAZARDS,
           source=(_HAZ, {"level": "general", **_MONTH_FOUND})),
    Figure("hazards_major", _("Major hazards found"), _ITEMS, HAZARDS,
           source=(_HAZ, {"level": "major", **_MONTH_FOUND})),
    Figure("hazards_rectified", _("Hazards rectified and closed this month"), _ITEMS, HAZARDS,
           source=(_HAZ, {"status": "closed", "closed_from": "{first}", "closed_to": "{last}"})),
    Figure("rectification_rate", _("Rectification rate since the campaign began"), "%", HAZARDS, percent=True),
    Figure("hazards_open", _("Hazards still open"), _ITEMS, HAZARDS, source=(_HAZ, {"status": "open"})),
    Figure("hazards_overdue", _("Open hazards past their deadline"), _ITEMS, HAZARDS,
           source=(_HAZ, {"overdue": "yes"})),
    Figure("hazards_listed", _("Major hazards under listed supervision"), _ITEMS, HAZARDS,
           source=(_HAZ, {"is_listed": "yes", "status": "open"})),
    Figure("funds", _("Rectification funds of the hazards closed"), pgettext_lazy("unit", "yuan"), HAZARDS, decimal=True),
    Figure("trainings", _("Trainings held"), _TIMES, ACTIVITIES,
           source=("campaigns:activity_list", {"kind": "training", "date_from": "{first}", "date_to": "{last}"})),
    Figure("training_participants", _("Training participants"), _PEOPLE, ACTIVITIES),
    Figure("drills", _("Emergency drills held"), _TIMES, ACTIVITIES,
           source=("campaigns:activity_list", {"kind": "drill", "date_from": "{first}", "date_to": "{last}"})),
    Figure("drill_participants", _("Drill participants"), _PEOPLE, ACTIVITIES),
    Figure("chemical_counts", _("Stock counts of hazardous chemicals done"), _TIMES, CHEMICALS, manual=True),
    Figure("chemical_segregation", _("Chemicals stored against the segregation rules"), _ITEMS, CHEMICALS,
           manual=True),
    Figure("chemical_two_person", _("Exceptions to two-person control"), _ITEMS, CHEMICALS, manual=True),
    Figure("bus_trips", _("School bus trips"), _TIMES, BUSES,
           source=("schoolbus:trip_list", {"date_from": "{first}", "date_to": "{last}"})),
    Figure("bus_violations", _("School bus violations"), _TIMES, BUSES,
           source=("schoolbus:violation_list", {"date_from": "{first}", "date_to": "{last}"})),
    Figure("gate_duty_missed", _("Missed gate duties"), _TIMES, BUSES),
    Figure("bullying_screenings", _("Weekly bullying screenings done"), _TIMES, BULLYING,
           source=("reports:screening_list", {"week_from": "{first}", "week_to": "{last}"})),
    Figure("bullying_risks", _("Bullying risks found"), _ITEMS, BULLYING,
           source=("reports:screening_list", {"week_from": "{first}", "week_to": "{last}"})),
    Figure("tips", _("Public tips received"), _ITEMS, OTHER),
    Figure("accountability", _("Accountability cases"), pgettext_lazy("unit", "cases"), OTHER,
           source=("hazards:accountability_list", {"decided_from": "{first}", "decided_to": "{last}"})),
    Figure("publicity", _("Safety education and publicity events"), _TIMES, OTHER, manual=True),
)
BY_KEY = {f.key: f for f in FIGURES}
MANUAL = tuple(f for f in FIGURES if f.manual)
COMPUTED = tuple(f for f in FIGURES if not f.manual)


def month_after(month: datetime.date) -> datetime.date:
    return datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _leader_rule(figures: dict, month: datetime.date, today: datetime.date) -> None:
    """Fold the half-month counts into the table: principal ≥ 1 and other leaders ≥ 2 in each half
    month that has ended (1st–15th, 16th–end)."""
    p1, p2 = figures.pop("leader_principal_h1", 0), figures.pop("leader_principal_h2", 0)
    o1, o2 = figures.pop("leader_other_h1", 0), figures.pop("leader_other_h2", 0)
    figures["leader_principal"], figures["leader_other"] = p1 + p2, o1 + o2
    short = 0
    if today > month.replace(day=15):
        short += p1 < 1 or o1 < 2
    if today >= month_after(month):
        short += p2 < 1 or o2 < 2
    figures["leader_halves_short"] = int(short)


def _screening_figures(schools, first: datetime.date, after: datetime.date) -> dict[int, dict]:
    """The weeks screened for bullying (by the week's Monday) and the risks found, per school."""
    from django.db.models import Count, Sum

    from .models import BullyingScreening

    rows = (BullyingScreening.objects.filter(organisation__in=schools, week__gte=first, week__lt=after).order_by()
            .values("organisation").annotate(n=Count("pk"), r=Sum("risks_found")))
    return {r["organisation"]: {"bullying_screenings": r["n"], "bullying_risks": r["r"] or 0} for r in rows}


def compute(schools, month: datetime.date, campaign=None, *, today: datetime.date | None = None) -> dict[int, dict]:
    """Every computed figure of the month for each school of the queryset `schools`:
    {school id: {key: number}} — zeros where there was nothing, a rate of None without hazards."""
    today = today or timezone.localdate()
    after = month_after(month)
    since = campaign.start if campaign is not None else month
    parts = (
        monthly_figures(schools, month, after, today=today, since=since),
        activity_figures(schools, month, after),
        bus_figures(schools, month, after),
        _screening_figures(schools, month, after),
    )
    out = {}
    for school_id in schools.values_list("pk", flat=True):
        figures = {f.key: 0 for f in COMPUTED}
        figures["rectification_rate"] = None
        figures["rate_found"] = figures["rate_closed"] = 0  # the rate's parts (for totals), not shown
        for part in parts:
            figures.update(part.get(school_id, {}))
        _leader_rule(figures, month, today)
        out[school_id] = figures
    return out


def source_url(figure: Figure, *, school_id: int, month: datetime.date) -> str:
    """The list a figure comes from, filtered to the school and the month."""
    if figure.source is None:
        return ""
    name, params = figure.source
    last = month_after(month) - datetime.timedelta(days=1)
    values = {"{first}": month.isoformat(), "{last}": last.isoformat()}
    query = {k: values.get(v, v) for k, v in params.items()}
    query["organisation"] = school_id
    return f"{reverse(name)}?{urlencode(query)}"


@dataclass
class Row:
    figure: Figure
    value: object
    url: str


def table(report, figures: dict) -> list[tuple[str, list[Row]]]:
    """The statistics table of `report` by section: computed figures from `figures`, the rest from
    what the school entered."""
    sections: dict[str, list[Row]] = {}
    for f in FIGURES:
        value = report.manual_figures.get(f.key) if f.manual else figures.get(f.key)
        url = "" if f.manual else source_url(f, school_id=report.organisation_id, month=report.month)
        sections.setdefault(str(f.section), []).append(Row(f, value, url))
    return list(sections.items())
