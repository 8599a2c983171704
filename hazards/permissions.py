"""Who may do what in the hazards app: one predicate per rule, `can_<action>(user, obj) -> bool`.

Services raise a DomainError when a predicate says no; views (`permission = ...`), the transition
buttons (`Transition(permission=...)` in models.py), navigation and the "New" buttons ask the same
predicates. obj None means "somewhere" (a list page's "New" button, a menu entry). Role groups come
from campaign_site.accounts.permissions; this module imports no model of its own app at import
time, so models.py can name these predicates in its flow tables.
"""
from __future__ import annotations

from campaign_site.accounts.models import Role
from campaign_site.accounts.permissions import (
    BUREAU_INSPECTION_ROLES,
    BUREAU_MANAGER_ROLES,
    BUREAU_ROLES,
    INSPECTION_ROLES,
    SCHOOL_ROLES,
    SCHOOL_SAFETY_ROLES,
    has_role,
    is_bureau_user,
)

# Role groups of the hazards app ------------------------------------------------------------------

REGISTER_ROLES = INSPECTION_ROLES                 # register a hazard, correct the register entry
REINSPECT_ROLES = INSPECTION_ROLES                # re-inspect a rectification (never the rectifier)
RECTIFY_ROLES = frozenset({Role.SAFETY_OFFICER})  # besides the responsible person
SIGN_OFF_ROLES = frozenset({Role.PRINCIPAL})
LISTING_ROLES = BUREAU_MANAGER_ROLES              # list, delist, bureau deadline, level decisions
SCHOOL_INSPECTION_ROLES = INSPECTION_ROLES
BUREAU_INSPECTION_ROLES = BUREAU_INSPECTION_ROLES
SCHEDULE_ROLES = SCHOOL_SAFETY_ROLES
ACCOUNTABILITY_ROLES = frozenset({Role.BUREAU_SAFETY, Role.BUREAU_LEADER, Role.ADMIN, Role.PRINCIPAL})
TRIAGE_ROLES = BUREAU_INSPECTION_ROLES            # public tips: bureau staff above the school


def _org(obj):
    """The organisation a rule is asked about: obj itself, obj.organisation, or None (anywhere)."""
    if obj is None:
        return None
    return getattr(obj, "organisation", obj)


# The register ------------------------------------------------------------------------------------


def can_register(user, organisation=None) -> bool:
    """Register hazards at `organisation` (None: at some school)."""
    return has_role(user, _org(organisation), REGISTER_ROLES)


def can_edit_hazard(user, hazard) -> bool:
    """Correct or complete the register entry of an open hazard."""
    if hazard is None:
        return can_register(user)
    return hazard.is_open and has_role(user, hazard.organisation, REGISTER_ROLES)


def is_rectifier(user, hazard) -> bool:
    if user is None or hazard is None:
        return False
    if hazard.rectified_by_id is not None and hazard.rectified_by_id == user.pk:
        return True
    person = hazard.responsible_person
    return person is not None and person.user_id is not None and person.user_id == user.pk


def can_rectify(user, hazard) -> bool:
    """The hazard's responsible person, the school's safety officer, or (when the hazard names no
    responsible person with a login) any responsible person of the school."""
    if user is None or not user.is_authenticated or hazard is None:
        return False
    if user.is_superuser:
        return True
    person = hazard.responsible_person
    if person is not None and person.user_id == user.pk:
        return True
    if has_role(user, hazard.organisation, RECTIFY_ROLES):
        return True
    no_login = person is None or person.user_id is None
    return no_login and has_role(user, hazard.organisation, {Role.RESPONSIBLE_PERSON})


def can_reinspect(user, hazard) -> bool:
    """Anyone who inspects the school, except the person who rectified the hazard."""
    return has_role(user, _org(hazard), REINSPECT_ROLES) and not is_rectifier(user, hazard)


def can_sign_off(user, hazard) -> bool:
    return has_role(user, _org(hazard), SIGN_OFF_ROLES)


def can_supervise(user, hazard) -> bool:
    """The bureau's safety staff above the school: list, delist, set the bureau deadline, decide
    on a major hazard's level."""
    return has_role(user, _org(hazard), LISTING_ROLES)


def can_attach_to_hazard(user, hazard) -> bool:
    if hazard is None or not hazard.is_open:
        return False
    if has_role(user, hazard.organisation, INSPECTION_ROLES):
        return True
    person = hazard.responsible_person
    return person is not None and user is not None and person.user_id == user.pk


def can_propose_lower_level(user, hazard) -> bool:
    """The school asks the bureau to lower a major hazard to general (the bureau decides)."""
    return has_role(user, _org(hazard), REGISTER_ROLES)


# Inspections -------------------------------------------------------------------------------------


def can_inspect(user, organisation=None) -> bool:
    """Open inspections at `organisation` (None: somewhere)."""
    return has_role(user, _org(organisation), SCHOOL_INSPECTION_ROLES)


def can_run_inspection(user, inspection) -> bool:
    """Tick, add items, start and complete: the bureau's inspectors for supervision and
    unannounced inspections, the school's inspectors otherwise, and the leader who leads it."""
    if user is None or not user.is_authenticated or inspection is None:
        return False
    roles = BUREAU_INSPECTION_ROLES if inspection.is_bureau_kind else SCHOOL_INSPECTION_ROLES
    return has_role(user, inspection.organisation, roles) or (
        inspection.leader_id is not None and inspection.leader_id == user.pk)


def can_attach_to_inspection(user, inspection) -> bool:
    from .models import InspectionStatus

    return (inspection is not None and inspection.status != InspectionStatus.COMPLETED
            and has_role(user, inspection.organisation, INSPECTION_ROLES))


def can_plan_schedules(user, organisation=None) -> bool:
    """Recurring inspections: the school's safety officer or leaders."""
    return has_role(user, _org(organisation), SCHEDULE_ROLES)


# Accountability, tips, dashboards ----------------------------------------------------------------


def can_keep_accountability(user, obj=None) -> bool:
    """The accountability register of an organisation (obj: the organisation or a record)."""
    return has_role(user, _org(obj), ACCOUNTABILITY_ROLES)


def can_triage(user, tip) -> bool:
    """Accept or reject a public tip: bureau staff above the school."""
    return has_role(user, _org(tip), TRIAGE_ROLES)


def can_see_tips(user, obj=None) -> bool:
    """The tip pages (the list shows only tips below the user's bureaus)."""
    return is_bureau_user(user)


def can_see_accountability(user, obj=None) -> bool:
    """The accountability register's pages: every school or bureau role."""
    return has_role(user, None, SCHOOL_ROLES | BUREAU_ROLES)


def sees_bureau_dashboard(user, obj=None) -> bool:
    return is_bureau_user(user)
