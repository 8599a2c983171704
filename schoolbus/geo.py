"""Coordinates: GCJ-02 (the "Mars" datum of Chinese map services) to WGS-84, distances in metres,
and the distance of a point from a route's track. Pure Python, no Django."""
from __future__ import annotations

import math
from collections.abc import Sequence

EARTH_RADIUS_M = 6371008.8
# Krasovsky 1940 ellipsoid, as used by the GCJ-02 offset.
_A = 6378245.0
_EE = 0.00669342162296594323


def _outside_china(lon: float, lat: float) -> bool:
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _offset(lon: float, lat: float) -> tuple[float, float]:
    x, y = lon - 105.0, lat - 35.0
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
            + (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
            + (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
            + (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0)
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
            + (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
            + (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
            + (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0)
    rad = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad) ** 2
    sqrt_magic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * math.cos(rad) * math.pi)
    return dlon, dlat


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    if _outside_china(lon, lat):
        return lon, lat
    dlon, dlat = _offset(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """Inverse of the GCJ-02 offset by fixed-point iteration (better than 1 cm inside China)."""
    if _outside_china(lon, lat):
        return lon, lat
    wlon, wlat = lon, lat
    for _ in range(10):
        glon, glat = wgs84_to_gcj02(wlon, wlat)
        dlon, dlat = glon - lon, glat - lat
        wlon, wlat = wlon - dlon, wlat - dlat
        if abs(dlon) < 1e-9 and abs(dlat) < 1e-9:
            break
    return wlon, wlat


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance (haversine) in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


class Track:
    """A route's polyline projected once to local metres (equirectangular around its centre:
    well under 0.5 % error over a school district), for fast point-to-track distances.

    `distance(lon, lat)` starts from the segment nearest the previous point, so following a
    track costs O(1) per point; only a point off the route scans all segments."""

    def __init__(self, coords: Sequence[Sequence[float]]):
        self.coords = [(float(c[0]), float(c[1])) for c in coords]
        if not self.coords:
            raise ValueError("empty track")
        self.lat0 = sum(c[1] for c in self.coords) / len(self.coords)
        self.kx = math.radians(1) * EARTH_RADIUS_M * math.cos(math.radians(self.lat0))
        self.ky = math.radians(1) * EARTH_RADIUS_M
        self.xy = [self.project(lon, lat) for lon, lat in self.coords]
        self.segments = list(zip(self.xy, self.xy[1:], strict=False)) or [(self.xy[0], self.xy[0])]
        self._hint = 0

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        return lon * self.kx, lat * self.ky

    @staticmethod
    def _seg_distance(px, py, a, b) -> float:
        (ax, ay), (bx, by) = a, b
        dx, dy = bx - ax, by - ay
        length2 = dx * dx + dy * dy
        t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
        ex, ey = ax + t * dx - px, ay + t * dy - py
        return math.sqrt(ex * ex + ey * ey)

    def distance(self, lon: float, lat: float, *, within: float | None = None) -> float:
        """Metres from the track. With `within`, returns as soon as a segment near the last
        match is closer than that (enough to know the point is on the route)."""
        px, py = self.project(lon, lat)
        segs = self.segments
        n = len(segs)
        best, best_i = math.inf, self._hint
        # Look around the previous match first.
        for i in range(max(0, self._hint - 2), min(n, self._hint + 4)):
            d = self._seg_distance(px, py, *segs[i])
            if d < best:
                best, best_i = d, i
        if within is None or best > within:
            for i in range(n):
                d = self._seg_distance(px, py, *segs[i])
                if d < best:
                    best, best_i = d, i
        self._hint = best_i
        return best
