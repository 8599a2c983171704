"""Shared engine for every Excel (.xlsx) / CSV import and export.

Pure Python on top of openpyxl: no Django imports, so it can be used (and tested)
without settings. Error messages are meant for end users and are in Chinese.

Reading::

    table = read_table(upload, columns=[
        Column("found_on", "排查时间", aliases=("检查时间", "发现时间")),
        Column("title", "隐患名称"),
        Column("note", "备注", required=False),
    ])
    for row in table.rows:
        try:
            found_on = parse_date(row.values["found_on"])
        except CellError as exc:
            errors.append(f"第 {row.number} 行“排查时间”：{exc.message}")

``Column.required`` means the column must be present in the header; whether a cell
may be empty is decided by the parser call (``parse_text(..., required=True)``).

Writing: ``write_xlsx`` (streamed, formula-safe) and ``write_csv`` (UTF-8 with BOM,
OWASP CSV-injection escaping; ``unescape_text`` undoes it on re-import).
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from itertools import islice
from typing import IO, Any, TypeVar

__all__ = [
    "DEFAULT_MAX_BYTES",
    "CellError",
    "Column",
    "Formula",
    "ExcelError",
    "Row",
    "Table",
    "normalize_header",
    "parse_choice",
    "parse_date",
    "parse_decimal",
    "parse_text",
    "read_table",
    "stream_table",
    "StreamedTable",
    "unescape_text",
    "write_csv",
    "write_xlsx",
    "xlsx_text",
    "xlsx_text_cell",
    "display_width",
]

T = TypeVar("T")

MIB = 1024 * 1024
DEFAULT_MAX_BYTES = 10 * MIB
#: The header row must be within the first this-many rows.
HEADER_SCAN_ROWS = 20
#: Rows read below the header when the caller sets no limit. Every row read counts, empty or
#: not: a small xlsx can declare tens of millions of empty ``<row/>`` elements.
DEFAULT_MAX_ROWS = 100_000
#: Cells beyond this column are ignored (a cell at XFD would make every row 16,384 wide).
MAX_COLUMNS = 256
#: Refuse xlsx files whose uncompressed content exceeds max_bytes times this (zip bombs).
MAX_UNZIPPED_RATIO = 25
#: Excel's cell text limit; longer strings make Excel "repair" the file.
EXCEL_MAX_TEXT = 32767

#: Strings starting with one of these are treated as formulas by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# In xlsx also "#": "#N/A" etc. would otherwise be stored as an error value.
_XLSX_FORCE_TEXT = frozenset((*FORMULA_PREFIXES, "#"))

_XLSX_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .et, encrypted .xlsx
_BINARY_MAGICS = (
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",  # JPEG
    b"GIF8",
    b"BM",  # bitmap
    b"PK\x05\x06",  # empty zip
    b"PK\x07\x08",
    b"Rar!",
    b"7z\xbc\xaf",
    b"\x1f\x8b",  # gzip
    b"{\\rtf",
)
_MARKUP_PREFIXES = ("<!doctype", "<html", "<table", "<?xml", "<head", "<meta")
# C0 control characters other than tab, LF, VT, FF, CR never appear in real CSV text.
_BINARY_TEXT_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_ILLEGAL_XLSX_CHARS_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

MSG_NOT_TABLE = "文件不是有效的 Excel（.xlsx）或 CSV 文件，请另存为 .xlsx 后重新上传。"
MSG_OLD_XLS = (
    "这是旧版 Excel（.xls）、WPS 表格（.et）或设置了密码的 Excel 文件，"
    "请取消密码并另存为 .xlsx 后重新上传。"
)
MSG_CORRUPT = (
    "文件已损坏，无法作为 Excel（.xlsx）读取，请用 Excel 打开后另存为 .xlsx 重新上传。"
)
MSG_EMPTY_FILE = "文件是空的，请检查后重新上传。"

# Excel's 1900 date system (valid from serial 61 = 1900-03-01); serials are only
# accepted inside a sane window for school data.
_SERIAL_EPOCH = date(1899, 12, 30)
_SERIAL_MIN = (date(1920, 1, 1) - _SERIAL_EPOCH).days
_SERIAL_MAX = (date(2199, 12, 31) - _SERIAL_EPOCH).days
_DATE_HELP = "请写成 2019-07-15、2019/7/15、2019.7.15 或 2019年7月15日"
_DATE_PATTERNS = (
    re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)
_TRAILING_TIME_RE = re.compile(r"(?:\s+|T)\d{1,2}:\d{1,2}(?::\d{1,2}(?:\.\d+)?)?$")
_WHITESPACE_RE = re.compile(r"\s+")
_HEADER_JUNK_RE = re.compile(r"[\s*]+")  # whitespace and "required" asterisks
_BRACKETS = str.maketrans(
    {"【": "[", "】": "]", "〔": "[", "〕": "]", "〈": "<", "〉": ">"}
)


# --------------------------------------------------------------------------- types


class ExcelError(ValueError):
    """The file as a whole cannot be imported; ``message`` is shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CellError(ValueError):
    """One cell value is invalid; ``message`` tells the user what to fix."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Column:
    """An expected column. ``required``: the header must be present in the file."""

    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = True

    def __post_init__(self) -> None:
        if isinstance(self.aliases, str):
            object.__setattr__(self, "aliases", (self.aliases,))
        else:
            object.__setattr__(self, "aliases", tuple(self.aliases))

    @property
    def names(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)


@dataclass
class Row:
    number: int  # 1-based row number as shown by Excel
    values: dict[str, Any]


@dataclass
class Table:
    header_row: int  # 1-based row number of the header
    rows: list[Row] = field(default_factory=list)
    #: keys of the columns found in the header (missing optional columns read as None)
    present_keys: frozenset[str] = frozenset()
    #: (row number, text) of the signature and date lines under the last data row, ignored
    footer: list[tuple[int, str]] = field(default_factory=list)


class Formula(str):
    """A cell that holds a formula Excel never calculated (no cached value), e.g. written by a
    script: its text is the formula. Every parser refuses it with a message asking for plain text
    instead of reading it as empty ("required")."""


# A note under a table: a label that ends in a colon, naming a signature, a date, a stamp or a
# remark (负责人签字：, 制表人：, 填报日期：, 单位（盖章）：, 备注：...). Its value may follow in the
# next cell ("填报日期：" | 2024-01-05).
_NOTE_LABEL_RE = re.compile(
    r"^[^:：]{0,16}?(签字|签名|签章|盖章|公章|制表|填表|填报|审核|审批|负责人|联系人|经办人|日期|时间|电话|备注|说明|注)"
    r"[^:：]{0,8}[:：]"
)


# --------------------------------------------------------------------------- reading


def normalize_header(text: str) -> str:
    """Normalise header text for matching: NFKC (full-width → half-width), no whitespace,
    no ``*`` markers, 【】 → [], case-insensitive."""
    text = unicodedata.normalize("NFKC", text).translate(_BRACKETS)
    return _HEADER_JUNK_RE.sub("", text).casefold()


def read_table(
    fileobj: IO[bytes] | bytes | str | os.PathLike[str],
    *,
    columns: Sequence[Column],
    max_rows: int | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Table:
    """Read the first worksheet of an .xlsx file, or a CSV file, into a Table.

    The type is detected from the content, not the file name. Raises ExcelError with a
    Chinese message for anything the user has to fix.
    """
    keys = [c.key for c in columns]
    if not columns or len(set(keys)) != len(keys):
        raise ValueError("columns must be non-empty with unique keys")
    data = _read_bytes(fileobj, max_bytes)
    if not data.strip():
        raise ExcelError(MSG_EMPTY_FILE)
    if data.startswith(_XLSX_MAGIC):
        return _read_xlsx(data, columns, max_rows, max_bytes)
    if data.startswith(_OLE2_MAGIC):
        raise ExcelError(MSG_OLD_XLS)
    if data.startswith(_BINARY_MAGICS):
        raise ExcelError(MSG_NOT_TABLE)
    return _read_csv(_decode_text(data), columns, max_rows)


def _fmt_mb(size: int) -> str:
    """Size in MB, rounded up to one decimal: 10 MiB → "10", 10.01 MiB → "10.1"."""
    return f"{math.ceil(size * 10 / MIB) / 10:.1f}".removesuffix(".0")


def _too_large(size: int | None, max_bytes: int) -> ExcelError:
    limit = _fmt_mb(max_bytes)
    if size is None:  # unseekable stream: we stopped reading at the limit
        return ExcelError(f"文件过大，上限为 {limit} MB。")
    return ExcelError(f"文件过大（{_fmt_mb(size)} MB），上限为 {limit} MB。")


def _read_bytes(
    fileobj: IO[bytes] | bytes | str | os.PathLike[str], max_bytes: int
) -> bytes:
    if isinstance(fileobj, (bytes, bytearray, memoryview)):
        data = bytes(fileobj)
        if len(data) > max_bytes:
            raise _too_large(len(data), max_bytes)
        return data
    if isinstance(fileobj, (str, os.PathLike)):
        with open(fileobj, "rb") as f:
            return _read_bytes(f, max_bytes)
    size: int | None = getattr(fileobj, "size", None)  # Django UploadedFile
    seekable = getattr(fileobj, "seekable", lambda: False)()
    if seekable:
        if not isinstance(size, int):
            size = fileobj.seek(0, os.SEEK_END)
        fileobj.seek(0)
    if isinstance(size, int) and size > max_bytes:
        raise _too_large(size, max_bytes)
    data = fileobj.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_large(
            size if isinstance(size, int) and size > max_bytes else None, max_bytes
        )
    return bytes(data)


def _decode_text(data: bytes) -> str:
    """Decode CSV bytes (UTF-8 with/without BOM, UTF-16 with BOM, GB18030) or refuse."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    elif data.startswith(b"\xef\xbb\xbf"):
        encodings = ("utf-8-sig",)
    else:
        encodings = ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        break
    else:
        raise ExcelError(MSG_NOT_TABLE)
    if _BINARY_TEXT_RE.search(text) or text.lstrip().lower().startswith(
        _MARKUP_PREFIXES
    ):
        raise ExcelError(MSG_NOT_TABLE)
    return text


