"""The bureau's monthly statistics workbook, read back with openpyxl: sheets, the merged header, a
school's row (its frozen figures), the totals, a school without a report, text that looks like a
formula; the command; the background job and its owner-only page and download."""
import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from reports import services, workbook
from reports.models import MonthlyReport, WorkbookJob, WorkbookJobStatus
from reports.statistics import FIGURES
from reports.workbook import build_workbook
from tests import factories as f
from tests.hazards import factories as hf

from . import factories as rf

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
MAY_2 = datetime.datetime(2026, 5, 2, 10, 0, tzinfo=SH)  # April's reports are due (25th by default)
FIXED = 5  # No., school, report, timeliness, first submitted at
COL = {fig.key: FIXED + 1 + i for i, fig in enumerate(FIGURES)}


@pytest.fixture
def april(school_a, school_b, officer_a, principal_a):
    """School A submitted April's report (a hazard found, a figure entered), school B did not."""
    d = datetime.date
    with time_machine.travel(datetime.datetime(2026, 4, 20, 10, tzinfo=SH), tick=False):
        hf.hazard(school_a, found_on=d(2026, 4, 2), deadline=d(2026, 4, 10))
        hf.major_hazard(school_a, found_on=d(2026, 4, 6), deadline=d(2026, 5, 30), title="=HYPERLINK(\"x\")")
        rep = rf.report(school_a)
        services.report_update(report=rep, actor=officer_a, progress="本月完成消防自查。",
                               manual_figures={"chemical_counts": 2})
        services.report_approve(report=rep, actor=principal_a)
    rep.refresh_from_db()
    return rep


def _book(data):
    return load_workbook(io.BytesIO(data))


def _row_of(sheet, name):
    for row in sheet.iter_rows(min_row=4):
        if row[1].value == name:
            return row
    raise AssertionError(f"{name} is not in the sheet")


@pytest.mark.django_db
def test_the_workbook_has_the_bureaus_layout_and_the_frozen_figures(april, district, school_a, school_b):
    with time_machine.travel(MAY_2, tick=False):
        book = _book(build_workbook(district, april.campaign, april.month))
    assert book.sheetnames == ["统计表", "逾期和重大隐患", "迟报和未报"]
    sheet = book["统计表"]
    assert "测试区教育局" in sheet["A1"].value and "统计表" in sheet["A1"].value
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert f"A1:{get_column_letter(FIXED + len(FIGURES))}1" in merged
    assert "B2:B3" in merged  # the school column spans both header rows
    hazards_col = COL["hazards_general"]
    section = [r for r in sheet.merged_cells.ranges if r.min_row == 2 and r.min_col <= hazards_col <= r.max_col][0]
    assert sheet.cell(row=2, column=section.min_col).value == "隐患排查与整改"
    assert sheet.cell(row=3, column=hazards_col).value == "排查一般隐患（项）"
    assert sheet.freeze_panes == "C4"

    row = _row_of(sheet, school_a.name)
    values = {fig.key: row[COL[fig.key] - 1].value for fig in FIGURES}
    assert values["hazards_general"] == april.figures["hazards_general"] == 1
    assert values["hazards_major"] == 1
    assert values["chemical_counts"] == 2  # entered by the school
    for fig in FIGURES:
        if not fig.manual and not fig.percent:
            assert values[fig.key] == april.figures[fig.key], fig.key
    assert values["rectification_rate"] == 0  # 0 closed of 2 found, as a percentage cell
    assert row[COL["rectification_rate"] - 1].number_format == "0.0%"
    assert row[COL["funds"] - 1].number_format == "#,##0.00"
    assert row[2].value == "已报送"

    missing = _row_of(sheet, school_b.name)
    assert missing[2].value == "未报送"
    assert missing[3].value == "未报送"  # the timeliness: due on the 25th, nothing came
    assert all(c.value in (None, "") for c in missing[FIXED:])

    totals = list(sheet.iter_rows(min_row=sheet.max_row))[0]
    assert totals[1].value == "合计"
    assert totals[2].value == "已报送 1 所，共 2 所"
    assert totals[COL["hazards_general"] - 1].value == 1
    assert totals[COL["rectification_rate"] - 1].value == 0


@pytest.mark.django_db
def test_the_totals_add_the_schools_and_recompute_the_rate(district, school_a, school_b, principal_a):
    """Rate 1/1 at one school and 0/3 at the other: the total is 1 of 4 (25 %), not 100 % + 0 %."""
    figures = {fig.key: 0 for fig in FIGURES if not fig.manual}
    campaign = rf.campaign_for(school_a)
    month = datetime.date(2026, 4, 1)
    for school, found, closed, funds in ((school_a, 1, 1, 100.5), (school_b, 3, 0, 20)):
        MonthlyReport.objects.create(
            organisation=school, campaign=campaign, month=month, due_date=datetime.date(2026, 4, 25),
            status="accepted", manual_figures={"publicity": 1},
            figures={**figures, "hazards_general": found, "funds": funds, "rate_found": found, "rate_closed": closed,
                     "rectification_rate": round(100 * closed / found, 1)})
    sheet = _book(build_workbook(district, campaign, month))["统计表"]
    totals = list(sheet.iter_rows(min_row=sheet.max_row))[0]
    assert totals[COL["hazards_general"] - 1].value == 4
    assert totals[COL["funds"] - 1].value == pytest.approx(120.5)
    assert totals[COL["publicity"] - 1].value == 2
    assert totals[COL["rectification_rate"] - 1].value == 0.25
    assert _row_of(sheet, school_a.name)[COL["rectification_rate"] - 1].value == 1.0


