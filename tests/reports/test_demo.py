"""The demo monthly reports: past months reported (on time, one late, one returned, two missing),
this month's report of demo school 1 a draft; built once."""
import datetime
import io
import zoneinfo

import pytest
import time_machine

from campaign_site.generic import demo
from reports.models import MonthlyReport, ReportItem, ReportStatus
from reports.selectors import overview_counts


@pytest.fixture
def demo_built(db):
    with time_machine.travel(datetime.datetime(2026, 12, 2, 9, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")),
                             tick=False):
        out = io.StringIO()
        for _order, name, fn in demo.builders():
            if name in ("accounts", "campaigns", "reports"):
                fn(out)
        yield out.getvalue()


def test_demo_reports(demo_built):
    from campaign_site.accounts.models import User

    assert "reports:" in demo_built
    first = MonthlyReport.objects.order_by("month").first()
    campaign = first.campaign
    past = MonthlyReport.objects.filter(campaign=campaign).exclude(status=ReportStatus.DRAFT)
    assert past.filter(status=ReportStatus.RETURNED).count() == 1
    assert past.filter(figures__isnull=True).count() == 0
    assert ReportItem.objects.filter(for_circular=True).exists()
    draft = MonthlyReport.objects.get(status=ReportStatus.DRAFT)
    assert draft.month == datetime.date(2026, 12, 1) and draft.items.count() == 2
    counts = overview_counts(campaign, first.month, User.objects.get(username="bureau"))
    assert counts["missing"] == 2 and counts["late"] == 1 and counts["on_time"] >= 5
    for _order, name, fn in demo.builders():  # idempotent
        if name == "reports":
            fn(io.StringIO())
    assert MonthlyReport.objects.filter(campaign=campaign).count() == past.count() + 1
