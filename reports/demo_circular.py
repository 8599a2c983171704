"""Demo data of the circulars (registered with campaign_site.generic.demo, order 71, after the
monthly reports): the demo district's circular of the last month reported, drafted from the demo
records, approved by `bureauleader` and published to every school (each gets a notice).
Idempotent: skipped once the district has a circular for the campaign."""
from __future__ import annotations

from campaign_site.accounts.models import Membership, Organisation, OrgKind, Role
from campaign_site.campaigns.models import Campaign, CampaignStatus
from campaign_site.generic import demo

from . import selectors
from .circular import circular_approve, circular_publish, draft_circular
from .models import Circular


def _user(org, role):
    m = (Membership.objects.filter(organisation=org, role=role, is_active=True, user__is_active=True)
         .select_related("user").order_by("pk").first())
    return m.user if m else None


@demo.register(71, "reports circular")
def build(stdout=None):
    from campaign_site.accounts.demo import DISTRICT_CODE

    def say(text):
        if stdout is not None:
            stdout.write(text)

    district = Organisation.objects.filter(code=DISTRICT_CODE, kind=OrgKind.DISTRICT_BUREAU).first()
    campaign = (selectors.asking_monthly_reports(
        Campaign.objects.filter(organisation=district, status=CampaignStatus.ACTIVE, is_template=False))
        .order_by("start").first()) if district else None
    months = selectors.campaign_months(campaign) if campaign else []
    if len(months) < 2:
        return say("reports circular: no month of a campaign in progress has ended at the demo district; skipped")
    if Circular.objects.filter(organisation=district, campaign=campaign).exists():
        return say("reports circular: the demo circular is already there; skipped")
    leader, staff = _user(district, Role.BUREAU_LEADER), _user(district, Role.BUREAU_SAFETY)
    if leader is None or staff is None:
        return say("reports circular: the demo district has no bureau leader or safety staff; skipped")
    circular = draft_circular(bureau=district, campaign=campaign, month=months[-2], actor=staff)
    circular_approve(circular=circular, actor=leader)
    circular_publish(circular=circular, actor=staff)
    say(f"reports circular: published “{circular.title}”")