def _read_xlsx(
    data: bytes, columns: Sequence[Column], max_rows: int | None, max_bytes: int
) -> Table:
    from openpyxl import load_workbook  # deferred: keeps imports of this module cheap

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ExcelError(MSG_CORRUPT) from exc
    if unzipped > max_bytes * MAX_UNZIPPED_RATIO:
        raise ExcelError(
            f"文件内容过大（解压后约 {_fmt_mb(unzipped)} MB），请分成多个文件导入。"
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged or non-Excel zips
        raise ExcelError(MSG_CORRUPT) from exc
    try:
        if not workbook.worksheets:
            raise ExcelError("文件中没有工作表，请检查后重新上传。")
        sheet = workbook.worksheets[0]
        limit = DEFAULT_MAX_ROWS if max_rows is None else max_rows
        return _build_table(
            _guarded(_sheet_rows(sheet, HEADER_SCAN_ROWS + limit + 1)), columns, max_rows
        )
    finally:
        workbook.close()


def _sheet_rows(sheet: Any, max_reads: int) -> Iterator[Sequence[Any]]:
    """The sheet's rows as value tuples, streamed, at most ``max_reads`` of them.

    openpyxl's own ``iter_rows`` pads the gap before ``<row r="40000000">`` with empty rows
    and silently skips rows whose number repeats, so neither the rows it yields nor the rows it
    parses are bounded by anything but the sheet's size. Here every ``<row>`` element parsed and
    every padded empty row counts; reading stops at the limit. The declared ``<dimension>`` is
    ignored (some generators write a wrong one).
    """
    from openpyxl.worksheet._reader import WorkSheetParser
    from openpyxl.xml.constants import SHEET_MAIN_NS

    formula_tag = f"{{{SHEET_MAIN_NS}}}f"

    class Parser(WorkSheetParser):
        """A formula cell with no cached value (files written by scripts) becomes a ``Formula``."""

        def parse_cell(self, element):
            cell = super().parse_cell(element)
            if cell["value"] is None:
                formula = element.find(formula_tag)
                if formula is not None:
                    cell["value"] = Formula("=" + (formula.text or ""))
            return cell

    workbook = sheet.parent
    with sheet._get_source() as source:
        parser = Parser(
            source,
            sheet._shared_strings,
            data_only=workbook.data_only,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        read = 0  # <row> elements parsed and padded rows yielded
        expected = 1  # the next row number
        for number, cells in parser.parse():
            read += 1
            if read > max_reads or number > max_reads:
                raise _RowLimitReached
            if number < expected:  # a repeated or out-of-order row number: Excel never writes one
                continue
            for _ in range(expected, number):
                read += 1
                yield ()
            expected = number + 1
            if not cells:
                yield ()
                continue
            width = min(cells[-1]["column"], MAX_COLUMNS)
            values = [None] * width
            for cell in cells:
                column = cell["column"]
                if column <= width:
                    values[column - 1] = cell["value"]
            yield values


class _RowLimitReached(Exception):
    """More rows in the sheet than the row limit allows (raised while streaming)."""


def _guarded(rows: Iterable[Sequence[Any]]) -> Iterator[Sequence[Any]]:
    """Turn parser failures in the middle of a damaged sheet into ExcelError."""
    try:
        yield from rows
    except (ExcelError, _RowLimitReached):
        raise
    except Exception as exc:
        raise ExcelError(MSG_CORRUPT) from exc


def _read_csv(text: str, columns: Sequence[Column], max_rows: int | None) -> Table:
    # Pick the delimiter whose first rows contain the best header match.
    best_delimiter, best_score = ",", -1
    for delimiter in (",", "\t", ";"):
        try:
            head = list(
                islice(
                    csv.reader(io.StringIO(text), delimiter=delimiter), HEADER_SCAN_ROWS
                )
            )
        except csv.Error:
            continue
        score = max((_header_score(row, columns)[0] for row in head), default=0)
        if score > best_score:
            best_delimiter, best_score = delimiter, score
    return _build_table(
        _csv_rows(csv.reader(io.StringIO(text), delimiter=best_delimiter)),
        columns,
        max_rows,
    )


def _csv_rows(reader: Any) -> Iterator[list[str]]:
    try:
        yield from reader
    except csv.Error as exc:
        raise ExcelError(
            f"CSV 文件格式有误（第 {reader.line_num} 行附近），请用 Excel 另存为 .xlsx 后重新上传。"
        ) from exc


def _header_score(
    row: Sequence[Any], columns: Sequence[Column]
) -> tuple[int, dict[str, int]]:
    """How many columns this row names, and the cell index of each found column."""
    positions: dict[str, int] = {}
    for index, cell in enumerate(row):
        if isinstance(cell, str) and cell.strip():
            positions.setdefault(normalize_header(cell), index)
    found: dict[str, int] = {}
    for column in columns:
        for name in column.names:
            index = positions.get(normalize_header(name))
            if index is not None:
                found[column.key] = index
                break
    return len(found), found


def _build_table(
    rows: Iterator[Sequence[Any]], columns: Sequence[Column], max_rows: int | None
) -> Table:
    limit = DEFAULT_MAX_ROWS if max_rows is None else max_rows
    try:
        head = list(islice(rows, HEADER_SCAN_ROWS))
    except _RowLimitReached:
        raise _too_many_rows(limit) from None
    best_number, best_score = 0, 0
    found: dict[str, int] = {}
    for number, cells in enumerate(head, start=1):
        score, positions = _header_score(cells, columns)
        if score > best_score:
            best_number, best_score, found = number, score, positions

    expected = "、".join(c.header for c in columns)
    if best_score == 0:
        if not any(_has_value(cells) for cells in head):
            raise ExcelError("表格是空的：第一个工作表中没有内容，请检查后重新上传。")
        raise ExcelError(
            f"没有找到表头：前 {HEADER_SCAN_ROWS} 行中没有可识别的列名。表头应包含：{expected}。"
        )
    missing = [c.header for c in columns if c.required and c.key not in found]
    if missing:
        raise ExcelError(
            f"缺少必填列：{'、'.join(missing)}。表头应包含：{expected}"
            f"（已将第 {best_number} 行识别为表头）。"
        )

    index = [(c.key, found.get(c.key)) for c in columns]
    table = Table(header_row=best_number, present_keys=frozenset(found))
    out = table.rows
    notes: list[tuple[int, str, dict]] = []  # note lines since the last data row: the footer if nothing follows
    number = best_number
    try:
        for cells in _chain(head[best_number:], rows):
            number += 1
            # Every row below the header counts, empty or not, so a file of millions of empty
            # rows stops here instead of being read to its end.
            if number - best_number > limit:
                raise _RowLimitReached
            width = len(cells)
            values: dict[str, Any] = {}
            blank = True
            for key, position in index:
                value = (
                    cells[position] if position is not None and position < width else None
                )
                if value is not None:
                    cls = value.__class__
                    if cls is str:
                        value = value.strip() or None
                    elif cls is datetime and value.time() == time.min:
                        value = value.date()  # date-formatted Excel cells
                    if value is not None:
                        blank = False
                values[key] = value
            if blank:  # only mapped columns count: pre-numbered template rows are skipped
                continue
            note = _note_text(cells)
            if note:
                notes.append((number, note, values))
                continue
            if notes:  # a data row follows: those lines were not a footer, they are rows to fix
                _unnote(notes, out)
            out.append(Row(number=number, values=values))
    except _RowLimitReached:
        raise _too_many_rows(limit) from None
    table.footer = [(n, note) for n, note, _values in notes]
    return table


def _too_many_rows(limit: int) -> ExcelError:
    return ExcelError(
        f"数据超过 {limit} 行的上限（表头以下的每一行都计算在内，包括空行），"
        "请删除数据下方的空行，或分成多个文件导入。"
    )


def _note_text(cells: Sequence[Any]) -> str:
    """The text of a signature/date line ("" if the row is not one): every filled cell is a note
    label (负责人签字：...) or the value filled in after such a label."""
    parts: list[str] = []
    open_label = False
    for cell in cells:
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            continue
        text = cell.strip() if isinstance(cell, str) else _datetime_text(cell) if isinstance(cell, datetime) \
            else cell.isoformat() if isinstance(cell, date) else _shown(cell)
        if isinstance(cell, str) and _NOTE_LABEL_RE.match(unicodedata.normalize("NFKC", text)):
            open_label = bool(re.search(r"[:：]\s*$", text))
        elif open_label:
            open_label = False  # the value of the label before it
        else:
            return ""
        parts.append(text)
    return " ".join(parts)


def _unnote(notes: list[tuple[int, str, dict]], out: list[Row]) -> None:
    """Note-like lines followed by more data are ordinary rows (their errors are shown)."""
    for number, _note, values in notes:
        out.append(Row(number=number, values=values))
    notes.clear()


def _chain(first: Iterable[T], rest: Iterator[T]) -> Iterator[T]:
    yield from first
    yield from rest


def _has_value(cells: Sequence[Any]) -> bool:
    return any(c is not None and (not isinstance(c, str) or c.strip()) for c in cells)


# --------------------------------------------------------------------------- cell parsers


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def refuse_formula(value: Any) -> None:
    """A formula cell without a value is not "empty": say what it holds and what to write."""
    if isinstance(value, Formula):
        shown = value if len(value) <= 40 else value[:40] + "…"
        raise CellError(
            f"此单元格是公式（{shown}），没有可读取的内容；请改为直接填写文字或数值（不要用公式），"
            "或在 Excel 中复制后“选择性粘贴 → 值”。"
        )


def _shown(value: Any) -> str:
    """The value as the user typed it, for messages."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_date(value: Any) -> date:
    """Parse a date cell: date/datetime, Excel serial number or common Chinese spellings."""
    refuse_formula(value)
    if _is_blank(value):
        raise CellError(f"请填写日期，{_DATE_HELP}。")
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    invalid = CellError(f"日期“{_shown(value)}”无法识别，{_DATE_HELP}")
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise invalid
        # 20190715 typed as a number
        if value == int(value) and 19000101 <= value <= 99991231:
            digits = str(int(value))
            return _make_date(int(digits[:4]), int(digits[4:6]), int(digits[6:]), value)
        if _SERIAL_MIN <= value <= _SERIAL_MAX:
            return _SERIAL_EPOCH + timedelta(days=int(value))
        raise invalid
    if not isinstance(value, str):
        raise invalid
    text = unicodedata.normalize("NFKC", value).strip()
    text = _WHITESPACE_RE.sub("", _TRAILING_TIME_RE.sub("", text))
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            groups = [g for g in match.groups() if g.isdigit()]
            return _make_date(int(groups[0]), int(groups[1]), int(groups[2]), value)
    raise invalid


def _make_date(year: int, month: int, day: int, original: Any) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(
            f"日期“{_shown(original)}”不存在，请检查年、月、日是否正确（{_DATE_HELP}）。"
        ) from None


def parse_decimal(
    value: Any, *, min_value: Decimal | float | str | None = None
) -> Decimal:
    """Parse a number cell; accepts thousands separators, ¥ and a trailing 元."""
    refuse_formula(value)
    if _is_blank(value):
        raise CellError("请填写数字。")
    invalid = CellError(f"“{_shown(value)}”不是有效的数字，请只填写数字，如 1234.5。")
    if isinstance(value, bool):
        raise invalid
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, (int, float)):
        number = Decimal(str(value))
    elif isinstance(value, str):
        text = _WHITESPACE_RE.sub("", unicodedata.normalize("NFKC", value)).replace(
            ",", ""
        )
        text = text.removeprefix("¥").removesuffix("元")
        if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", text):
            raise invalid
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise invalid from None
    else:
        raise invalid
    if not number.is_finite():
        raise invalid
    if min_value is not None and number < Decimal(str(min_value)):
        raise CellError(f"数值 {_shown(value)} 不能小于 {min_value}。")
    return number


def _label_key(label: str) -> str:
    return _WHITESPACE_RE.sub("", unicodedata.normalize("NFKC", label)).casefold()


def parse_choice(value: Any, choices: Mapping[str, T]) -> T:
    """Map a label (case-insensitive, full-width tolerant) to its key via ``choices``."""
    allowed = "、".join(choices)
    refuse_formula(value)
    if _is_blank(value):
        raise CellError(f"请填写以下之一：{allowed}。")
    wanted = _label_key(_shown(value))
    for label, key in choices.items():
        if _label_key(label) == wanted:
            return key
    raise CellError(f"“{_shown(value)}”不是可选项，请填写以下之一：{allowed}。")


def parse_text(
    value: Any, *, max_length: int | None = None, required: bool = False
) -> str:
    """Text cell as a stripped string ("" when empty and not required)."""
    refuse_formula(value)
    if value is None:
        text = ""
    elif isinstance(value, str):
        text = value.strip()
    elif isinstance(value, bool):
        text = "是" if value else "否"
    elif isinstance(value, datetime):
        text = _datetime_text(value)
    elif isinstance(value, date):
        text = value.isoformat()
    else:
        text = _shown(value)  # 13800138000.0 read from Excel → "13800138000"
    if required and not text:
        raise CellError("此项为必填，请填写。")
    if max_length is not None and len(text) > max_length:
        raise CellError(f"内容过长（{len(text)} 字），最多 {max_length} 字，请删减。")
    return text


def unescape_text(value: T) -> T:
    """Undo export escaping: drop the apostrophe write_csv put before = + - @ (tab, CR)."""
    if (
        isinstance(value, str)
        and len(value) > 1
        and value[0] == "'"
        and value[1] in "=+-@\t\r"
    ):
        return value[1:]  # type: ignore[return-value]
    return value


# --------------------------------------------------------------------------- writing


def _local_naive(value: datetime) -> datetime:
    return (
        value.astimezone().replace(tzinfo=None) if value.tzinfo is not None else value
    )


def _datetime_text(value: datetime) -> str:
    value = _local_naive(value)
    if value.time() == time.min:
        return value.date().isoformat()
    return value.strftime("%Y-%m-%d %H:%M")


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def write_xlsx(
    fileobj: IO[bytes] | str | os.PathLike[str],
    *,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    title: str | None = None,
    sheet_name: str = "Sheet1",
    column_widths: Sequence[float | None] | None = None,
) -> None:
    """Stream an .xlsx file: optional merged title row, bold frozen header, then ``rows``.

    Strings are always written as text (never formulas). Dates get "yyyy-mm-dd";
    datetimes with a time of day get "yyyy-mm-dd hh:mm".
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(
        re.sub(r"[\[\]:*?/\\]", "_", sheet_name)[:31] or "Sheet1"
    )
    count = max(len(headers), 1)

    widths = list(column_widths or [])
    for i, header in enumerate(headers):
        width = widths[i] if i < len(widths) else None
        if width is None:
            width = min(max(_display_width(str(header)) + 4, 10), 50)
        sheet.column_dimensions[get_column_letter(i + 1)].width = width

    header_row = 2 if title else 1
    # Sheet-level settings must be made before the first append() starts the stream.
    sheet.freeze_panes = f"A{header_row + 1}"
    if title:
        cell = WriteOnlyCell(sheet, value=_safe_text(title))
        cell.data_type = "s"
        cell.font = Font(bold=True, size=16)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        sheet.row_dimensions[1].height = 32
        if count > 1:
            sheet.merged_cells.add(f"A1:{get_column_letter(count)}1")
        sheet.append([cell])

    side = Side(style="thin", color="A6A6A6")
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    header_border = Border(left=side, right=side, top=side, bottom=side)
    header_alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=_safe_text(str(header)))
        cell.data_type = "s"
        cell.font = header_font
        cell.fill = header_fill
        cell.border = header_border
        cell.alignment = header_alignment
        header_cells.append(cell)
    sheet.append(header_cells)

    def convert(value: Any) -> Any:
        cls = value.__class__
        if cls is float and not math.isfinite(value):
            return None  # NaN/inf would make Excel "repair" the file
        if value is None or cls is int or cls is float or cls is Decimal:
            return value
        if isinstance(value, str):
            text = _safe_text(str(value))
            if text[:1] in _XLSX_FORCE_TEXT:
                cell = WriteOnlyCell(sheet, value=text)
                cell.data_type = "s"
                return cell
            return text
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, datetime):
            value = _local_naive(value)
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = (
                "yyyy-mm-dd" if value.time() == time.min else "yyyy-mm-dd hh:mm"
            )
            return cell
        if isinstance(value, date):
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = "yyyy-mm-dd"
            return cell
        if isinstance(value, (int, float, Decimal)):
            return value
        return _safe_text(str(value))

    for row in rows:
        sheet.append([convert(v) for v in row])
    workbook.save(fileobj)


