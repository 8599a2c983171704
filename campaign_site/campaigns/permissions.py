"""Who may do what in the campaigns app: `can_<action>(user, obj) -> bool` (obj None: somewhere).

Services refuse with a DomainError when a predicate says no; views (`permission = ...`), the plan
review buttons (PLAN_FLOW in models.py), navigation and the "New" buttons ask the same predicates.
"""
from __future__ import annotations

from campaign_site.accounts.models import Role
from campaign_site.accounts.permissions import (
    BUREAU_MANAGER_ROLES,
    SCHOOL_SAFETY_ROLES,
    has_role,
    is_bureau_user,
)

MANAGER_ROLES = BUREAU_MANAGER_ROLES  # the issuing bureau's safety staff run its campaigns
# Who records trainings and drills: the school's safety officer and leaders, a bureau's safety staff.
ACTIVITY_ROLES = SCHOOL_SAFETY_ROLES | BUREAU_MANAGER_ROLES
# Who submits a school's implementation plan.
PLAN_SUBMIT_ROLES = frozenset({Role.SAFETY_OFFICER, Role.PRINCIPAL})


def _org(obj):
    if obj is None:
        return None
    return getattr(obj, "organisation", obj)


def can_start_campaign(user, organisation=None) -> bool:
    """Start a campaign of `organisation` (a bureau; None: at some bureau) from a template."""
    if organisation is not None:
        return organisation.is_bureau and has_role(user, organisation, MANAGER_ROLES)
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or user.memberships.filter(
        is_active=True, role__in=list(MANAGER_ROLES)).exclude(organisation__kind="school").exists()


def can_manage_campaign(user, campaign) -> bool:
    """The issuing bureau's safety staff (or an administrator above it) run the campaign."""
    if campaign is None:
        return can_start_campaign(user, None)
    if campaign.is_template or campaign.organisation_id is None:
        return False
    return has_role(user, campaign.organisation, MANAGER_ROLES)


def can_edit_campaign(user, campaign) -> bool:
    """Change the campaign and its parts (phases, deadlines, focus areas, check items): its
    managers, while it is editable."""
    return can_manage_campaign(user, campaign) and (campaign is None or campaign.is_editable)


def campaign_of(obj):
    """The campaign a part (phase, deadline, focus area, check item) belongs to."""
    from .models import Campaign

    if obj is None or isinstance(obj, Campaign):
        return obj
    return getattr(obj, "campaign", None) or obj.focus_area.campaign


def can_edit_campaign_part(user, obj) -> bool:
    return can_edit_campaign(user, campaign_of(obj))


def can_submit_plan(user, organisation) -> bool:
    """A school's safety officer or principal submits its implementation plan (superusers do not
    count: a plan is the school's own document)."""
    if organisation is None or not organisation.is_school:
        return False
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return user.has_role(organisation, *PLAN_SUBMIT_ROLES)


def can_review_plan(user, plan) -> bool:
    """The issuing bureau's safety staff accept or return a school's plan."""
    if plan is None:
        return has_role(user, None, MANAGER_ROLES)
    return has_role(user, plan.campaign.organisation, MANAGER_ROLES)


def can_see_plan_overview(user, campaign=None) -> bool:
    return is_bureau_user(user)


def can_record_activity(user, organisation=None) -> bool:
    """Record a training or drill at `organisation` (the user's current organisation)."""
    if organisation is None:
        return False
    return has_role(user, _org(organisation), ACTIVITY_ROLES)


def can_edit_activity(user, activity) -> bool:
    return activity is not None and has_role(user, activity.organisation, ACTIVITY_ROLES)
