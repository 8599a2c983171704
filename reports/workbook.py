"""The bureau's monthly statistics workbook (月度统计表): one .xlsx for a bureau, campaign and month.

Sheet 1, the statistics table: a merged title row, a two-row header (the section over each
figure's label and unit), one row per school of the campaign below the bureau with the figures its
report froze at submission (a school without a submitted report says so and has no figures), a
totals row (sums; the rectification rate recomputed from its parts), frozen panes, widths and
number formats. Sheet 2: the open hazards below the bureau that are overdue or major. Sheet 3: the
schools whose report came late or not at all.

Written in openpyxl's write-only mode (rows streamed to the file, memory flat in the number of
schools) in a constant number of queries; every text cell is written as text, never as a formula
(`generic.excel.xlsx_text_cell`). Used by the Celery task behind the overview's button and by
`manage.py export_monthly_statistics`.
"""
from __future__ import annotations

import datetime
import io
from collections.abc import Callable

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from campaign_site.campaigns.selectors import Timeliness
from campaign_site.generic.excel import xlsx_text, xlsx_text_cell
from hazards.models import HazardLevel, HazardStatus
from hazards.selectors import OVERDUE_OR_MAJOR_LIMIT, overdue_or_major

from . import selectors
from .models import ReportStatus
from .statistics import FIGURES

#: The language of the workbook (the bureau's official layout).
LANGUAGE = "zh-hans"
#: Progress is reported every this many schools.
PROGRESS_EVERY = 200
FROZEN = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)

INT_FORMAT = "0"
YUAN_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.0%"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"


class _Styles:
    def __init__(self):
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        side = Side(style="thin", color="808080")
        self.border = Border(left=side, right=side, top=side, bottom=side)
        self.title_font = Font(bold=True, size=16)
        self.bold = Font(bold=True)
        self.fill = PatternFill("solid", fgColor="DDEBF7")
        self.total_fill = PatternFill("solid", fgColor="FFF2CC")
        self.center = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _text(sheet, value, *, font=None, fill=None, border=None, alignment=None, number_format=None):
    cell = xlsx_text_cell(sheet, value)
    for name, style in (("font", font), ("fill", fill), ("border", border), ("alignment", alignment),
                        ("number_format", number_format)):
        if style is not None:
            setattr(cell, name, style)
    return cell


def _number_cell(sheet, number_format, **style):
    """A reusable cell of a column: in write-only mode a row is serialised as soon as it is
    appended, so one styled cell per column serves every row (no per-cell style lookup)."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet)
    cell.number_format = number_format
    for name, value in style.items():
        setattr(cell, name, value)
    return cell


def _local(value: datetime.datetime | None):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _figure_format(figure) -> str:
    if figure.percent:
        return PERCENT_FORMAT
    if figure.decimal:
        return YUAN_FORMAT
    return INT_FORMAT


def _value(figure, figures: dict, manual: dict):
    value = (manual if figure.manual else figures).get(figure.key)
    if value is None or value == "":
        return None
    if figure.percent:
        return float(value) / 100
    return float(value) if figure.decimal else int(value)


def _title_row(sheet, styles, text: str, width: int):
    from openpyxl.utils import get_column_letter

    sheet.merged_cells.add(f"A1:{get_column_letter(width)}1")
    sheet.row_dimensions[1].height = 36
    sheet.append([_text(sheet, text, font=styles.title_font, alignment=styles.center)])


def _simple_header(sheet, styles, headers: list[str], widths: list[int]):
    from openpyxl.utils import get_column_letter

    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A3"
    sheet.append([_text(sheet, h, font=styles.bold, fill=styles.fill, border=styles.border,
                        alignment=styles.center) for h in headers])


def _overview(bureau, campaign, month, now):
    """Every school of the campaign below `bureau`, with its report's status and timeliness."""
    return selectors.overview(campaign, month, None, now=now).filter(path__startswith=bureau.path)


