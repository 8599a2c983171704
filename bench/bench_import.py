"""Importing a 10,000-row Excel hazard register, against the floor of openpyxl merely reading it.

    .venv/bin/python bench/bench_import.py [--rows 10000]

Writes a ledger in the usual layout (title row, Chinese header, four date spellings, names of
the school's staff), then in the same run:
1. the floor: openpyxl reading every row of the file in read-only mode;
2. the preview: LedgerImporter.run(dry_run=True) (reading, parsing, per-row checks, lookups);
3. the import: LedgerImporter.run(dry_run=False) (all of the above + hazard_import_ledger: bulk
   inserts of hazards, their history and timeline entries, in one transaction);
4. the re-import of the same file (every row skipped as already imported).
A fresh school is created for each run, so the figures do not depend on earlier runs.
"""
from __future__ import annotations

import argparse
import datetime
import io
import time
import uuid

from _setup import django_setup


def build_file(rows: int, people: list[str]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("台账")
    ws.append(["某校安全隐患排查治理台账"])
    ws.append(["序号", "排查时间", "排查人", "隐患部位", "隐患名称", "隐患等级", "治理措施", "完成时限", "责任部门",
               "责任人", "复查人", "复查结果"])
    start = datetime.date(2019, 1, 1)
    spellings = [lambda d: d, lambda d: f"{d.year}.{d.month}.{d.day}", lambda d: f"{d.year}/{d.month}/{d.day}",
                 lambda d: f"{d.year}年{d.month}月{d.day}日"]
    for n in range(rows):
        found = start + datetime.timedelta(days=n % 1800)
        deadline = found + datetime.timedelta(days=7)
        spell = spellings[n % 4]
        ws.append([n + 1, spell(found), people[n % len(people)], f"教学楼{n % 50}室", f"隐患{n}", "重大" if n % 50 == 0 else "一般",
                   "立即整改", spell(deadline), "总务处", people[(n + 1) % len(people)],
                   people[(n + 2) % len(people)] if n % 3 else "", "合格" if n % 3 else ""])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    django_setup()

    from django.conf import settings
    from django.db import connection
    from openpyxl import load_workbook

    from campaign_site.accounts.models import Department, Organisation, OrgKind, Person
    from campaign_site.accounts.services import organisation_create
    from hazards.ledger import LedgerImporter, skipped_count
    from hazards.models import Hazard

    settings.IMPORT_MAX_BYTES = 50 * 1024 * 1024
    bureau = Organisation.objects.filter(kind=OrgKind.DISTRICT_BUREAU).first() or organisation_create(
        name="基准导入区教育局", code=f"BI{uuid.uuid4().hex[:8]}", kind=OrgKind.DISTRICT_BUREAU)
    school = organisation_create(name="基准导入学校", code=f"BIS{uuid.uuid4().hex[:10]}", kind=OrgKind.SCHOOL,
                                 parent=bureau, school_type="primary")
    dept = Department.objects.create(organisation=school, name="总务处")
    names = [f"教师{i}" for i in range(40)]
    Person.objects.bulk_create([Person(organisation=school, name=n, department=dept) for n in names])
    data = build_file(args.rows, names)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; "
          f"file: {args.rows:,} rows, {len(data) / 1024:.0f} KiB")

    start = time.perf_counter()
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    count = sum(1 for _row in wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    floor = time.perf_counter() - start

    def run(dry_run):
        importer = LedgerImporter(user=None, options={"school": school, "create_missing": False})
        t = time.perf_counter()
        result = importer.run(io.BytesIO(data), dry_run=dry_run)
        return time.perf_counter() - t, result

    preview_time, preview = run(True)
    assert not preview.error_rows and not preview.file_error, (preview.file_error, preview.error_rows[:3])
    import_time, result = run(False)
    assert result.saved == args.rows, (result.saved, result.file_error)
    again_time, again = run(False)
    assert again.saved == 0 and skipped_count(again) == args.rows

    def line(label, seconds):
        print(f"  {label:<44} {seconds:7.2f} s  {args.rows / seconds:10,.0f} rows/s  {seconds / floor:5.1f}x floor")

    print(f"  {'openpyxl read-only read (the floor)':<44} {floor:7.2f} s  {count / floor:10,.0f} rows/s")
    line("preview (read + parse + checks)", preview_time)
    line("import (preview + bulk insert, one transaction)", import_time)
    line("re-import (all rows skipped)", again_time)
    print(f"  hazards now in the school: {Hazard.objects.filter(organisation=school).count():,}; "
          f"history rows: {Hazard.history.filter(organisation_id=school.pk).count():,}")


if __name__ == "__main__":
    main()
