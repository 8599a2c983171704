"""Monthly reports for tests, made through the services as users would."""
import datetime

from campaign_site.accounts.models import Role
from reports import services
from reports.models import ItemKind, MonthlyReport
from tests import factories as f
from tests.campaigns.factories import campaign as make_campaign

MONTH = datetime.date(2026, 4, 1)


def bureau_of(school):
    return school.parent


def campaign_for(school):
    from campaign_site.campaigns.models import Campaign

    existing = Campaign.objects.filter(organisation=bureau_of(school), title="测试攻坚行动").first()
    return existing or asking_reports(make_campaign(bureau_of(school)))


def asking_reports(campaign):
    """A campaign whose document asks for a monthly report (no day set: due on REPORT_DUE_DAY)."""
    from campaign_site.campaigns.models import Deadline, DeadlineKind

    Deadline.objects.create(campaign=campaign, kind=DeadlineKind.MONTHLY_REPORT, name="月报")
    return campaign


def officer_of(school):
    membership = school.memberships.filter(role=Role.SAFETY_OFFICER, is_active=True).select_related("user").first()
    return membership.user if membership else f.member(school, Role.SAFETY_OFFICER)


def report(school, *, month=MONTH, items=True) -> MonthlyReport:
    """A draft report of `school` for `month` (created directly: the open service asks for today's month),
    with 3 pieces of work information and 1 typical case unless items=False."""
    campaign = campaign_for(school)
    from reports.selectors import due_date

    rep, _created = MonthlyReport.objects.get_or_create(
        organisation=school, campaign=campaign, month=month, defaults={"due_date": due_date(campaign, month)})
    if items:
        add_items(rep, officer_of(school))
    return rep


def add_items(rep, actor, info=3, cases=1):
    for n in range(info):
        services.item_save(report=rep, actor=actor, kind=ItemKind.WORK_INFO, title=f"工作信息{n + 1}",
                           body="本月开展消防安全自查，整改隐患。")
    for n in range(cases):
        services.item_save(report=rep, actor=actor, kind=ItemKind.TYPICAL_CASE, title=f"典型案例{n + 1}",
                           body="食堂燃气管线老化，及时更换。")


def circular(bureau, *, month=MONTH, campaign=None, status="draft"):
    """A circular of `bureau` stored directly (list pages need many); the service drafts real ones."""
    from django.utils import timezone

    from reports.models import Circular

    campaign = campaign or _bureau_campaign(bureau)
    return Circular.objects.get_or_create(
        organisation=bureau, campaign=campaign, month=month,
        defaults={"number": f"{bureau.name}安全通报〔{month.year}〕{month.month}号", "title": f"{month:%Y-%m}通报",
                  "date": timezone.localdate(), "drafted_at": timezone.now(), "status": status,
                  "content": {"sections": [{"heading": "一、总体进展", "paragraphs": ["全区学校均已报送。"],
                                            "cases": []}]}})[0]


def _bureau_campaign(bureau):
    from campaign_site.campaigns.models import Campaign

    existing = Campaign.objects.filter(organisation=bureau, title="测试攻坚行动").first()
    return existing or asking_reports(make_campaign(bureau))
