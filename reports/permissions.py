"""Who may do what with monthly reports: `can_<action>(user, obj) -> bool` (obj None: somewhere).

The school's safety officer (and its leaders) prepare the report, its principal approves and so
submits it, the safety staff of a bureau above review it and choose typical cases for the circular.
"""
from __future__ import annotations

from campaign_site.accounts.models import Role
from campaign_site.accounts.permissions import (
    BUREAU_MANAGER_ROLES,
    BUREAU_ROLES,
    SCHOOL_ROLES,
    SCHOOL_SAFETY_ROLES,
    has_role,
)

PREPARE_ROLES = SCHOOL_SAFETY_ROLES  # safety officer, principal, other leaders
APPROVE_ROLES = frozenset({Role.PRINCIPAL})
REVIEW_ROLES = BUREAU_MANAGER_ROLES


def _school(obj):
    if obj is None:
        return None
    report = getattr(obj, "report", obj)
    return getattr(report, "organisation", report)


def _at_school(user, obj, roles) -> bool:
    """`roles` held at the report's school itself (a bureau role above does not prepare it)."""
    school = _school(obj)
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if school is None:
        return user.memberships.filter(is_active=True, role__in=list(roles), organisation__kind="school").exists()
    return user.memberships.filter(is_active=True, role__in=list(roles), organisation=school).exists()


def can_open_report(user, school=None) -> bool:
    """Start this month's report of `school` (None: of some school)."""
    return _at_school(user, school, PREPARE_ROLES)


def can_edit_report(user, report) -> bool:
    """Change the progress, the entered figures and the items, and send it for approval."""
    return _at_school(user, report, PREPARE_ROLES) and (report is None or _report(report).is_editable)


def can_approve_report(user, report) -> bool:
    return _at_school(user, report, APPROVE_ROLES)


def can_review_report(user, report) -> bool:
    """Accept or return a submitted report, choose its typical cases for the circular."""
    return has_role(user, _school(report), REVIEW_ROLES)


def can_view_overview(user, obj=None) -> bool:
    """The bureau's overview of who reported (on time, late, missing)."""
    return has_role(user, None, BUREAU_ROLES)


def _report(obj):
    return getattr(obj, "report", obj)


# Circulars (通报) ---------------------------------------------------------------------------------
CIRCULAR_DRAFT_ROLES = BUREAU_MANAGER_ROLES  # the bureau's safety staff
CIRCULAR_APPROVE_ROLES = frozenset({Role.BUREAU_LEADER})
CIRCULAR_PUBLISH_ROLES = BUREAU_MANAGER_ROLES | CIRCULAR_APPROVE_ROLES


def _bureau(obj):
    return getattr(obj, "organisation", obj)


def can_draft_circular(user, bureau=None) -> bool:
    """Draft (or draft again) the circular of `bureau` (None: of some bureau)."""
    bureau = _bureau(bureau)
    if bureau is not None and not bureau.is_bureau:
        return False
    return has_role(user, bureau, CIRCULAR_DRAFT_ROLES)


def can_edit_circular(user, circular) -> bool:
    """Correct the wording of a draft circular before a leader approves it: the bureau's safety staff."""
    return circular.is_draft and can_draft_circular(user, circular.organisation)


def can_approve_circular(user, circular) -> bool:
    """Only a leader of the bureau (or of one above it) approves its circular."""
    return has_role(user, _bureau(circular), CIRCULAR_APPROVE_ROLES)


def can_publish_circular(user, circular) -> bool:
    return has_role(user, _bureau(circular), CIRCULAR_PUBLISH_ROLES)


# Dashboards ---------------------------------------------------------------------------------------


def can_view_bureau_dashboard(user, obj=None) -> bool:
    """The bureau's dashboard of the schools below it: any bureau role."""
    return has_role(user, None, BUREAU_ROLES)


def can_view_school_dashboard(user, school=None) -> bool:
    """A school's dashboard: its own staff and the bureaus above it (the lookup is scoped too)."""
    return has_role(user, school, BUREAU_ROLES | SCHOOL_ROLES)
