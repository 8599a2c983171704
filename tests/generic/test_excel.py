"""Tests for the shared Excel/CSV engine (pure Python, no database, no Django settings)."""

import ast
import io
import random
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from campaign_site.generic import excel
from campaign_site.generic.excel import (
    CellError,
    Column,
    ExcelError,
    parse_choice,
    parse_date,
    parse_decimal,
    parse_text,
    read_table,
    unescape_text,
    write_csv,
    write_xlsx,
)

HAZARD_COLUMNS = [
    Column("found_on", "排查时间", aliases=("检查时间", "发现时间")),
    Column("title", "隐患名称"),
    Column("level", "隐患等级"),
    Column("amount", "整改资金(元)", required=False),
    Column("note", "备注", required=False),
]


def make_xlsx(path: Path, rows: list[list], merge: str | None = None) -> Path:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    if merge:
        ws.merge_cells(merge)
    wb.save(path)
    return path


def read_path(path: Path, **kwargs) -> excel.Table:
    with path.open("rb") as f:
        return read_table(f, columns=kwargs.pop("columns", HAZARD_COLUMNS), **kwargs)


# --------------------------------------------------------------------------- header


def test_header_found_below_merged_title_and_blank_row(tmp_path):
    path = make_xlsx(
        tmp_path / "台账.xlsx",
        [
            ["XX学校安全隐患排查治理台账"],
            [],
            ["排查时间", "隐患名称", "隐患等级", "整改资金(元)", "备注"],
            [date(2019, 7, 15), "  实验室灭火器过期 ", "一般", 1200, None],
            [None, None, None, None, None],
            ["2019/7/16", "消防通道堵塞", "重大", None, "已上报"],
        ],
        merge="A1:E1",
    )
    table = read_path(path)
    assert table.header_row == 3
    assert [r.number for r in table.rows] == [4, 6]
    assert table.rows[0].values == {
        "found_on": date(2019, 7, 15),
        "title": "实验室灭火器过期",
        "level": "一般",
        "amount": 1200,
        "note": None,
    }
    assert table.rows[1].values["note"] == "已上报"


def test_shuffled_columns_extra_columns_aliases_and_messy_headers(tmp_path):
    path = make_xlsx(
        tmp_path / "x.xlsx",
        [
            [
                "序号",
                " 隐患\n名称 ",
                "整改资金（元）",
                "责任人",
                "隐患　等级",
                "*检查时间",
            ],
            [1, "围墙开裂", "3,000", "张三", "一般", "2019.7.15"],
            [2, None, None, None, None, None],  # pre-numbered empty template row
        ],
    )
    table = read_path(path)
    assert table.header_row == 1
    assert len(table.rows) == 1
    assert table.rows[0].values == {
        "found_on": "2019.7.15",
        "title": "围墙开裂",
        "level": "一般",
        "amount": "3,000",
        "note": None,  # optional column absent from the file
    }
    assert table.present_keys == {"found_on", "title", "level", "amount"}


def test_missing_required_column_message_lists_headers(tmp_path):
    path = make_xlsx(
        tmp_path / "x.xlsx", [["标题"], ["隐患等级", "备注"], ["一般", "x"]]
    )
    with pytest.raises(ExcelError) as info:
        read_path(path)
    assert info.value.message == (
        "缺少必填列：排查时间、隐患名称。"
        "表头应包含：排查时间、隐患名称、隐患等级、整改资金(元)、备注（已将第 2 行识别为表头）。"
    )


def test_no_header_at_all(tmp_path):
    path = make_xlsx(tmp_path / "x.xlsx", [["姓名", "电话"], ["张三", "123"]])
    with pytest.raises(
        ExcelError, match="没有找到表头.*表头应包含：排查时间、隐患名称"
    ):
        read_path(path)


def test_max_rows_exceeded(tmp_path):
    rows = [["排查时间", "隐患名称", "隐患等级"]] + [
        ["2019-07-15", f"隐患{i}", "一般"] for i in range(6)
    ]
    path = make_xlsx(tmp_path / "x.xlsx", rows)
    assert len(read_path(path, max_rows=6).rows) == 6
    with pytest.raises(ExcelError, match="数据超过 5 行的上限"):
        read_path(path, max_rows=5)


