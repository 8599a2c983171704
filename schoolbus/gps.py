"""Import of a trip's GPS track (the bus terminal's export, CSV or XLSX) and the checks run on it.

Streamed: rows are read one at a time from the file (generic.excel.stream_table), points are
inserted in batches, and the speeding and off-route checks follow the stream with a few numbers
of state each, so memory stays flat whatever the file's length (bench/bench_gps.py).

All or nothing: the whole import is one transaction; any bad row (reported with its row number,
up to MAX_ERRORS of them) rolls everything back.

A violation is an episode: a continuous run of offending points with its start, end, peak and
evidence, never one per point. Exactly at the limit (speed == limit, distance == tolerance,
duration == grace time) is not a violation.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaign_site.generic.errors import DomainError
from campaign_site.generic.excel import Column, ExcelError, stream_table

from . import services
from .geo import Track, distance_m, gcj02_to_wgs84
from .models import LIMIT_CONDITIONS, LIMIT_OTHER_ROAD, TrackPoint, Trip, ViolationKind

BATCH = 2000
MAX_ERRORS = 20


class Datum:
    WGS84 = "wgs84"
    GCJ02 = "gcj02"
    CHOICES = [("wgs84", "WGS-84 (GPS)"), ("gcj02", "GCJ-02")]


COLUMNS = [
    Column("at", "定位时间", aliases=("时间", "GPS时间", "定位日期", "time", "timestamp", "datetime", "gps time",
                                   "gps_time", "fix time")),
    Column("lon", "经度", aliases=("longitude", "lon", "lng")),
    Column("lat", "纬度", aliases=("latitude", "lat")),
    Column("speed", "速度", aliases=("速度(km/h)", "速度km/h", "速度（公里/小时）", "speed", "speed(km/h)", "speed_kmh",
                                  "velocity")),
    Column("heading", "方向", aliases=("方向角", "航向", "heading", "course", "direction"), required=False),
]


class TrackImportError(DomainError):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__(errors[0] if len(errors) == 1 else _("%(n)d problems in the file; nothing was imported.")
                         % {"n": len(errors)})


@dataclass
class Episode:
    kind: str
    first_seq: int
    started_at: datetime.datetime
    ended_at: datetime.datetime
    last_seq: int
    points: int = 1
    peak: float = 0.0
    peak_at: tuple = ()
    limit: float = 0.0


@dataclass
class Checker:
    """Follows the points of a trip and closes episodes of speeding and off-route driving."""

    trip: Trip
    track: Track | None
    zones: list = field(default_factory=list)
    episodes: list[Episode] = field(default_factory=list)
    speeding: Episode | None = None
    off_route: Episode | None = None

    def limit_at(self, lon: float, lat: float) -> int:
        route = self.trip.route
        if self.trip.adverse_weather:
            return LIMIT_CONDITIONS
        limits = [z.effective_limit for z in self.zones
                  if distance_m(lon, lat, z.longitude, z.latitude) <= z.radius_m]
        limit = min(limits) if limits else LIMIT_OTHER_ROAD
        if route.speed_limit:
            limit = min(limit, route.speed_limit)
        return limit

    def feed(self, seq: int, at: datetime.datetime, lon: float, lat: float, speed: float) -> None:
        limit = self.limit_at(lon, lat)
        if speed > limit:
            ep = self.speeding
            if ep is None:
                ep = self.speeding = Episode(ViolationKind.SPEEDING, seq, at, at, seq, 0, 0.0, (), limit)
            ep.points += 1
            ep.ended_at, ep.last_seq = at, seq
            if speed > ep.peak:
                ep.peak, ep.peak_at, ep.limit = speed, (lon, lat), limit
        elif self.speeding is not None:
            self.episodes.append(self.speeding)
            self.speeding = None
        if self.track is None:
            return
        route = self.trip.route
        dist = self.track.distance(lon, lat, within=route.tolerance_m)
        if dist > route.tolerance_m:
            ep = self.off_route
            if ep is None:
                ep = self.off_route = Episode(ViolationKind.OFF_ROUTE, seq, at, at, seq, 0, 0.0, (),
                                              route.tolerance_m)
            ep.points += 1
            ep.ended_at, ep.last_seq = at, seq
            if dist > ep.peak:
                ep.peak, ep.peak_at = dist, (lon, lat)
        elif self.off_route is not None:
            self._close_off_route()

    def _close_off_route(self):
        ep, self.off_route = self.off_route, None
        if (ep.ended_at - ep.started_at).total_seconds() > self.trip.route.grace_seconds:
            self.episodes.append(ep)

    def finish(self) -> list[Episode]:
        if self.speeding is not None:
            self.episodes.append(self.speeding)
            self.speeding = None
        if self.off_route is not None:
            self._close_off_route()
        return sorted(self.episodes, key=lambda e: (e.started_at, e.kind))


def checker_for(trip: Trip) -> Checker:
    return Checker(trip=trip, track=services.route_track(trip.route), zones=list(trip.route.zones.all()))


# Cell parsers ---------------------------------------------------------------------------------

_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M",
                 "%Y/%m/%d %H:%M", "%Y%m%d%H%M%S", "%Y年%m月%d日 %H:%M:%S", "%Y.%m.%d %H:%M:%S")
_EXCEL_EPOCH = datetime.datetime(1899, 12, 30)


def parse_time(value, day: datetime.date, tz=None) -> datetime.datetime:
    """A fix time: a date-time cell, an Excel serial, text in the usual spellings, or a time of day
    (taken on the trip's date). Local time (Asia/Shanghai, or `tz`) unless the text carries an offset."""
    tz = tz or timezone.get_current_timezone()
    if isinstance(value, datetime.datetime):
        dt = value
    elif isinstance(value, datetime.time):
        dt = datetime.datetime.combine(day, value)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if 0 <= value < 1:
            dt = datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(days=value)
        elif 20000 < value < 80000:
            dt = _EXCEL_EPOCH + datetime.timedelta(days=value)
        else:
            raise ValueError(str(value))
        dt = dt.replace(microsecond=0)
    else:
        text = str(value or "").strip()
        if not text:
            raise ValueError("empty")
        dt = None
        try:
            dt = datetime.datetime.fromisoformat(text)
        except ValueError:
            for fmt in _TIME_FORMATS:
                try:
                    dt = datetime.datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
        if dt is None:
            try:
                dt = datetime.datetime.combine(day, datetime.time.fromisoformat(text))
            except ValueError as exc:
                raise ValueError(text) from exc
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=tz)  # zoneinfo: what timezone.make_aware does, without its look-ups
    return dt


