"""Objects owned by a school, for the generic access test (another school's user gets 404)."""
import datetime
import itertools

from reports.circular import draft_circular
from reports.models import BullyingScreening, Circular, MonthlyReport, ReportItem, Summary, WorkbookJob

from . import factories as rf


def _item(school):
    return rf.report(school).items.first()


def _screening(school):
    from reports import services

    monday = datetime.date(2026, 3, 2) - datetime.timedelta(weeks=next(_weeks))  # the past: never refused
    return services.screening_save(school=school, actor=rf.officer_of(school), screened_on=monday,
                                   classes_covered=12, risks_found=0)


_weeks = itertools.count()


def _summary(school):
    from campaign_site.campaigns.models import Deadline, DeadlineKind
    from reports import services

    campaign = rf.campaign_for(school)
    deadline = Deadline.objects.create(campaign=campaign, kind=DeadlineKind.SUMMARY, name="工作总结",
                                       date=datetime.date(2026, 3, 1) + datetime.timedelta(days=next(_weeks)))
    return services.summary_submit(school=school, deadline=deadline, period=deadline.date,
                                   actor=rf.officer_of(school), title="工作总结", text="总结正文")


def _circular(school):
    """The draft circular of the school's bureau (drafts are the bureau's own: school B gets 404)."""
    return draft_circular(bureau=rf.bureau_of(school), campaign=rf.campaign_for(school), month=rf.MONTH)


OBJECTS = {
    MonthlyReport: rf.report,
    BullyingScreening: _screening,
    Summary: _summary,
    ReportItem: _item,
    Circular: _circular,
}

_months = itertools.count()


def _another_month(school):
    n = next(_months)
    return rf.report(school, month=datetime.date(2000 + n // 12, n % 12 + 1, 1), items=False)


def _another_circular(school):
    n = next(_months)
    return rf.circular(rf.bureau_of(school), month=datetime.date(2000 + n // 12, n % 12 + 1, 1))


LIST_OBJECTS = {MonthlyReport: _another_month, BullyingScreening: _screening, Summary: _summary,
                Circular: _another_circular}


def _workbook_job(user):
    """A workbook job of `user`'s (only its owner sees it or downloads it: 404 for everyone else)."""
    from reports.models import WorkbookJob

    school = user.memberships.first().organisation
    return WorkbookJob.objects.create(owner=user, bureau=rf.bureau_of(school), campaign=rf.campaign_for(school),
                                      month=datetime.date(2026, 4, 1), rows_total=3000)


PERSONAL = {WorkbookJob: _workbook_job}