def test_only_first_worksheet_is_read(tmp_path):
    wb = Workbook()
    wb.active.append(["排查时间", "隐患名称", "隐患等级"])
    wb.active.append(["2019-07-15", "第一张表", "一般"])
    other = wb.create_sheet("说明")
    other.append(["排查时间", "隐患名称", "隐患等级"])
    other.append(["2019-07-15", "第二张表", "一般"])
    wb.save(tmp_path / "x.xlsx")
    table = read_path(tmp_path / "x.xlsx")
    assert [r.values["title"] for r in table.rows] == ["第一张表"]


def test_ten_thousand_rows_twelve_columns(tmp_path):
    headers = ["排查时间", "隐患名称", "隐患等级"] + [f"列{i}" for i in range(9)]
    rows = [[date(2020, 1, 1), f"隐患{i}", "一般", *range(9)] for i in range(10_000)]
    path = tmp_path / "big.xlsx"
    with path.open("wb") as f:
        write_xlsx(f, headers=headers, rows=iter(rows))
    columns = HAZARD_COLUMNS[:3] + [Column(f"c{i}", f"列{i}") for i in range(9)]
    table = read_path(path, columns=columns)
    assert len(table.rows) == 10_000
    assert table.rows[-1].number == 10_001
    assert table.rows[-1].values["title"] == "隐患9999"
    assert table.rows[-1].values["c8"] == 8


# --------------------------------------------------------------------------- file type / size


PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
RANDOM_BYTES = random.Random(20190715).randbytes(4096)


@pytest.mark.parametrize(
    "content", [PDF_BYTES, PNG_BYTES, RANDOM_BYTES], ids=["pdf", "png", "random"]
)
def test_non_excel_content_with_xlsx_name_is_refused(tmp_path, content):
    path = tmp_path / "隐患台账.xlsx"
    path.write_bytes(content)
    with pytest.raises(ExcelError) as info:
        read_path(path)
    assert (
        info.value.message
        == "文件不是有效的 Excel（.xlsx）或 CSV 文件，请另存为 .xlsx 后重新上传。"
    )


def test_old_xls_gets_save_as_xlsx_advice(tmp_path):
    path = tmp_path / "台账.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    with pytest.raises(ExcelError, match=r"旧版 Excel（\.xls）.*另存为 \.xlsx"):
        read_path(path)


