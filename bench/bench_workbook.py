"""The bureau's monthly statistics workbook for 3,000 schools, against openpyxl writing the same cells.

    .venv/bin/python bench/bench_workbook.py [--schools 3000] [--db /tmp/bench_workbook.sqlite3]

On its own SQLite database (made fresh: migrate, a district with N schools through the service, a
campaign asking for monthly reports, accepted reports with frozen figures for 90 % of the schools,
the rest missing, so every school is a row of the statistics sheet and missing ones of the late sheet),
then in the same run:
1. build_workbook(bureau, campaign, month): queries, styles, merged header, totals, three sheets;
2. the floor: openpyxl in write-only mode writing exactly the cells build_workbook wrote (read back
   from its file beforehand), as plain values without styles.
Time: median of 3 runs each; peak memory: tracemalloc's peak in one further run of each.
"""
from __future__ import annotations

import argparse
import datetime
import io
import os
import random
import time
import tracemalloc

from _setup import django_setup, median, ms

MONTH = datetime.date(2026, 4, 1)


def setup(schools: int):
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from campaign_site.accounts.models import OrgKind
    from campaign_site.accounts.services import organisation_create
    from campaign_site.campaigns.models import Campaign, CampaignStatus, Deadline, DeadlineKind
    from reports.models import MonthlyReport, ReportStatus
    from reports.statistics import FIGURES, MANUAL

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    rng = random.Random(7)
    with transaction.atomic():
        city = organisation_create(name="基准市教育局", code="WCITY", kind=OrgKind.CITY_BUREAU)
        district = organisation_create(name="基准区教育局", code="WDIST", kind=OrgKind.DISTRICT_BUREAU, parent=city)
        made = [organisation_create(name=f"基准区第{n + 1}学校", code=f"WS{n:05d}", kind=OrgKind.SCHOOL,
                                    parent=district, school_type="primary") for n in range(schools)]
        campaign = Campaign.objects.create(organisation=district, title="校园安全隐患排查整治攻坚行动",
                                           start=datetime.date(2026, 3, 1), end=datetime.date(2026, 12, 31),
                                           status=CampaignStatus.ACTIVE, issuer_name=district.name)
        Deadline.objects.create(campaign=campaign, kind=DeadlineKind.MONTHLY_REPORT, name="报送月报", day_of_month=10)
        submitted = timezone.make_aware(datetime.datetime(2026, 5, 8, 9, 30))
        reports = []
        for n, school in enumerate(made):
            if n % 10 == 9:
                continue  # missing
            figures = {f.key: rng.randint(0, 40) for f in FIGURES if not f.manual}
            found = rng.randint(1, 60)
            closed = rng.randint(0, found)
            figures.update(funds=round(rng.uniform(0, 50000), 2), rate_found=found, rate_closed=closed,
                           rectification_rate=round(100 * closed / found, 1))
            reports.append(MonthlyReport(
                organisation=school, campaign=campaign, month=MONTH, due_date=datetime.date(2026, 4, 10),
                status=ReportStatus.ACCEPTED, figures=figures, figures_at=submitted,
                manual_figures={f.key: rng.randint(0, 5) for f in MANUAL},
                submitted_at=submitted, first_submitted_at=submitted - datetime.timedelta(days=n % 60)))
        MonthlyReport.objects.bulk_create(reports, batch_size=500)
    print(f"set-up: {schools:,} schools, {len(reports):,} accepted reports in {time.perf_counter() - t0:.1f} s")
    return district, campaign


def floor(sheets: list[tuple[str, list[tuple]]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for name, rows in sheets:
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def peak(fn) -> int:
    tracemalloc.start()
    tracemalloc.reset_peak()
    fn()
    _current, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return top


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=3000)
    parser.add_argument("--db", default="/tmp/bench_workbook.sqlite3")
    parser.add_argument("--reuse", action="store_true", help="measure on the database of an earlier run")
    args = parser.parse_args()
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(args.db + suffix) and not args.reuse:
            os.remove(args.db + suffix)
    django_setup(f"sqlite:///{args.db}")
    from openpyxl import load_workbook

    from reports.workbook import build_workbook

    if args.reuse:
        from campaign_site.accounts.models import Organisation
        from campaign_site.campaigns.models import Campaign

        district = Organisation.objects.get(code="WDIST")
        campaign = Campaign.objects.get(organisation=district)
    else:
        district, campaign = setup(args.schools)
    now = datetime.datetime(2026, 5, 20, 10, tzinfo=datetime.UTC)
    data = build_workbook(district, campaign, MONTH, now=now)
    book = load_workbook(io.BytesIO(data), read_only=True)
    sheets = [(ws.title, [tuple(r) for r in ws.iter_rows(values_only=True)]) for ws in book.worksheets]
    book.close()
    cells = sum(sum(v is not None for v in row) for _name, rows in sheets for row in rows)
    print(f"workbook: {len(data) / 1024:.0f} KiB, {cells:,} non-empty cells, "
          + ", ".join(f"{name} {len(rows):,} rows" for name, rows in sheets))

    times_wb, times_floor = [], []
    for _i in range(3):
        t = time.perf_counter()
        build_workbook(district, campaign, MONTH, now=now)
        times_wb.append(time.perf_counter() - t)
        t = time.perf_counter()
        floor(sheets)
        times_floor.append(time.perf_counter() - t)
    peak_wb = peak(lambda: build_workbook(district, campaign, MONTH, now=now))
    peak_floor = peak(lambda: floor(sheets))
    wb_t, fl_t = median(times_wb), median(times_floor)
    print(f"{'':28}{'time (median of 3)':>20}{'peak memory':>14}")
    print(f"{'build_workbook':28}{ms(wb_t):>20}{peak_wb / 2**20:>11.1f} MiB")
    print(f"{'openpyxl write-only floor':28}{ms(fl_t):>20}{peak_floor / 2**20:>11.1f} MiB")
    print(f"ratio: time {wb_t / fl_t:.2f}x, peak memory {peak_wb / peak_floor:.2f}x (goal <= 3x)")


if __name__ == "__main__":
    main()
