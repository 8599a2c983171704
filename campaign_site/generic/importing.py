"""The import flow shared by every app: upload -> preview with per-row errors -> confirm.

An app declares an `Importer`: its columns (Chinese headers and aliases), how to parse each cell
(`parse_<key>` methods raising CellError), cross-field checks (`clean_row`), and `save(rows)`,
which calls the app's services. `run()` writes all rows or none: nothing is saved while any row
has an error, and a rule that fails during saving rolls everything back. Expensive per-row work
that needs no lock (password hashing) goes in `before_save(rows)`, which runs before the write
transaction, so the transaction (SQLite's write lock for the whole site) stays short.

Confirmed imports of more than `settings.IMPORT_BACKGROUND_ROWS` rows (default 300) do not run in
the request: `import_job_start(...)` records an `ImportJob` and queues the Celery task
`generic.tasks.run_import_job`, which runs `import_job_run(job_id)`: the rows are checked again
(progress saved in short transactions of their own), prepared (`before_save`), then written in one
transaction with the job's "done"; a failure writes nothing and the job names the rows and why.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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

    def before_save(self, rows: list[dict], progress=None) -> None:
        """Per-row work that needs no database lock (e.g. hashing passwords), done before the write
        transaction opens. `progress(n)` (if given) may be called with the number of rows done."""

    def save(self, rows: list[dict]) -> int:
        raise NotImplementedError

    def job_result(self) -> dict:
        """What a background import's page shows when it is done, beside the number of rows."""
        return {}

    def job_secret(self) -> list:
        """What the owner sees once on the finished job's page, then erased (initial passwords)."""
        return []

    # -- the flow ------------------------------------------------------------------------
    def validate(self, fileobj, progress=None) -> ImportResult:
        """Read and check every row. `progress(n)` (if given) is called now and then with the number
        of rows checked."""
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
        step = max(1, len(rows) // 50)
        for n, row in enumerate(rows, start=1):
            if progress is not None and n % step == 0:
                progress(n)
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
        return self.write(result)

    def write(self, result: ImportResult, *, progress=None, on_saved=None) -> ImportResult:
        """`before_save` outside any transaction, then `save` in one transaction (with `on_saved(saved)`
        inside it, e.g. marking a job done): all rows or none."""
        rows = [r.cleaned for r in result.rows]
        try:
            self.before_save(rows, progress=progress)
            with transaction.atomic():
                result.saved = self.save(rows)
                if on_saved is not None:
                    on_saved(result.saved)
        except DomainError as exc:
            result.file_error = _("Nothing was imported: %(error)s") % {"error": exc}
            result.saved = 0
        return result

    def write_template(self, fileobj) -> None:
        write_xlsx(fileobj, headers=[c.header for c in self.columns], rows=self.example_rows, title=str(self.title))


# -- imports in the background -----------------------------------------------------------------

logger = logging.getLogger(__name__)

#: rows whose errors a failed job keeps for its page (the count of all of them is kept too)
JOB_ERROR_ROWS = 200


def importer_key(importer_class) -> str:
    return f"{importer_class.__module__}.{importer_class.__qualname__}"


def importer_for_key(key: str):
    from django.utils.module_loading import import_string

    cls = import_string(key)
    if not (isinstance(cls, type) and issubclass(cls, Importer)):
        raise ValueError(f"{key} is not an Importer")
    return cls


#: default of `settings.IMPORT_BACKGROUND_ROWS`
IMPORT_BACKGROUND_ROWS = 300


def runs_in_background(rows: int) -> bool:
    """More rows than `settings.IMPORT_BACKGROUND_ROWS` (default 300): a Celery task imports them."""
    from django.conf import settings

    return rows > getattr(settings, "IMPORT_BACKGROUND_ROWS", IMPORT_BACKGROUND_ROWS)


def import_job_start(*, importer_class, user, organisation, path: str, options: dict, rows_total: int,
                     result_url: str = ""):
    """Record a background import of the previewed file at `path` (under MEDIA_ROOT) and queue its
    task once the job is committed. Returns the ImportJob; its page shows the progress."""
    from .models import ImportJob

    job = ImportJob.objects.create(
        owner=user, organisation=organisation, importer=importer_key(importer_class),
        title=str(importer_class.title)[:200], file_path=path, options=options, rows_total=rows_total,
        result_url=result_url,
    )
    job_id = str(job.pk)

    def queue():
        from .tasks import run_import_job

        run_import_job.delay(job_id)

    transaction.on_commit(queue)
    return job


def _job_update(job_id, **fields) -> None:
    """One short write of its own (autocommit), so the page sees it while the job runs."""
    from .models import ImportJob

    ImportJob.objects.filter(pk=job_id).update(**fields)


def _row_errors(result: ImportResult) -> dict:
    bad = result.error_rows
    return {
        "error_count": len(bad),
        "rows": [{"row": r.number, "errors": [str(e) for e in r.errors]} for r in bad[:JOB_ERROR_ROWS]],
    }


def import_job_run(job_id) -> str:
    """Run a background import (the Celery task's body). Returns the job's final status."""
    from django.conf import settings
    from django.core.files.storage import default_storage

    from .models import ImportJob, ImportJobStatus

    job = ImportJob.objects.select_related("owner", "organisation").filter(pk=job_id).first()
    if job is None or job.is_finished:
        return job.status if job else ""
    with translation.override(getattr(job.owner, "language", "") or settings.LANGUAGE_CODE):
        try:
            status = _run(job)
        except Exception:
            logger.exception("background import %s stopped", job.pk)
            _job_update(job.pk, status=ImportJobStatus.FAILED, finished_at=timezone.now(),
                        error=_("The import stopped because of an unexpected error. Nothing was imported."))
            status = ImportJobStatus.FAILED
        job.refresh_from_db()
        _finish(job)
    if default_storage.exists(job.file_path):
        default_storage.delete(job.file_path)
    return status


def _run(job) -> str:
    from django.core.files.storage import default_storage

    from .models import ImportJob, ImportJobStatus

    importer_class = importer_for_key(job.importer)
    options = job.options
    if hasattr(importer_class, "restore_options"):
        options = importer_class.restore_options(options, user=job.owner)
    importer = importer_class(user=job.owner, options=options)

    def failed(error: str, **result) -> str:
        _job_update(job.pk, status=ImportJobStatus.FAILED, finished_at=timezone.now(), error=error, result=result)
        return ImportJobStatus.FAILED

    if not importer_class.can_import(job.owner):
        return failed(_("You may no longer import this. Nothing was imported."))
    if not default_storage.exists(job.file_path):
        return failed(_("The uploaded file is no longer there. Please upload it again."))
    _job_update(job.pk, status=ImportJobStatus.VALIDATING, rows_done=0)
    try:
        with default_storage.open(job.file_path, "rb") as fh:
            result = importer.validate(fh, progress=lambda n: _job_update(job.pk, rows_done=n))
    except DomainError as exc:
        return failed(_("Nothing was imported: %(error)s") % {"error": exc})
    if not result.ok:
        count = len(result.error_rows)
        error = result.file_error or ngettext(
            "Nothing was imported: %(count)d row has errors.", "Nothing was imported: %(count)d rows have errors.",
            count) % {"count": count}
        return failed(error, **_row_errors(result))
    _job_update(job.pk, status=ImportJobStatus.WRITING, rows_done=0, rows_total=len(result.rows))

    def mark_done(saved: int) -> None:  # inside the write transaction: done exactly when written
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJobStatus.DONE, finished_at=timezone.now(), rows_done=len(result.rows),
            result={"saved": saved, "skipped": result.skipped_count, **importer.job_result()},
            secret=importer.job_secret(),
        )

    result = importer.write(result, progress=lambda n: _job_update(job.pk, rows_done=n), on_saved=mark_done)
    if not result.saved and result.file_error:
        return failed(result.file_error)
    return ImportJobStatus.DONE


def _finish(job) -> None:
    """The audit record of the confirmed import and the owner's notice."""
    from .audit import audit_record
    from .models import AuditResult, ImportJobStatus
    from .notices import send

    done = job.status == ImportJobStatus.DONE
    saved = job.result.get("saved", 0) if done else 0
    if done:
        audit_record("import", user=job.owner, obj=job, organisation=job.organisation,
                     detail=_("%(title)s: %(count)d rows") % {"title": job.title, "count": saved})
        title = _("Import finished: %(title)s") % {"title": job.title}
        body = ngettext("%(count)d row was imported.", "%(count)d rows were imported.", saved) % {"count": saved}
    else:
        audit_record("import", user=job.owner, obj=job, organisation=job.organisation, result=AuditResult.FAILURE,
                     detail=f"{job.title}: {_('nothing imported')}")
        title = _("Import failed: %(title)s") % {"title": job.title}
        body = job.error
    send(key=f"import-job:{job.pk}", title=title, body=body, url=job.get_absolute_url(),
         level="info" if done else "warning", users=[job.owner], organisation=job.organisation)