def _safe_text(text: str) -> str:
    """Remove control characters Excel cannot store and respect the cell length limit."""
    if _ILLEGAL_XLSX_CHARS_RE.search(text):
        text = _ILLEGAL_XLSX_CHARS_RE.sub("", text)
    return text[:EXCEL_MAX_TEXT]


def xlsx_text_cell(sheet: Any, value: Any, *, cell: Any = None) -> Any:
    """A cell for a write-only ``sheet`` holding ``value`` as text: never a formula (``=…``, ``+…``)
    nor an error value (``#N/A``), control characters removed, cut to Excel's limit. For sheets
    laid out by hand (merged headers, totals) with the same safety as ``write_xlsx``. Given
    ``cell`` (a styled cell reused row after row), that cell is set and returned."""
    from openpyxl.cell import WriteOnlyCell

    if cell is None:
        cell = WriteOnlyCell(sheet, value=_safe_text(str(value)))
    else:
        cell.value = _safe_text(str(value))
    cell.data_type = "s"
    return cell


def xlsx_text(sheet: Any, value: Any) -> Any:
    """``value`` for a write-only ``sheet`` as text, cheaply: the plain string when a spreadsheet
    cannot read it as a formula or an error value, else a text cell (``xlsx_text_cell``)."""
    text = _safe_text(str(value))
    if text[:1] in _XLSX_FORCE_TEXT:
        return xlsx_text_cell(sheet, text)
    return text