def test_corrupt_and_non_excel_zip_are_refused(tmp_path):
    good = make_xlsx(tmp_path / "good.xlsx", [["排查时间", "隐患名称", "隐患等级"]])
    truncated = good.read_bytes()[:300]
    other_zip = io.BytesIO()
    with zipfile.ZipFile(other_zip, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    for data in (truncated, other_zip.getvalue()):
        with pytest.raises(ExcelError) as info:
            read_table(io.BytesIO(data), columns=HAZARD_COLUMNS)
        assert info.value.message.startswith("文件已损坏，无法作为 Excel（.xlsx）读取")


def test_oversize_file_is_refused_with_sizes(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"a" * (11 * 1024 * 1024))
    with pytest.raises(ExcelError) as info:
        read_path(path)
    assert info.value.message == "文件过大（11 MB），上限为 10 MB。"
    with pytest.raises(ExcelError, match=r"文件过大（0\.1 MB），上限为 0\.1 MB"):
        read_table(b"x" * 100_000, columns=HAZARD_COLUMNS, max_bytes=100_000 - 1)


def test_upload_already_partly_read_is_read_from_the_start():
    upload = io.BytesIO(
        "排查时间,隐患名称,隐患等级\n2019-07-15,电线裸露,一般\n".encode()
    )
    upload.read(10)  # e.g. a content-type sniffer ran first
    table = read_table(upload, columns=HAZARD_COLUMNS)
    assert table.rows[0].values["title"] == "电线裸露"


def test_empty_file():
    with pytest.raises(ExcelError, match="文件是空的"):
        read_table(io.BytesIO(b""), columns=HAZARD_COLUMNS)


# --------------------------------------------------------------------------- csv input


def test_csv_in_gb18030_with_title_row(tmp_path):
    text = (
        "XX学校安全隐患排查治理台账,,\r\n"
        "隐患名称,发现时间,隐患等级\r\n"
        "食堂燃气管老化,2019年7月15日,重大\r\n"
    )
    data = text.encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    path = tmp_path / "台账.csv"
    path.write_bytes(data)
    table = read_path(path)
    assert table.header_row == 2
    assert table.rows[0].number == 3
    assert table.rows[0].values["title"] == "食堂燃气管老化"
    assert parse_date(table.rows[0].values["found_on"]) == date(2019, 7, 15)


def test_csv_utf8_with_bom_and_semicolons():
    data = "\ufeff排查时间;隐患名称;隐患等级\n2019-07-15;楼梯扶手松动;一般\n".encode()
    table = read_table(io.BytesIO(data), columns=HAZARD_COLUMNS)
    assert table.rows[0].values["title"] == "楼梯扶手松动"


# --------------------------------------------------------------------------- cell parsers


@pytest.mark.parametrize(
    "value",
    [
        "2019.7.15",
        "2019/7/15",
        "2019-07-15",
        "2019年7月15日",
        "2019年07月15号",
        "20190715",
        "  2019-07-15 \n",
        "２０１９／７／１５",
        "2019-07-15 00:00:00",
        43661,
        43661.75,
        20190715,
        date(2019, 7, 15),
        datetime(2019, 7, 15, 9, 30),
    ],
)
def test_parse_date_accepts_common_formats(value):
    assert parse_date(value) == date(2019, 7, 15)


def test_datetime_cell_in_xlsx_reads_as_date(tmp_path):
    path = make_xlsx(
        tmp_path / "x.xlsx",
        [
            ["排查时间", "隐患名称", "隐患等级"],
            [datetime(2019, 7, 15), "a", "一般"],
            [datetime(2019, 7, 15, 8, 30), "b", "一般"],
            [43661, "c", "一般"],
        ],
    )
    rows = read_path(path).rows
    assert rows[0].values["found_on"] == date(2019, 7, 15)
    assert rows[1].values["found_on"] == datetime(2019, 7, 15, 8, 30)
    assert {parse_date(r.values["found_on"]) for r in rows} == {date(2019, 7, 15)}


@pytest.mark.parametrize("value", ["2019 7 15", "15/7/2019", "昨天", 5, True])
def test_parse_date_bad_value_message(value):
    with pytest.raises(CellError) as info:
        parse_date(value)
    shown = str(value).strip()
    assert info.value.message == (
        f"日期“{shown}”无法识别，请写成 2019-07-15、2019/7/15、2019.7.15 或 2019年7月15日"
    )


def test_parse_date_impossible_and_blank():
    with pytest.raises(
        CellError, match="日期“2019-02-30”不存在，请检查年、月、日是否正确"
    ):
        parse_date("2019-02-30")
    with pytest.raises(CellError, match="日期“20191301”不存在"):
        parse_date("20191301")
    with pytest.raises(CellError, match="请填写日期"):
        parse_date("  ")


def test_parse_decimal():
    assert parse_decimal("1,234.50") == Decimal("1234.50")
    assert parse_decimal("1234.5元") == Decimal("1234.5")
    assert parse_decimal(" ￥８８ ") == Decimal(88)
    assert parse_decimal(3) == Decimal(3)
    assert parse_decimal(0.1) == Decimal("0.1")
    with pytest.raises(
        CellError, match="“一千”不是有效的数字，请只填写数字，如 1234.5"
    ):
        parse_decimal("一千")
    for bad in ("NaN", "1.2.3", "5%", True):
        with pytest.raises(CellError, match="不是有效的数字"):
            parse_decimal(bad)
    with pytest.raises(CellError, match="数值 -3 不能小于 0"):
        parse_decimal("-3", min_value=0)
    with pytest.raises(CellError, match="请填写数字"):
        parse_decimal(None)


def test_parse_choice_case_insensitive_and_lists_labels():
    choices = {"一般": "minor", "重大": "major", "Minor": "minor", "Major": "major"}
    assert parse_choice(" 重大 ", choices) == "major"
    assert parse_choice("MINOR", choices) == "minor"
    with pytest.raises(CellError) as info:
        parse_choice("严重", choices)
    assert (
        info.value.message
        == "“严重”不是可选项，请填写以下之一：一般、重大、Minor、Major。"
    )


def test_parse_text():
    assert parse_text("  围墙开裂 ", max_length=10) == "围墙开裂"
    assert parse_text(13800138000.0) == "13800138000"  # phone typed as number in Excel
    assert parse_text(None) == ""
    with pytest.raises(CellError, match="此项为必填，请填写"):
        parse_text(" ", required=True)
    with pytest.raises(CellError, match="内容过长（6 字），最多 5 字"):
        parse_text("一二三四五六", max_length=5)


def test_unescape_text():
    assert unescape_text("'=SUM(A1:A3)") == "=SUM(A1:A3)"
    assert unescape_text("'-5") == "-5"
    assert unescape_text("'@cmd") == "@cmd"
    assert unescape_text("'普通文本") == "'普通文本"
    assert unescape_text(5) == 5


# --------------------------------------------------------------------------- writers


DANGEROUS = [
    "=1+2",
    "+SUM(A1)",
    "-2+3",
    "@SUM(A1)",
    '=HYPERLINK("http://x","点我")',
    "#N/A",
]


def test_xlsx_formula_looking_strings_are_written_as_text(tmp_path):
    path = tmp_path / "out.xlsx"
    with path.open("wb") as f:
        write_xlsx(f, headers=["内容"], rows=([s] for s in DANGEROUS))
    with zipfile.ZipFile(path) as z:
        sheet_xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    ws = load_workbook(path).active
    cells = [ws.cell(row=i, column=1) for i in range(2, 2 + len(DANGEROUS))]
    assert [c.value for c in cells] == DANGEROUS
    assert {c.data_type for c in cells} == {"s"}


def test_xlsx_layout_title_header_dates(tmp_path):
    path = tmp_path / "out.xlsx"
    with path.open("wb") as f:
        write_xlsx(
            f,
            headers=["排查时间", "隐患名称", "整改资金(元)"],
            rows=[[date(2019, 7, 15), "围墙开裂", Decimal("1200.50")]],
            title="XX学校安全隐患排查治理台账",
            sheet_name="隐患台账",
            column_widths=[14, None, 12],
        )
    ws = load_workbook(path).active
    assert ws.title == "隐患台账"
    assert ws["A1"].value == "XX学校安全隐患排查治理台账"
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:C1"]
    assert (
        ws["A1"].font.b
        and ws["A2"].font.b
        and ws["A2"].fill.fgColor.rgb.endswith("DDEBF7")
    )
    assert ws.freeze_panes == "A3"
    assert ws["A3"].number_format == "yyyy-mm-dd" and ws["A3"].is_date
    assert ws["C3"].data_type == "n" and ws["C3"].value == 1200.5
    assert ws.column_dimensions["A"].width == 14


def test_xlsx_round_trip(tmp_path):
    headers = ["排查时间", "隐患名称", "隐患等级", "整改资金(元)", "备注"]
    source = [
        [date(2019, 7, 15), "实验室灭火器过期", "一般", Decimal(1200), "=不是公式"],
        [datetime(2020, 2, 29), "-", "重大", 0.5, None],
        [date(2021, 12, 31), "'引号开头", "一般", 7, "多行\n备注"],
    ]
    path = tmp_path / "rt.xlsx"
    with path.open("wb") as f:
        write_xlsx(f, headers=headers, rows=(row for row in source), title="台账")
    table = read_path(path)
    assert table.header_row == 2
    got = [list(r.values.values()) for r in table.rows]
    assert got == [
        [date(2019, 7, 15), "实验室灭火器过期", "一般", 1200, "=不是公式"],
        [date(2020, 2, 29), "-", "重大", 0.5, None],
        [date(2021, 12, 31), "'引号开头", "一般", 7, "多行\n备注"],
    ]


def test_csv_export_escapes_formulas_and_has_bom():
    buf = io.StringIO()
    write_csv(
        buf,
        headers=["隐患名称", "数量", "日期"],
        rows=iter(
            [
                ["=1+2", -5, date(2019, 7, 15)],
                ["+86 电话", Decimal("1.50"), None],
                ["@x", "-3", "\t制表"],
            ]
        ),
    )
    text = buf.getvalue()
    assert text.startswith("\ufeff隐患名称,数量,日期\r\n")
    assert text.splitlines()[1:] == [
        "'=1+2,-5,2019-07-15",
        "'+86 电话,1.50,",
        "'@x,'-3,'\t制表",
    ]


def test_csv_round_trip_through_reader():
    buf = io.StringIO()
    write_csv(
        buf,
        headers=["隐患名称", "排查时间", "隐患等级"],
        rows=[["=危险", date(2019, 7, 15), "一般"]],
    )
    table = read_table(
        io.BytesIO(buf.getvalue().encode("utf-8")), columns=HAZARD_COLUMNS
    )
    values = table.rows[0].values
    assert unescape_text(values["title"]) == "=危险"
    assert parse_date(values["found_on"]) == date(2019, 7, 15)


def test_module_has_no_django_imports():
    tree = ast.parse(Path(excel.__file__).read_text(encoding="utf-8"))
    imported = [
        alias.name if isinstance(node, ast.Import) else node.module or ""
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    ]
    assert not [name for name in imported if name.startswith("django")]


# --------------------------------------------------------------------------- hostile files


def _hostile_xlsx(tmp_path: Path, filler: bytes, count: int) -> Path:
    """A real workbook (header + one data row) whose sheet is followed by `count` copies of
    `filler`: megabytes of XML, a few kilobytes on disk."""
    source = make_xlsx(
        tmp_path / "source.xlsx",
        [["排查时间", "隐患名称", "隐患等级"], ["2019-07-15", "消防通道堵塞", "一般"]],
    )
    target = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(
        target, "w", zipfile.ZIP_DEFLATED
    ) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(info, data)
                continue
            head, tail = data.split(b"</sheetData>")
            with dst.open("xl/worksheets/sheet1.xml", "w") as out:
                out.write(head)
                step = min(count, 100_000)
                for _ in range(count // step):
                    out.write(filler * step)
                out.write(b"</sheetData>" + tail)
    return target


@pytest.mark.parametrize(
    "filler",
    [b"<row/>", b'<row r="3"/>', b'<row r="3" spans="1:3" ht="15"><c r="Z3"/></row>'],
    ids=["empty-rows", "repeated-row-number", "repeated-styled-row"],
)
def test_millions_of_empty_rows_stop_at_the_row_limit(tmp_path, filler):
    path = _hostile_xlsx(tmp_path, filler, 1_000_000)
    assert path.stat().st_size < 200_000  # small on disk; 6 to 50 MB of XML inside
    with pytest.raises(ExcelError, match="数据超过 1000 行的上限.*包括空行"):
        read_path(path, max_rows=1000)


def test_a_far_away_row_number_counts_the_rows_in_between(tmp_path):
    # Without the count, the 5,000,000 rows in the gap would each be produced and skipped.
    path = _hostile_xlsx(
        tmp_path,
        b'<row r="5000000"><c r="A5000000" t="inlineStr"><is><t>x</t></is></c></row>',
        100_000,
    )
    with pytest.raises(ExcelError, match="数据超过 1000 行的上限"):
        read_path(path, max_rows=1000)


def test_empty_rows_below_the_data_are_fine_within_the_limit(tmp_path):
    path = _hostile_xlsx(tmp_path, b"<row/>", 5_000)
    with pytest.raises(ExcelError):
        read_path(path, max_rows=1000)
    # the same file is read when the limit allows for its rows (the one data row is found)
    table = read_path(path, max_rows=10_000)
    assert [r.values["title"] for r in table.rows] == ["消防通道堵塞"]


def test_cells_far_to_the_right_are_ignored(tmp_path):
    path = _hostile_xlsx(tmp_path, b'<row><c r="XFD9" t="inlineStr"><is><t>x</t></is></c></row>', 2_000)
    table = read_path(path, max_rows=10_000)
    assert len(table.rows) == 1
