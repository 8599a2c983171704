"""excel.stream_table: the same header detection as read_table, read row by row (no database)."""
import io
from datetime import datetime

import pytest
from openpyxl import Workbook

from campaign_site.generic.excel import Column, ExcelError, stream_table

COLUMNS = [Column("at", "定位时间", aliases=("time",)), Column("speed", "速度", aliases=("speed",)),
           Column("note", "备注", required=False)]


def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def test_csv_rows_with_excel_numbers_and_blank_rows_skipped():
    data = io.BytesIO("导出时间：2026-03-02\n定位时间,速度\n07:00:00,30\n,\n07:00:01,31\n".encode("gb18030"))
    with stream_table(data, columns=COLUMNS) as table:
        assert table.header_row == 2 and table.present_keys == {"at", "speed"}
        rows = [(r.number, r.values) for r in table.rows]
    assert rows == [(3, {"at": "07:00:00", "speed": "30", "note": None}),
                    (5, {"at": "07:00:01", "speed": "31", "note": None})]


def test_xlsx_keeps_datetimes_and_english_headers():
    data = _xlsx([["Time", "Speed"], [datetime(2026, 3, 2, 7, 0), 30], [datetime(2026, 3, 2, 0, 0), 0]])
    with stream_table(data, columns=COLUMNS) as table:
        values = [r.values for r in table.rows]
    assert values[0]["at"] == datetime(2026, 3, 2, 7, 0) and values[0]["speed"] == 30
    assert values[1]["at"] == datetime(2026, 3, 2, 0, 0)  # a midnight fix stays a date-time


def test_rows_are_read_lazily():
    lines = ["定位时间,速度"] + [f"07:00:{i % 60:02d},{i}" for i in range(1000)]
    data = io.BytesIO("\n".join(lines).encode())
    table = stream_table(data, columns=COLUMNS)
    first = next(table.rows)
    assert first.values["speed"] == "0"
    assert data.tell() < len(data.getvalue())  # the rest of the file has not been read yet
    assert sum(1 for _ in table.rows) == 999
    table.close()


@pytest.mark.parametrize("content, words", [
    (b"", "\u6587\u4ef6\u662f\u7a7a\u7684"),  # 文件是空的
    ("定位时间,备注\n07:00,x\n".encode(), "缺少必填列：速度"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "旧版 Excel"),
    (b"%PDF-1.4 ...", "不是有效的"),
])
def test_file_errors(content, words):
    with pytest.raises(ExcelError, match=words):
        stream_table(io.BytesIO(content), columns=COLUMNS)


def test_size_limit():
    data = io.BytesIO(("定位时间,速度\n" + "07:00:00,30\n" * 200).encode())
    with pytest.raises(ExcelError, match="文件过大"):
        stream_table(data, columns=COLUMNS, max_bytes=1000)
