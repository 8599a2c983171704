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


OBJECTS = {
    ImplementationPlan: _plan,
    Activity: _activity,
}

# A campaign (and its parts) is issued by a bureau and legitimately visible to every school below it;
# tests/campaigns/test_access.py checks that another district's campaign answers 404.
SHARED = {Campaign, Phase, Deadline, FocusArea, CheckItem}
