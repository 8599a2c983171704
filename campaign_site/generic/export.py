"""Export of a django-tables2 table's visible columns to xlsx or csv (formula-safe)."""
from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.encoding import escape_uri_path

from .excel import write_csv, write_xlsx
from .tables import plan_for

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_columns(table):
    return [
        bc for bc in table.columns
        if bc.visible and bc.name not in getattr(table.Meta, "exclude_from_export", ()) and bc.name != "actions"
        and not bc.column.exclude_from_export  # a column's own flag (buttons, forms) as django-tables2 has it
    ]


def table_rows(table, columns):
    """One list of plain cell values per row: the table's render plan (generic/tables.py) reads
    each column's value function and accessor once, not once per cell."""
    for values in plan_for(table).values(columns):
        yield [_plain(value) for value in values]


def _plain(value):
    from django.utils.html import strip_tags

    if value is None:
        return ""
    if isinstance(value, (int, float)) or hasattr(value, "isoformat") or type(value).__name__ == "Decimal":
        return value
    return strip_tags(str(value)).strip()


def file_response(fmt: str, filename: str, *, headers, rows, title=None) -> HttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"{filename}-{stamp}.{fmt}"
    if fmt == "xlsx":
        buf = io.BytesIO()
        write_xlsx(buf, headers=headers, rows=rows, title=title)
        response = HttpResponse(buf.getvalue(), content_type=XLSX_MIME)
    else:
        buf = io.StringIO()
        write_csv(buf, headers=headers, rows=rows)
        response = HttpResponse(buf.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(name)}"
    return response


def table_response(table, fmt: str, filename: str, title=None) -> HttpResponse:
    columns = export_columns(table)
    return file_response(
        fmt, filename, headers=[str(bc.header) for bc in columns], rows=table_rows(table, columns), title=title
    )