def _sizes(overview) -> tuple[int, int]:
    """(number of schools, longest name in characters): one query, before the rows are streamed."""
    from django.db.models import Count, Max
    from django.db.models.functions import Length

    row = overview.order_by().aggregate(n=Count("pk"), longest=Max(Length("name")))
    return row["n"] or 0, row["longest"] or 0


def _rows(overview):
    """The schools in order with their report's frozen figures (None unless submitted or accepted),
    streamed from the database in chunks: memory does not grow with the district."""
    from django.db.models import F

    rows = overview.annotate(rep_figures=F("rep__figures"), rep_manual=F("rep__manual_figures")).values_list(
        "name", "report_status", "submitted_at", "timeliness", "rep_figures", "rep_manual")
    for name, status, submitted_at, timeliness, figures, manual in rows.iterator(chunk_size=500):
        entry = (figures or {}, manual or {}) if status in FROZEN else None
        yield name, status, submitted_at, timeliness, entry


def _statistics_sheet(book, styles, *, bureau, campaign, month, overview, total, longest, progress):
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(pgettext("workbook sheet", "Statistics"))
    fixed = [_("No."), _("School"), pgettext("workbook column", "Report"), pgettext("workbook column", "Timeliness"),
             _("First submitted at")]
    width = len(fixed) + len(FIGURES)
    # Widths, merged header cells and frozen panes must be set before the first row is streamed.
    name_width = 2 * longest  # a Chinese character takes two columns
    for i, w in enumerate((6, min(max(name_width + 2, 14), 40), 10, 10, 17), start=1):
        sheet.column_dimensions[get_column_letter(i)].width = w
    for i, figure in enumerate(FIGURES, start=len(fixed) + 1):
        sheet.column_dimensions[get_column_letter(i)].width = 13 if figure.decimal else 11
    for i in range(1, len(fixed) + 1):
        letter = get_column_letter(i)
        sheet.merged_cells.add(f"{letter}2:{letter}3")
    start = len(fixed) + 1
    sections: list[tuple[str, int, int]] = []
    for i, figure in enumerate(FIGURES, start=start):
        if sections and sections[-1][0] == str(figure.section):
            sections[-1] = (sections[-1][0], sections[-1][1], i)
        else:
            sections.append((str(figure.section), i, i))
    for _label, first, last in sections:
        if last > first:
            sheet.merged_cells.add(f"{get_column_letter(first)}2:{get_column_letter(last)}2")
    sheet.freeze_panes = f"{get_column_letter(3)}4"

    title = _("%(bureau)s %(campaign)s: statistics for %(month)s") % {
        "bureau": bureau.name, "campaign": campaign.title, "month": _("%(year)d-%(month)02d") % {
            "year": month.year, "month": month.month}}
    _title_row(sheet, styles, title, width)

    def head(text):
        return _text(sheet, text, font=styles.bold, fill=styles.fill, border=styles.border, alignment=styles.center)

    row2 = [head(t) for t in fixed]
    for label, first, last in sections:
        row2.append(head(label))
        row2.extend(head("") for _i in range(last - first))
    sheet.append(row2)
    unit_row = [head("") for _t in fixed]
    for figure in FIGURES:
        unit = str(figure.unit)
        unit_row.append(head(f"{figure.label}（{unit}）" if unit else str(figure.label)))
    sheet.row_dimensions[3].height = 75
    sheet.append(unit_row)

    status_labels = {k: str(v) for k, v in ReportStatus.choices}
    timeliness_labels = {k: str(v) for k, v in Timeliness.choices}
    not_reported = _("Not reported")
    # Data rows are written as plain values (what openpyxl streams fastest); only the figures that
    # need a format (yuan, percentages) and the submission time go through one styled cell per
    # column, refilled row after row (a write-only row is serialised as soon as it is appended).
    formatted = {i: _number_cell(sheet, _figure_format(f)) for i, f in enumerate(FIGURES) if f.percent or f.decimal}
    at_cell = _number_cell(sheet, DATETIME_FORMAT)
    blanks = [None] * len(FIGURES)
    sums = [0.0] * len(FIGURES)
    rate_found = rate_closed = 0
    reported = 0
    for n, (name, status, submitted_at, timeliness, entry) in enumerate(_rows(overview), start=1):
        row = [n, xlsx_text(sheet, name),
               not_reported if entry is None else status_labels.get(status, status),
               timeliness_labels.get(timeliness, "")]
        if submitted_at:
            at_cell.value = _local(submitted_at)
            row.append(at_cell)
        else:
            row.append(None)
        if entry is None:
            row.extend(blanks)
        else:
            reported += 1
            figures, manual = entry
            for i, figure in enumerate(FIGURES):
                value = _value(figure, figures, manual)
                if value is not None and not figure.percent:
                    sums[i] += value
                cell = formatted.get(i)
                if cell is not None:
                    cell.value = value
                    value = cell
                row.append(value)
            rate_found += figures.get("rate_found") or 0
            rate_closed += figures.get("rate_closed") or 0
        sheet.append(row)  # written now: the reused cells are free for the next row
        if progress is not None and n % PROGRESS_EVERY == 0:
            progress(n, total)

    totals = [_text(sheet, "", border=styles.border, fill=styles.total_fill),
              _text(sheet, _("Total"), font=styles.bold, border=styles.border, fill=styles.total_fill),
              _text(sheet, _("%(reported)d of %(total)d reported") % {"reported": reported, "total": total},
                    font=styles.bold, border=styles.border, fill=styles.total_fill),
              _text(sheet, "", border=styles.border, fill=styles.total_fill),
              _text(sheet, "", border=styles.border, fill=styles.total_fill)]
    for i, figure in enumerate(FIGURES):
        if figure.percent:
            value = rate_closed / rate_found if rate_found else None
        else:
            value = sums[i] if figure.decimal else int(sums[i])
        cell = _number_cell(sheet, _figure_format(figure), border=styles.border, font=styles.bold,
                            fill=styles.total_fill)
        cell.value = value
        totals.append(cell)
    sheet.append(totals)


