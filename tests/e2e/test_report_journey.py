"""The monthly report in a real browser: the safety officer starts this month's report, writes
three pieces of work information and a typical case and sends it; the principal approves it; the
bureau sees it on time in its overview, accepts it, a figure of the table opens its list, and the
month's workbook downloads with the school in it."""
import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from reports.models import MonthlyReport, ReportStatus
from tests.campaigns.factories import campaign as make_campaign
from tests.hazards import factories as hf
from tests.reports.factories import asking_reports

from .conftest import login, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_officer_writes_principal_approves_bureau_accepts(new_page, district, school_a, officer_a, principal_a,
                                                          bureau_staff):
    today = timezone.localdate()
    asking_reports(make_campaign(district, start=today - datetime.timedelta(days=40),
                                 end=today + datetime.timedelta(days=60), plan_deadline=None))
    hf.hazard(school_a, found_on=today.replace(day=1), title="楼梯扶手松动")

    page = login(new_page(width=390, height=844), "officer_a")  # a phone
    page.goto("/reports/")
    page.click("[data-testid=open-report]")
    page.wait_for_load_state()
    report = MonthlyReport.objects.get(organisation=school_a)
    for n, kind in enumerate(["info"] * 3 + ["case"]):
        page.click(f"[data-testid=add-{kind}]")
        page.fill("input[name=title]", f"第{n + 1}条：消防通道清理")
        page.fill("textarea[name=body]", "组织安全员清理楼道杂物，疏通安全出口。")
        page.click("[data-testid=save]")
        page.wait_for_load_state()
    assert page.inner_text("[data-testid=count-info]").strip().endswith("3 / 3")
    page.click("[data-testid=step-send_for_approval]")
    page.click("[data-testid=confirm]")
    page.wait_for_load_state()
    screenshot(page, "report-officer-sent")

    page = login(new_page(), "principal_a")
    page.goto(report.get_absolute_url())
    page.click("[data-testid=step-approve]")
    page.click("[data-testid=confirm]")
    page.wait_for_load_state()
    assert "上报" in page.inner_text("[data-testid=figures-state]")

    page = login(new_page(), "bureau_staff")
    page.goto(f"/reports/overview/?month={today:%Y-%m}")
    row = page.locator("[data-testid=report-overview] tr", has_text=school_a.name)
    assert "按时报送" in row.inner_text()
    row.locator("a").first.click()
    page.wait_for_load_state()
    screenshot(page, "report-bureau-view")
    page.click("[data-testid=step-accept]")
    page.click("[data-testid=confirm]")
    page.wait_for_load_state()
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    page.click("[data-testid=figure-hazards_general] a")
    page.wait_for_load_state()
    assert "楼梯扶手松动" in page.inner_text("[data-testid=hazard-table]")

    # the month's statistics workbook, built in the background, downloaded by the bureau
    page.goto(f"/reports/overview/?month={today:%Y-%m}")
    page.click("[data-testid=workbook-start]")
    page.wait_for_selector("[data-testid=workbook-download]")
    with page.expect_download() as download:
        page.click("[data-testid=workbook-download]")
    with open(download.value.path(), "rb") as fh:  # the temporary file has no .xlsx name
        sheet = load_workbook(io.BytesIO(fh.read()))["统计表"]
    assert any(school_a.name in [c.value for c in row] for row in sheet.iter_rows())
