"""Home page widgets of the campaigns app."""
from campaign_site.accounts.permissions import BUREAU_ROLES
from campaign_site.generic.home import register

from . import permissions, selectors


@register(10)
def school_campaigns(request):
    """A school's active campaigns with their next deadlines and the school's plan."""
    org = request.organisation
    if org is None or not org.is_school:
        return None
    items = selectors.campaigns_for_school(org)
    if not items:
        return None
    return {"template": "campaigns/_home_school.html", "items": items,
            "can_submit": permissions.can_submit_plan(request.user, org)}


@register(11)
def bureau_plan_counts(request):
    """For bureau staff: plans on time / late / missing per active campaign."""
    org, membership = request.organisation, request.membership
    if org is None or not org.is_bureau or membership is None or membership.role not in BUREAU_ROLES:
        return None
    campaigns = selectors.active_campaigns_for_bureau(request.user, org)
    rows = [{"campaign": c, "counts": selectors.plan_counts(c, request.user)} for c in campaigns]
    return {"template": "campaigns/_home_bureau.html", "rows": rows}