_LABELS = {"lon": gettext_lazy("longitude"), "lat": gettext_lazy("latitude"), "speed": gettext_lazy("speed"),
           "heading": gettext_lazy("heading")}


def _number(value, key: str, low: float, high: float) -> float:
    """A number within [low, high]; the column's label is translated only for an error (per-row
    gettext calls cost more than the rest of the row)."""
    try:
        number = float(value) if isinstance(value, (int, float)) else float(str(value).strip())
    except (TypeError, ValueError) as exc:
        raise ValueError(_("%(col)s “%(value)s” is not a number") % {"col": _LABELS[key], "value": value}) from exc
    if not (low <= number <= high):
        raise ValueError(_("%(col)s %(value)s is outside %(low)s–%(high)s") % {
            "col": _LABELS[key], "value": value, "low": low, "high": high})
    return number


def _parse_row(values: dict, day: datetime.date, datum: str, tz=None):
    try:
        at = parse_time(values.get("at"), day, tz)
    except ValueError as exc:
        raise ValueError(_("the fix time “%(value)s” is not a date and time such as 2026-03-02 07:15:30")
                         % {"value": values.get("at") or ""}) from exc
    lon = _number(values.get("lon"), "lon", 73, 136)
    lat = _number(values.get("lat"), "lat", 3, 54)
    speed = _number(values.get("speed"), "speed", 0, 250)
    heading = values.get("heading")
    heading = None if heading in (None, "") else _number(heading, "heading", 0, 360)
    if datum == Datum.GCJ02:
        lon, lat = gcj02_to_wgs84(lon, lat)
    return at, lon, lat, speed, heading


# The import -----------------------------------------------------------------------------------


class PointWriter:
    """Writes a trip's points BATCH at a time: COPY on PostgreSQL (plain tuples, no model instances:
    most of the time per point went into building and preparing TrackPoint objects), bulk_create on
    other databases."""

    FIELDS = ("trip", "seq", "at", "longitude", "latitude", "speed", "heading")

    def __init__(self, trip_id: int):
        self.trip_id = trip_id
        self.rows: list[tuple] = []

    def add(self, seq, at, lon, lat, speed, heading) -> None:
        self.rows.append((self.trip_id, seq, at, lon, lat, speed, heading))
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        if connection.vendor == "postgresql":
            columns = ", ".join(TrackPoint._meta.get_field(name).column for name in self.FIELDS)
            with connection.cursor() as cursor, cursor.cursor.copy(
                    f"COPY {TrackPoint._meta.db_table} ({columns}) FROM STDIN") as copy:
                for row in self.rows:
                    copy.write_row(row)
        else:
            TrackPoint.objects.bulk_create([TrackPoint(trip_id=t, seq=n, at=at, longitude=x, latitude=y, speed=v,
                                                       heading=h) for t, n, at, x, y, v, h in self.rows])
        self.rows = []