def display_width(text: str) -> int:
    """Columns ``text`` takes in a spreadsheet (a Chinese character counts 2)."""
    return _display_width(text)


def write_csv(
    fileobj_text: IO[str],
    *,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> None:
    """Write CSV for Excel: UTF-8 with BOM, CSV-injection escaping (leading apostrophe).

    Open files with ``encoding="utf-8", newline=""``.
    """
    fileobj_text.write("\ufeff")
    writer = csv.writer(fileobj_text)
    writer.writerow([_csv_cell(h) for h in headers])
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        text = str(value)
        return "'" + text if text.startswith(FORMULA_PREFIXES) else text
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return _datetime_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


# --------------------------------------------------------------------------- streaming


#: Bytes looked at to tell the file type and the CSV encoding and delimiter.
_SNIFF_BYTES = 64 * 1024


class StreamedTable:
    """A table read row by row: memory does not grow with the file (a GPS export of 100,000
    points). Iterate ``rows`` once; use as a context manager (or call ``close()``).

    Same header detection, aliases and blank-row skipping as ``read_table``."""

    def __init__(self, header_row: int, present_keys: frozenset[str], rows: Iterator[Row], close=None) -> None:
        self.header_row = header_row
        self.present_keys = present_keys
        self.rows = rows
        self._close = close

    def close(self) -> None:
        if self._close is not None:
            self._close()
            self._close = None

    def __enter__(self) -> StreamedTable:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def stream_table(
    fileobj: IO[bytes], *, columns: Sequence[Column], max_bytes: int | None = None
) -> StreamedTable:
    """Open the first worksheet of an .xlsx file, or a CSV file, for reading row by row.

    ``fileobj`` must be a seekable binary file (an upload or an open file); it is read lazily,
    never whole. Raises ExcelError for a file the user has to fix; a bad row met later raises
    ExcelError from the iteration."""
    keys = [c.key for c in columns]
    if not columns or len(set(keys)) != len(keys):
        raise ValueError("columns must be non-empty with unique keys")
    size = fileobj.seek(0, os.SEEK_END)
    fileobj.seek(0)
    if max_bytes is not None and size > max_bytes:
        raise _too_large(size, max_bytes)
    head = fileobj.read(_SNIFF_BYTES)
    fileobj.seek(0)
    if not head.strip():
        raise ExcelError(MSG_EMPTY_FILE)
    if head.startswith(_XLSX_MAGIC):
        return _stream_xlsx(fileobj, columns, max_bytes)
    if head.startswith(_OLE2_MAGIC):
        raise ExcelError(MSG_OLD_XLS)
    if head.startswith(_BINARY_MAGICS):
        raise ExcelError(MSG_NOT_TABLE)
    return _stream_csv(fileobj, head, columns)


def _stream_xlsx(fileobj: IO[bytes], columns: Sequence[Column], max_bytes: int | None) -> StreamedTable:
    try:
        with zipfile.ZipFile(fileobj) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ExcelError(MSG_CORRUPT) from exc
    if max_bytes is not None and unzipped > max_bytes * MAX_UNZIPPED_RATIO:
        raise ExcelError(f"文件内容过大（解压后约 {_fmt_mb(unzipped)} MB），请分成多个文件导入。")
    fileobj.seek(0)
    try:
        workbook = _load_sizeless_workbook(fileobj)
    except Exception as exc:
        raise ExcelError(MSG_CORRUPT) from exc
    try:
        if not workbook.worksheets:
            raise ExcelError("文件中没有工作表，请检查后重新上传。")
        sheet = workbook.worksheets[0]
        header_row, found, rows = _stream_rows(_guarded(_xlsx_value_rows(sheet)), columns)
    except BaseException:
        workbook.close()
        raise
    return StreamedTable(header_row, frozenset(found), rows, close=workbook.close)


def _load_sizeless_workbook(fileobj: IO[bytes]):
    """`load_workbook(fileobj, read_only=True, data_only=True)` without the size scan of each sheet.
    openpyxl's read-only sheet looks for <dimension> when it is created, and where there is none
    (write-only openpyxl files, many terminals' exports) its scan (iterparse, "end" events) only
    stops at the end of <sheetData>: it parses the whole sheet once more and builds a tree of every
    row, about 80 bytes a row (7.7 MiB at 100,000 GPS points, bench/bench_gps.py). _xlsx_value_rows
    does not use the dimensions, so the sheets here have none, as after reset_dimensions()."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    class SizelessSheet(ReadOnlyWorksheet):
        def _get_size(self):
            pass

    class Reader(ExcelReader):
        def read_worksheets(self):
            for sheet, rel in self.parser.find_sheets():
                if rel.target not in self.valid_files:
                    continue
                if "chartsheet" in rel.Type:
                    self.read_chartsheet(sheet, rel)
                    continue
                ws = SizelessSheet(self.wb, sheet.name, rel.target, self.shared_strings)
                ws.sheet_state = sheet.state
                self.wb._sheets.append(ws)

    reader = Reader(fileobj, read_only=True, data_only=True)
    reader.read()
    return reader.wb


def _xlsx_value_rows(sheet) -> Iterator[tuple]:
    """The values of a read-only worksheet's rows, as `sheet.iter_rows(values_only=True)` after
    `reset_dimensions()` gives them, in constant memory. openpyxl's parser clears each <row> it has
    read but leaves it attached to <sheetData> (and keeps every row's height attributes), so a
    read-only sheet still grew by about 90 bytes a row: 2.3 MiB at 10,000 GPS points, 8.7 MiB at
    100,000 (bench/bench_gps.py). Rows missing from the file come as empty tuples."""
    from openpyxl.worksheet._reader import DATA_TAG, ROW_TAG, WorkSheetParser
    from openpyxl.xml.functions import iterparse

    class ReleasingParser(WorkSheetParser):
        def parse(self):
            data = None
            for event, element in iterparse(self.source, events=("start", "end")):
                if event == "start":
                    if element.tag == DATA_TAG:
                        data = element
                elif element.tag == ROW_TAG:
                    row = self.parse_row(element)
                    element.clear()
                    if data is not None:
                        data.remove(element)
                    self.row_dimensions.clear()
                    yield row

    workbook = sheet.parent
    expected = 1
    with sheet._get_source() as source:
        parser = ReleasingParser(source, sheet._shared_strings, data_only=workbook.data_only, epoch=workbook.epoch,
                                 date_formats=workbook._date_formats,
                                 timedelta_formats=workbook._timedelta_formats)
        for number, cells in parser.parse():
            if number < expected:
                continue  # a repeated row number: openpyxl keeps the first
            for _missing in range(expected, number):
                yield ()
            expected = number + 1
            values = [None] * (cells[-1]["column"] if cells else 0)
            for cell in cells:
                values[cell["column"] - 1] = cell["value"]
            yield tuple(values)


def _sniff_encoding(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    # The sniffed bytes may end inside a character: judge all but the last few.
    body = head[:-4] if len(head) == _SNIFF_BYTES else head
    for encoding in ("utf-8", "gb18030"):
        try:
            body.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ExcelError(MSG_NOT_TABLE)


def _stream_csv(fileobj: IO[bytes], head: bytes, columns: Sequence[Column]) -> StreamedTable:
    encoding = _sniff_encoding(head)
    sample = head.decode(encoding, errors="ignore")
    if _BINARY_TEXT_RE.search(sample) or sample.lstrip().lower().startswith(_MARKUP_PREFIXES):
        raise ExcelError(MSG_NOT_TABLE)
    best_delimiter, best_score = ",", -1
    for delimiter in (",", "\t", ";"):
        try:
            lines = list(islice(csv.reader(io.StringIO(sample), delimiter=delimiter), HEADER_SCAN_ROWS))
        except csv.Error:
            continue
        score = max((_header_score(row, columns)[0] for row in lines), default=0)
        if score > best_score:
            best_delimiter, best_score = delimiter, score
    text = io.TextIOWrapper(fileobj, encoding=encoding, errors="strict", newline="")

    def lines() -> Iterator[list[str]]:
        try:
            yield from _csv_rows(csv.reader(text, delimiter=best_delimiter))
        except UnicodeDecodeError as exc:
            raise ExcelError(MSG_NOT_TABLE) from exc

    header_row, found, rows = _stream_rows(lines(), columns)
    return StreamedTable(header_row, frozenset(found), rows, close=text.detach)


def _stream_rows(
    rows: Iterator[Sequence[Any]], columns: Sequence[Column]
) -> tuple[int, dict[str, int], Iterator[Row]]:
    """Find the header in the first rows, then yield the data rows one at a time."""
    head = list(islice(rows, HEADER_SCAN_ROWS))
    best_number, best_score = 0, 0
    found: dict[str, int] = {}
    for number, cells in enumerate(head, start=1):
        score, positions = _header_score(cells, columns)
        if score > best_score:
            best_number, best_score, found = number, score, positions
    expected = "、".join(c.header for c in columns)
    if best_score == 0:
        if not any(_has_value(cells) for cells in head):
            raise ExcelError("表格是空的：第一个工作表中没有内容，请检查后重新上传。")
        raise ExcelError(f"没有找到表头：前 {HEADER_SCAN_ROWS} 行中没有可识别的列名。表头应包含：{expected}。")
    missing = [c.header for c in columns if c.required and c.key not in found]
    if missing:
        raise ExcelError(
            f"缺少必填列：{'、'.join(missing)}。表头应包含：{expected}（已将第 {best_number} 行识别为表头）。"
        )
    index = [(c.key, found.get(c.key)) for c in columns]

    def data() -> Iterator[Row]:
        number = best_number
        for cells in _chain(head[best_number:], rows):
            number += 1
            width = len(cells)
            values: dict[str, Any] = {}
            blank = True
            for key, position in index:
                value = cells[position] if position is not None and position < width else None
                if value is not None:
                    if value.__class__ is str:
                        value = value.strip() or None
                    if value is not None:
                        blank = False
                values[key] = value
            if not blank:
                yield Row(number=number, values=values)

    return best_number, found, data()
