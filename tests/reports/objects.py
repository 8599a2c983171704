"""Objects owned by a school, for the generic access test (another school's user gets 404)."""
import datetime
import itertools

from reports.models import MonthlyReport, ReportItem

from . import factories as rf


def _item(school):
    return rf.report(school).items.first()


OBJECTS = {
    MonthlyReport: rf.report,
    ReportItem: _item,
}

_months = itertools.count()


def _another_month(school):
    n = next(_months)
    return rf.report(school, month=datetime.date(2000 + n // 12, n % 12 + 1, 1), items=False)


LIST_OBJECTS = {MonthlyReport: _another_month}