def _hazards_sheet(book, styles, *, bureau, today):
    sheet = book.create_sheet(_("Overdue and major hazards"))
    headers = [_("No."), _("School"), _("Hazard number"), _("Hazard"), _("Location"), _("Level"), _("Status"),
               _("Found on"), _("Deadline"), _("Days overdue"), _("Listed for supervision")]
    _title_row(sheet, styles, _("Open hazards past their deadline or major, as of %(date)s") % {
        "date": today.isoformat()}, len(headers))
    _simple_header(sheet, styles, headers, [6, 30, 22, 36, 24, 8, 16, 12, 12, 10, 10])
    levels, statuses = dict(HazardLevel.choices), dict(HazardStatus.choices)
    no_cell, days_cell = _number_cell(sheet, INT_FORMAT), _number_cell(sheet, INT_FORMAT)
    found_cell, due_cell = _number_cell(sheet, DATE_FORMAT), _number_cell(sheet, DATE_FORMAT)
    yes, no = _("Yes"), _("No")
    count = 0
    for count, h in enumerate(overdue_or_major(bureau, today=today, limit=OVERDUE_OR_MAJOR_LIMIT + 1), start=1):
        if count > OVERDUE_OR_MAJOR_LIMIT:
            sheet.append([_text(sheet, _("Only the first %(n)d hazards are listed.") % {
                "n": OVERDUE_OR_MAJOR_LIMIT}, font=styles.bold)])
            break
        no_cell.value, found_cell.value, due_cell.value = count, h["found_on"], h["due"]
        overdue = (today - h["due"]).days if h["due"] and h["due"] < today else None
        days_cell.value = overdue
        sheet.append([no_cell, _text(sheet, h["organisation__name"]), _text(sheet, h["number"]),
                      _text(sheet, h["title"]), _text(sheet, h["location"]),
                      _text(sheet, levels.get(h["level"], h["level"])),
                      _text(sheet, statuses.get(h["status"], h["status"])), found_cell, due_cell,
                      days_cell if overdue is not None else None, _text(sheet, yes if h["is_listed"] else no)])
    if count == 0:
        sheet.append([None, _text(sheet, _("No open hazard is overdue or major."))])


