"""Reads of the school bus records shared by views, home widgets and reports (always scoped)."""
from __future__ import annotations

import datetime
import math

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Mod
from django.utils import timezone

from campaign_site.accounts.models import Organisation

from .models import (
    INSPECTION_MONTHS,
    REMIND_DAYS,
    Driver,
    Rider,
    TrackPoint,
    Vehicle,
    VehicleStatus,
    Violation,
    ViolationKind,
    add_months,
)

PICTURE_W, PICTURE_H, PICTURE_PAD = 800, 520, 20
PICTURE_MIN_H = 200  # a flat east-west route gets a low picture, not 520 units of empty sky
MAX_DRAWN_POINTS = 1500


def _count(qs):
    sub = qs.filter(organisation=OuterRef("pk")).order_by().values("organisation").annotate(c=Count("pk")).values("c")
    return Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))


def expiring_vehicles(today: datetime.date):
    horizon = today + datetime.timedelta(days=REMIND_DAYS)
    return Vehicle.objects.exclude(status=VehicleStatus.SCRAPPED).filter(
        Q(permit_valid_until__lte=horizon) | Q(insurance_valid_until__lte=horizon)
        | Q(inspected_on__lte=add_months(horizon, -INSPECTION_MONTHS))
        | Q(permit_valid_until__isnull=True) | Q(insurance_valid_until__isnull=True) | Q(inspected_on__isnull=True))


def expiring_drivers(today: datetime.date):
    horizon = today + datetime.timedelta(days=REMIND_DAYS)
    return Driver.objects.filter(is_active=True).filter(
        Q(endorsement_valid_until__lte=horizon) | Q(endorsement_valid_until__isnull=True)
        | Q(health_checked_on__lte=add_months(horizon, -12)) | Q(health_checked_on__isnull=True))


