"""The bureau's dashboard in a browser: ECharts draws under the Content-Security-Policy, and a click
on a chart segment opens the filtered list with the same number of hazards (issue 10.7)."""
import datetime

import pytest
from django.utils import timezone

from reports.rollups import rollups_refresh
from tests.hazards import factories as hf

from .conftest import login, screenshot

pytestmark = pytest.mark.e2e


def test_a_chart_segment_opens_the_list_it_counts(page, school_a, school_b, bureau_staff):
    today = timezone.localdate()
    for _i in range(3):
        hf.hazard(school_a)
    old = today - datetime.timedelta(days=70)
    hf.hazard(school_b, found_on=old, deadline=old + datetime.timedelta(days=5))
    rollups_refresh()
    violations = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    login(page, "bureau_staff")
    page.goto("/reports/dashboard/")
    page.wait_for_selector("#chart-overdue_schools canvas")
    page.wait_for_selector("#chart-status canvas")
    screenshot(page, "dashboard-bureau")
    assert violations == []

    # the single bar of "schools with the most overdue hazards": school B, 1 overdue hazard
    x, y = page.evaluate("""() => {
        const chart = echarts.getInstanceByDom(document.getElementById('chart-overdue_schools'));
        return chart.convertToPixel({seriesIndex: 0}, [0.5, 0]);
    }""")
    page.locator("#chart-overdue_schools").click(position={"x": x, "y": y})
    page.wait_for_url(lambda url: "/hazards/" in url and "overdue=true" in url)
    assert f"organisation={school_b.pk}" in page.url
    page.wait_for_selector("[data-testid=summary] a.btn-dark")
    assert page.locator("tbody tr").count() == 1