def _late_sheet(book, styles, *, campaign, month, overview):
    sheet = book.create_sheet(_("Late or missing reports"))
    headers = [_("No."), _("School"), pgettext("workbook column", "Timeliness"), _("Due"), _("First submitted at"),
               _("Report status")]
    due = selectors.due_date(campaign, month)
    _title_row(sheet, styles, _("Reports of %(month)s due by %(due)s that came late or not at all") % {
        "month": f"{month:%Y-%m}", "due": due.isoformat()}, len(headers))
    _simple_header(sheet, styles, headers, [6, 36, 10, 12, 17, 22])
    labels, statuses = dict(Timeliness.choices), dict(ReportStatus.choices)
    no_cell, due_cell, at_cell = (_number_cell(sheet, INT_FORMAT), _number_cell(sheet, DATE_FORMAT),
                                  _number_cell(sheet, DATETIME_FORMAT))
    due_cell.value = due
    count = 0
    late = overview.filter(timeliness__in=[Timeliness.LATE, Timeliness.MISSING])
    for name, status, submitted_at, timeliness in late.values_list(
            "name", "report_status", "submitted_at", "timeliness").iterator(chunk_size=500):
        count += 1
        no_cell.value = count
        at_cell.value = _local(submitted_at)
        sheet.append([no_cell, _text(sheet, name), _text(sheet, labels[timeliness]), due_cell,
                      at_cell if submitted_at else None,
                      _text(sheet, statuses.get(status, "") if status else _("Not started"))])
    if count == 0:
        sheet.append([None, _text(sheet, _("No report came late or is missing."))])