def fleet_overview(user, today: datetime.date | None = None):
    """Every school the user sees with its fleet, riders, documents running out and violations
    (schools without buses too: the bureau sees who has none on file)."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=30)
    return (Organisation.objects.schools().visible_to(user)
            .annotate(vehicles=_count(Vehicle.objects.exclude(status=VehicleStatus.SCRAPPED)),
                      in_service=_count(Vehicle.objects.filter(status=VehicleStatus.IN_SERVICE)),
                      drivers=_count(Driver.objects.filter(is_active=True)),
                      riders=_count(Rider.objects.filter(is_active=True)),
                      expiring=_count(expiring_vehicles(today)) + _count(expiring_drivers(today)),
                      violations=_count(Violation.objects.filter(date__gte=since))))


def violation_counts(user, since: datetime.date) -> dict:
    rows = (Violation.objects.visible_to(user).filter(date__gte=since).order_by().values("kind")
            .annotate(n=Count("pk")))
    labels = dict(ViolationKind.choices)
    return {labels[r["kind"]]: r["n"] for r in rows}


# The trip's picture: track against the approved route, drawn as SVG (no map tiles) ----------------


def _sampled(qs, count: int, limit: int):
    step = max(1, math.ceil(count / limit))
    if step > 1:
        qs = qs.annotate(_m=Mod("seq", step)).filter(_m=0)
    return list(qs.values_list("longitude", "latitude"))


def trip_picture(trip) -> dict | None:
    """Coordinates of the route, the track and each episode, projected into an SVG viewBox."""
    route_coords = [tuple(c) for c in (trip.route.track or [])]
    track = _sampled(TrackPoint.objects.filter(trip=trip).order_by("seq"), trip.track_points, MAX_DRAWN_POINTS)
    if not track and not route_coords:
        return None
    episodes = []
    for v in trip.violations.filter(first_seq__isnull=False).order_by("first_seq"):
        pts = _sampled(TrackPoint.objects.filter(trip=trip, seq__gte=v.first_seq, seq__lte=v.last_seq)
                       .order_by("seq"), v.last_seq - v.first_seq + 1, 300)
        episodes.append((v, pts))
    stops = [(s.name, s.longitude, s.latitude) for s in trip.route.stops.all()]
    everything = route_coords + track + [(lon, lat) for _n, lon, lat in stops]
    lons, lats = [c[0] for c in everything], [c[1] for c in everything]
    min_lon, max_lon, min_lat, max_lat = min(lons), max(lons), min(lats), max(lats)
    kx = math.cos(math.radians((min_lat + max_lat) / 2))
    width = max((max_lon - min_lon) * kx, 1e-6)
    height = max(max_lat - min_lat, 1e-6)
    scale = min((PICTURE_W - 2 * PICTURE_PAD) / width, (PICTURE_H - 2 * PICTURE_PAD) / height)
    # The picture is as tall as the drawing needs (between PICTURE_MIN_H and PICTURE_H) and the
    # drawing sits in its middle: a wide route no longer hugs the bottom of an empty box, a tall one
    # the left edge.
    picture_h = round(min(PICTURE_H, max(PICTURE_MIN_H, height * scale + 2 * PICTURE_PAD)))
    off_x = (PICTURE_W - width * scale) / 2
    off_y = (picture_h - height * scale) / 2

    def xy(lon, lat):
        return (round(off_x + (lon - min_lon) * kx * scale, 1),
                round(picture_h - off_y - (lat - min_lat) * scale, 1))

    def path(coords):
        return " ".join(f"{x},{y}" for x, y in (xy(lon, lat) for lon, lat in coords))

    return {
        "width": PICTURE_W, "height": picture_h,
        "route": path(route_coords), "track": path(track),
        "episodes": [{"violation": v, "points": path(pts), "kind": v.kind,
                      "start": xy(*pts[0]) if pts else None} for v, pts in episodes],
        "stops": [{"name": name, "xy": xy(lon, lat)} for name, lon, lat in stops],
        "start": xy(*track[0]) if track else None,
    }


# Gate duty --------------------------------------------------------------------------------------


def missed_gate_duty_counts(*, year: int, month: int, user=None, organisation: Organisation | None = None,
                            now: datetime.datetime | None = None) -> dict[int, int]:
    """Missed gate duties (no sign-in by the end of the slot) per school in one month:
    {school id: count}, schools without a missed duty left out. Scoped to what `user` sees, or
    to the subtree of `organisation` (the monthly report's scope)."""
    from .models import GateDuty

    qs = GateDuty.objects.all()
    if user is not None:
        qs = qs.visible_to(user)
    if organisation is not None:
        qs = qs.filter(organisation__path__startswith=organisation.path)
    first = datetime.date(year, month, 1)
    last = datetime.date(year + month // 12, month % 12 + 1, 1)
    rows = (qs.missed(now).filter(date__gte=first, date__lt=last).order_by().values("organisation")
            .annotate(n=Count("pk")))
    return {r["organisation"]: r["n"] for r in rows}


def bus_figures(schools, first: datetime.date, after: datetime.date, *, now: datetime.datetime | None = None
                ) -> dict[int, dict]:
    """School bus trips, violations and missed gate duties per school of `schools` in [first, after)
    (the monthly report's figures): {school id: {key: number}}, three queries."""
    from .models import GateDuty, Trip

    out: dict[int, dict] = {}
    for key, qs in (
        ("bus_trips", Trip.objects.filter(organisation__in=schools, date__gte=first, date__lt=after)),
        ("bus_violations", Violation.objects.filter(organisation__in=schools, date__gte=first, date__lt=after)),
        ("gate_duty_missed", GateDuty.objects.filter(organisation__in=schools, date__gte=first, date__lt=after)
         .missed(now)),
    ):
        for row in qs.order_by().values("organisation").annotate(n=Count("pk")):
            out.setdefault(row["organisation"], {})[key] = row["n"]
    return out


def violation_counts_by_school(schools=None, *, first: datetime.date, last: datetime.date) -> dict[int, dict[str, int]]:
    """Violations per school of the queryset `schools` (None: every school) and kind, dated in
    [first, last]: {school id: {kind: n}} (the violation list's kind, date_from, date_to). One query."""
    qs = Violation.objects.filter(date__gte=first, date__lte=last)
    if schools is not None:
        qs = qs.filter(organisation__in=schools)
    out: dict[int, dict[str, int]] = {}
    for row in qs.order_by().values("organisation", "kind").annotate(n=Count("pk")):
        out.setdefault(row["organisation"], {})[row["kind"]] = row["n"]
    return out