@dataclass
class ImportOutcome:
    points: int
    episodes: list
    violations: list


def import_track(*, trip: Trip, fileobj, datum: str = Datum.WGS84, actor=None) -> ImportOutcome:
    """Read `fileobj` row by row into the trip's track, check it, open one violation (and one hazard)
    per episode. Raises TrackImportError (with every row error, up to MAX_ERRORS) or DomainError;
    nothing is saved then."""
    if actor is not None and not services.permissions.can_manage(actor, trip.organisation):
        raise DomainError(_("Only the school's transport officer (or, where there is none, its safety officer) "
                            "keeps the school bus records."))
    if datum not in (Datum.WGS84, Datum.GCJ02):
        raise DomainError(_("Declare the coordinates as WGS-84 or GCJ-02."))
    tz = timezone.get_current_timezone()
    try:
        table = stream_table(fileobj, columns=COLUMNS, max_bytes=getattr(settings, "GPS_IMPORT_MAX_BYTES", None))
    except ExcelError as exc:
        raise TrackImportError([exc.message]) from exc
    errors: list[str] = []
    with table, transaction.atomic():
        trip = Trip.objects.select_for_update().select_related("route", "vehicle", "organisation").get(pk=trip.pk)
        if trip.track_points or TrackPoint.objects.filter(trip=trip).exists():
            raise DomainError(_("This trip already has its GPS track (%(n)d points); a track is the evidence of "
                                "its violations and is not replaced.") % {"n": trip.track_points})
        checker = checker_for(trip)
        writer = PointWriter(trip.pk)
        seq = 0
        previous = None
        try:
            for row in table.rows:
                try:
                    at, lon, lat, speed, heading = _parse_row(row.values, trip.date, datum, tz)
                    if at.astimezone(tz).date() != trip.date:
                        raise ValueError(_("the fix time %(at)s is not on the trip's date %(date)s") % {
                            "at": at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"), "date": trip.date.isoformat()})
                    if previous is not None and at < previous:
                        raise ValueError(_("the fix time goes back in time (earlier than the row above); sort the "
                                           "file by time"))
                except ValueError as exc:
                    errors.append(_("Row %(n)d: %(error)s.") % {"n": row.number, "error": exc})
                    if len(errors) >= MAX_ERRORS:
                        errors.append(_("Stopped after %(n)d errors.") % {"n": MAX_ERRORS})
                        break
                    continue
                previous = at
                if errors:
                    continue  # keep reading for more row errors; nothing will be written
                seq += 1
                checker.feed(seq, at, lon, lat, speed)
                writer.add(seq, at, lon, lat, speed, heading)
        except ExcelError as exc:
            errors.append(exc.message)
        if not errors and seq == 0:
            errors.append(_("The file has a header row but no GPS points."))
        if errors:
            transaction.set_rollback(True)
            raise TrackImportError(errors)
        writer.flush()
        Trip.objects.filter(pk=trip.pk).update(track_points=seq)
        trip.track_points = seq
        episodes = checker.finish()
        violations = [record_episode(trip=trip, episode=ep, actor=actor)[0] for ep in episodes]
    return ImportOutcome(points=seq, episodes=episodes, violations=violations)


def record_episode(*, trip: Trip, episode: Episode, actor=None):
    tz = timezone.get_current_timezone()
    start = episode.started_at.astimezone(tz).strftime("%H:%M:%S")
    end = episode.ended_at.astimezone(tz).strftime("%H:%M:%S")
    lon, lat = episode.peak_at
    if episode.kind == ViolationKind.SPEEDING:
        evidence = _("Speeding from %(start)s to %(end)s (%(n)d GPS points): peak %(peak).1f km/h at "
                     "%(lon).6f, %(lat).6f where the limit is %(limit)d km/h (art. 35).") % {
            "start": start, "end": end, "n": episode.points, "peak": episode.peak, "lon": lon, "lat": lat,
            "limit": episode.limit}
    else:
        evidence = _("Off the approved route from %(start)s to %(end)s (%(n)d GPS points): up to %(peak).0f m "
                     "from it at %(lon).6f, %(lat).6f (tolerance %(limit)d m).") % {
            "start": start, "end": end, "n": episode.points, "peak": episode.peak, "lon": lon, "lat": lat,
            "limit": episode.limit}
    return services.violation_open(
        trip=trip, kind=episode.kind, key=f"{episode.kind}:{episode.first_seq}", evidence=evidence, actor=actor,
        started_at=episode.started_at, ended_at=episode.ended_at, first_seq=episode.first_seq,
        last_seq=episode.last_seq, points=episode.points, peak=episode.peak, limit=episode.limit)