def campaigns_covering(bureau, month: datetime.date):
    """The live campaigns running in `month` whose schools include some below `bureau`: issued by
    it, by a bureau above it or by one below it."""
    from django.db.models import Q

    from campaign_site.accounts.models import PATH_STEP
    from campaign_site.campaigns.models import Campaign, CampaignStatus

    step = PATH_STEP + 1
    above = [bureau.path[: i + step] for i in range(0, len(bureau.path), step)]
    first = month.replace(day=1)
    last = datetime.date(first.year + first.month // 12, first.month % 12 + 1, 1) - datetime.timedelta(days=1)
    return (Campaign.objects.live().filter(status__in=[CampaignStatus.ACTIVE, CampaignStatus.CLOSED])
            .filter(Q(organisation__path__in=above) | Q(organisation__path__startswith=bureau.path))
            .filter(start__lte=last, end__gte=first).order_by("-start", "pk"))


def build_workbook(bureau, campaign, month: datetime.date, *, progress: Callable[[int, int], None] | None = None,
                   now: datetime.datetime | None = None) -> bytes:
    """The statistics workbook of the schools of `campaign` below `bureau` for `month` (its first
    day), as .xlsx bytes. `progress(done, total)` is called every few hundred schools."""
    from openpyxl import Workbook

    now = now or timezone.now()
    month = month.replace(day=1)
    with translation.override(LANGUAGE):
        overview = _overview(bureau, campaign, month, now)
        total, longest = _sizes(overview)
        if progress is not None:
            progress(0, total)
        book = Workbook(write_only=True)
        styles = _Styles()
        _statistics_sheet(book, styles, bureau=bureau, campaign=campaign, month=month, overview=overview,
                          total=total, longest=longest, progress=progress)
        _hazards_sheet(book, styles, bureau=bureau, today=timezone.localdate(now))
        _late_sheet(book, styles, campaign=campaign, month=month, overview=overview)
        out = io.BytesIO()
        book.save(out)
    if progress is not None:
        progress(total, total)
    return out.getvalue()


def filename(bureau, month: datetime.date) -> str:
    with translation.override(LANGUAGE):
        return _("%(bureau)s monthly statistics %(month)s.xlsx") % {"bureau": bureau.name,
                                                                    "month": f"{month:%Y-%m}"}


# --------------------------------------------------------------------------- the background job


def workbook_job_start(*, owner, bureau, campaign, month: datetime.date):
    """Record the request for a bureau's workbook and queue its task once the row is committed.
    Returns the WorkbookJob; its page shows the progress, then the download."""
    from django.db import transaction

    from .models import WorkbookJob

    job = WorkbookJob.objects.create(owner=owner, bureau=bureau, campaign=campaign, month=month.replace(day=1))
    job_id = str(job.pk)

    def queue():
        from .tasks import build_workbook_job

        build_workbook_job.delay(job_id)

    transaction.on_commit(queue)
    return job


def _job_update(job_id, **fields) -> None:
    """One short write of its own, so the page sees the progress while the job runs."""
    from .models import WorkbookJob

    WorkbookJob.objects.filter(pk=job_id).update(**fields)


def workbook_job_run(job_id) -> str:
    """Build a requested workbook (the Celery task's body) into MEDIA_ROOT; the owner gets a notice.
    Returns the job's final status. A finished job is left as it is (a repeated task does nothing)."""
    import logging

    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from campaign_site.generic.notices import send

    from .models import WorkbookJob, WorkbookJobStatus

    job = WorkbookJob.objects.select_related("owner", "bureau", "campaign").filter(pk=job_id).first()
    if job is None or job.is_finished:
        return job.status if job else ""
    _job_update(job.pk, status=WorkbookJobStatus.RUNNING, rows_done=0)
    with translation.override(getattr(job.owner, "language", "") or settings.LANGUAGE_CODE):
        try:
            data = build_workbook(job.bureau, job.campaign, job.month,
                                  progress=lambda done, total: _job_update(job.pk, rows_done=done, rows_total=total))
            path = default_storage.save(f"workbooks/{job.owner_id}/{job.pk.hex}.xlsx", ContentFile(data))
        except Exception:
            logging.getLogger(__name__).exception("statistics workbook %s failed", job.pk)
            _job_update(job.pk, status=WorkbookJobStatus.FAILED, finished_at=timezone.now(),
                        error=_("The workbook could not be built because of an unexpected error. Please try again."))
            status = WorkbookJobStatus.FAILED
            title, level = _("The statistics workbook could not be built"), "warning"
        else:
            _job_update(job.pk, status=WorkbookJobStatus.DONE, finished_at=timezone.now(), file_path=path)
            status = WorkbookJobStatus.DONE
            title, level = _("The statistics workbook of %(month)s is ready") % {"month": f"{job.month:%Y-%m}"}, "info"
        send(key=f"workbook-job:{job.pk}", title=title, body=str(job.campaign.title), url=job.get_absolute_url(),
             level=level, users=[job.owner], organisation=job.bureau)
    return status


def workbook_files_purge(*, now=None) -> int:
    """Remove the files of workbooks built more than `settings.WORKBOOK_KEEP_DAYS` days ago (the
    nightly task): a workbook is built on request for a download or two, and thousands of them
    would otherwise fill the disk. The job stays (who asked for what, when); its page says the file
    was removed and offers to build it again. Returns the number of files removed."""
    from django.conf import settings
    from django.core.files.storage import default_storage

    from .models import WorkbookJob, WorkbookJobStatus

    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.WORKBOOK_KEEP_DAYS)
    removed = 0
    old = WorkbookJob.objects.filter(status=WorkbookJobStatus.DONE, finished_at__lt=cutoff).exclude(file_path="")
    for job_id, path in old.values_list("pk", "file_path").iterator():
        default_storage.delete(path)  # a file already gone is no error
        _job_update(job_id, file_path="")
        removed += 1
    return removed
