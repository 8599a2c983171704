"""Objects for the generic access test: each owned by `school`."""
import datetime as dt

from campaign_site.campaigns.models import (
    Activity,
    ActivityKind,
    Campaign,
    CheckItem,
    Deadline,
    FocusArea,
    ImplementationPlan,
    Phase,
    PlanStatus,
)

from . import factories as cf


def _plan(school):
    campaign = cf.campaign(school.parent, title=f"访问测试行动{school.pk}")
    return ImplementationPlan.objects.create(campaign=campaign, organisation=school, status=PlanStatus.SUBMITTED,
                                             leader="校长", text="方案", submitted_at=None)


def _activity(school):
    return Activity.objects.create(organisation=school, kind=ActivityKind.DRILL, date=dt.date(2026, 3, 5),
                                   topic="疏散演练", participants=300)


def _campaign(school):
    """Issued by the school's district bureau: every school of the district sees it (SHARED)."""
    return cf.campaign(school.parent, title=f"访问测试行动{Campaign.objects.count() + 1}")


OBJECTS = {
    ImplementationPlan: _plan,
    Activity: _activity,
    Campaign: _campaign,
    Phase: lambda school: _campaign(school).phases.get(),
    Deadline: lambda school: _campaign(school).deadlines.get(),
    FocusArea: lambda school: _campaign(school).focus_areas.get(),
    CheckItem: lambda school: CheckItem.objects.get(focus_area__campaign=_campaign(school)),
}

# A campaign (and its parts) is issued by a bureau and legitimately visible to every school below it;
# tests/campaigns/test_access.py checks that another district's campaign answers 404.
SHARED = {Campaign, Phase, Deadline, FocusArea, CheckItem}
