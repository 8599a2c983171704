"""GPS exports for tests: rows along factories.TRACK (east along latitude 34.78), 1 s apart."""
import datetime as dt
import io

from . import factories as bf

START = dt.datetime(2026, 3, 2, 7, 0, 0)
LAT = bf.TRACK[0][1]


def rows(speeds, *, lat_offsets=None, start=START, lon0=113.7400, step=0.0001):
    """(time, lon, lat, speed) per point; lat_offsets moves single points off the road (degrees)."""
    out = []
    for i, speed in enumerate(speeds):
        off = (lat_offsets or {}).get(i, 0.0)
        out.append((start + dt.timedelta(seconds=i), round(lon0 + i * step, 6), LAT + off, speed))
    return out


def csv_bytes(points, headers=("定位时间", "经度", "纬度", "速度", "方向"), encoding="utf-8-sig"):
    lines = [",".join(headers)]
    for at, lon, lat, speed in points:
        lines.append(f"{at:%Y-%m-%d %H:%M:%S},{lon:.6f},{lat:.6f},{speed},90")
    return io.BytesIO(("\n".join(lines) + "\n").encode(encoding))


def xlsx_bytes(points, headers=("定位时间", "经度", "纬度", "速度"), write_only=False):
    """write_only: as openpyxl's write-only mode (and many terminals) write it, without <dimension>."""
    from openpyxl import Workbook

    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("轨迹") if write_only else wb.active
    ws.append(["校车定位数据导出"])  # a title row above the header, as terminals write
    ws.append(list(headers))
    for at, lon, lat, speed in points:
        ws.append([at, lon, lat, speed])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf
