"""The import flow shared by every app: upload -> preview with per-row errors -> confirm.

An app declares an `Importer`: its columns (Chinese headers and aliases), how to parse each cell
(`parse_<key>` methods raising CellError), cross-field checks (`clean_row`), and `save(rows)`,
which calls the app's services. `run()` writes all rows or none: nothing is saved while any row
has an error, and a rule that fails during saving rolls everything back.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from .errors import DomainError
from .excel import CellError, Column, ExcelError, read_table, refuse_formula, write_xlsx


@dataclass
class RowResult:
    number: int
    values: dict
    cleaned: dict | None = None
    errors: list[str] = field(default_factory=list)
    display: list = field(default_factory=list)
    skipped: bool = False  # already imported: shown, not an error, not written again


@dataclass
class ImportResult:
    rows: list[RowResult]
    file_error: str = ""
    saved: int = 0
    header_row: int = 0
    #: (row number, text) of the signature/date lines under the table, ignored
    footer: list = field(default_factory=list)

    @property
    def error_rows(self) -> list[RowResult]:
        return [r for r in self.rows if r.errors]

    @property
    def skipped_count(self) -> int:
        return sum(1 for r in self.rows if r.skipped)

    @property
    def new_count(self) -> int:
        return len(self.rows) - self.skipped_count - len(self.error_rows)

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.error_rows and bool(self.rows)


class Importer:
    columns: list[Column] = []
    title = ""
    template_filename = "template"
    example_rows: list[list] = []
    options_form_class = None  # a Form with extra choices (e.g. the school); gets user=
    max_rows = 20000

    def __init__(self, *, user, options: dict | None = None):
        self.user = user
        self.options = options or {}

    @classmethod
    def can_import(cls, user) -> bool:
        return user.is_authenticated

    # -- parsing -------------------------------------------------------------------------
    def parse_cell(self, column: Column, value):
        parser = getattr(self, f"parse_{column.key}", None)
        if parser is not None:
            return parser(value)
        refuse_formula(value)
        if isinstance(value, str):
            value = value.strip()
        if column.required and value in (None, ""):
            raise CellError(_("this column must be filled in"))
        return value

    def clean_row(self, cleaned: dict) -> dict:
        """Cross-field checks; raise DomainError for a row-level error."""
        return cleaned

    def prepare(self, rows: list[RowResult]) -> None:
        """Load lookups for all rows at once (avoid a query per row)."""

    def check_rows(self, rows: list[RowResult]) -> None:
        """Checks across rows (e.g. duplicates inside the file)."""

    def save(self, rows: list[dict]) -> int:
        raise NotImplementedError

    # -- the flow ------------------------------------------------------------------------
    def validate(self, fileobj) -> ImportResult:
        from django.conf import settings

        try:
            table = read_table(fileobj, columns=self.columns, max_rows=self.max_rows,
                               max_bytes=settings.IMPORT_MAX_BYTES)
        except ExcelError as exc:
            return ImportResult(rows=[], file_error=str(exc))
        rows = [
            RowResult(number=r.number, values=r.values, display=[r.values.get(c.key) for c in self.columns])
            for r in table.rows
        ]
        if not rows:
            return ImportResult(rows=[], file_error=_("The file has a header row but no data rows."),
                                header_row=table.header_row)
        self.prepare(rows)
        for row in rows:
            cleaned = {}
            for column in self.columns:
                try:
                    cleaned[column.key] = self.parse_cell(column, row.values.get(column.key))
                except (CellError, DomainError) as exc:
                    row.errors.append(f"{column.header}：{exc}")
            if not row.errors:
                try:
                    row.cleaned = self.clean_row(cleaned)
                except (CellError, DomainError) as exc:
                    row.errors.append(str(exc))
        self.check_rows(rows)
        return ImportResult(rows=rows, header_row=table.header_row, footer=table.footer)

    def run(self, fileobj, *, dry_run: bool) -> ImportResult:
        result = self.validate(fileobj)
        if dry_run or not result.ok:
            return result
        try:
            with transaction.atomic():
                result.saved = self.save([r.cleaned for r in result.rows])
        except DomainError as exc:
            result.file_error = _("Nothing was imported: %(error)s") % {"error": exc}
            result.saved = 0
        return result

    def write_template(self, fileobj) -> None:
        write_xlsx(fileobj, headers=[c.header for c in self.columns], rows=self.example_rows, title=str(self.title))