@pytest.mark.django_db
def test_text_that_looks_like_a_formula_stays_text(april, district):
    school = f.organisation(name="=1+2", parent=district, code="SCHF0001")
    with time_machine.travel(MAY_2, tick=False):
        book = _book(build_workbook(district, april.campaign, april.month))
    cell = _row_of(book["统计表"], "=1+2")[1]
    assert cell.data_type == "s" and cell.value == school.name
    hazards = book["逾期和重大隐患"]
    rows = list(hazards.iter_rows(min_row=3))
    # The general one is 22 days past its deadline of 10 April; the major one is not yet due.
    assert [(r[5].value, r[9].value) for r in rows] == [("一般", 22), ("重大", None)]
    assert rows[1][3].value == '=HYPERLINK("x")' and rows[1][3].data_type == "s"
    late = book["迟报和未报"]
    assert [row[1].value for row in late.iter_rows(min_row=3)] == ["第一中学", "=1+2"]
    assert all(row[1].data_type == "s" for row in late.iter_rows(min_row=3))


@pytest.mark.django_db
def test_the_command_writes_the_workbook(april, district, tmp_path):
    out = tmp_path / "stats.xlsx"
    with time_machine.travel(MAY_2, tick=False):
        call_command("export_monthly_statistics", str(out), bureau=district.code, month="2026-04")
    sheet = load_workbook(out)["统计表"]
    assert _row_of(sheet, "实验小学")[COL["hazards_general"] - 1].value == 1


@pytest.mark.django_db
def test_the_bureau_builds_the_workbook_in_the_background_and_only_it_downloads_it(
        april, bureau_staff, district, client, django_capture_on_commit_callbacks):
    client.force_login(bureau_staff)
    with time_machine.travel(MAY_2, tick=False):
        page = client.get(reverse("reports:overview") + f"?campaign={april.campaign.pk}&month=2026-04")
        assert "下载统计表" in page.content.decode()
        with django_capture_on_commit_callbacks(execute=True):  # the task runs (eagerly) after the commit
            response = client.post(reverse("reports:workbook_start"),
                                   {"campaign": april.campaign.pk, "month": "2026-04"})
    job = WorkbookJob.objects.get(owner=bureau_staff)
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert (job.bureau, job.month, job.status) == (district, datetime.date(2026, 4, 1), WorkbookJobStatus.DONE)
    assert (job.rows_done, job.rows_total) == (2, 2)
    page = client.get(job.get_absolute_url())
    assert page.status_code == 200 and 'data-testid="workbook-download"' in page.content.decode()
    download = client.get(reverse("reports:workbook_download", args=[job.pk]))
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content)))["统计表"]
    assert _row_of(sheet, "实验小学")[2].value == "已报送"

    colleague = f.member(district, bureau_staff.memberships.first().role, username="colleague")
    client.force_login(colleague)
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.get(reverse("reports:workbook_download", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_a_running_job_shows_its_progress(bureau_staff, district, school_a, client):
    job = WorkbookJob.objects.create(owner=bureau_staff, bureau=district, campaign=rf.campaign_for(school_a),
                                     month=datetime.date(2026, 4, 1), status=WorkbookJobStatus.RUNNING,
                                     rows_total=3000, rows_done=1200)
    client.force_login(bureau_staff)
    fragment = client.get(job.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 2s"' in fragment and "1200 / 3000 所学校" in fragment
    assert client.get(reverse("reports:workbook_download", args=[job.pk])).status_code == 302


@pytest.mark.django_db
def test_a_school_cannot_start_a_workbook(april, officer_a, client):
    client.force_login(officer_a)
    response = client.post(reverse("reports:workbook_start"), {"campaign": april.campaign.pk, "month": "2026-04"})
    assert response.status_code == 403
    assert not WorkbookJob.objects.exists()


@pytest.mark.django_db
def test_workbook_files_are_removed_after_the_keep_days_and_the_page_offers_to_build_again(
        april, bureau_staff, district, client, settings, django_capture_on_commit_callbacks):
    from django.core.files.storage import default_storage

    from reports.tasks import purge_workbooks

    settings.WORKBOOK_KEEP_DAYS = 7
    with time_machine.travel(MAY_2, tick=False), django_capture_on_commit_callbacks(execute=True):
        old = workbook.workbook_job_start(owner=bureau_staff, bureau=district, campaign=april.campaign,
                                          month=datetime.date(2026, 4, 1))
    with time_machine.travel(MAY_2 + datetime.timedelta(days=6), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        recent = workbook.workbook_job_start(owner=bureau_staff, bureau=district, campaign=april.campaign,
                                             month=datetime.date(2026, 4, 1))
    old.refresh_from_db()
    recent.refresh_from_db()
    old_path = old.file_path
    assert default_storage.exists(old_path) and default_storage.exists(recent.file_path)

    with time_machine.travel(MAY_2 + datetime.timedelta(days=7, hours=1), tick=False):
        assert purge_workbooks() == 1
        assert purge_workbooks() == 0  # nothing twice
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.file_path == "" and not default_storage.exists(old_path)
    assert recent.file_path and default_storage.exists(recent.file_path)  # built 6 days ago: kept

    client.force_login(bureau_staff)
    page = client.get(old.get_absolute_url()).content.decode()
    assert 'data-testid="workbook-removed"' in page and "7 天后已删除" in page
    response = client.get(reverse("reports:workbook_download", args=[old.pk]), follow=True)
    assert response.redirect_chain[-1][0] == old.get_absolute_url()
    assert "重新生成" in response.content.decode()
