"""Who may do what with a school's chemicals: one `can_<action>(user, obj)` per rule, asked by
services, views, navigation and buttons alike.

The lab custodians (保管员) and the head of laboratories keep the rooms, cabinets, containers and
the books; the principal, the other leaders, the safety officer and the teachers read them;
bureau staff above read everything and change nothing."""
from __future__ import annotations

from campaign_site.accounts.models import Organisation, Role
from campaign_site.accounts.permissions import (
    BUREAU_MANAGER_ROLES,
    BUREAU_ROLES,
    LEADER_ROLES,
    SCHOOL_SAFETY_ROLES,
    has_role,
)

KEEPER_ROLES = frozenset({Role.LAB_CUSTODIAN, Role.LAB_HEAD})
# Who signs as one of the two people of a controlled movement (双人收发、双人记账).
CUSTODIAN_ROLES = frozenset({Role.LAB_CUSTODIAN, Role.LAB_HEAD})
SCHOOL_READ_ROLES = KEEPER_ROLES | LEADER_ROLES | frozenset({Role.SAFETY_OFFICER, Role.TEACHER})
READ_ROLES = SCHOOL_READ_ROLES | BUREAU_ROLES


def can_view(user, obj=None) -> bool:
    """Enter the chemicals pages (what is shown is still scoped to the user's organisations)."""
    return has_role(user, None, READ_ROLES)


def can_keep(user, organisation: Organisation | None) -> bool:
    """Keep the rooms, cabinets, containers and books of `organisation` (a school)."""
    if organisation is None or not organisation.is_school:
        return bool(getattr(user, "is_superuser", False))
    return has_role(user, organisation, KEEPER_ROLES)


def can_keep_any(user, obj=None) -> bool:
    """Offer the "New" buttons: the user keeps a school's chemicals somewhere (checked per school on save)."""
    return has_role(user, None, KEEPER_ROLES)


def can_edit_record(user, obj) -> bool:
    return obj is not None and can_keep(user, obj.organisation)


def schools_kept_by(user):
    """Schools whose chemicals `user` keeps (choices of the "school" field)."""
    schools = Organisation.objects.schools().visible_to(user)
    if getattr(user, "is_superuser", False):
        return schools
    return schools.filter(memberships__user=user, memberships__is_active=True,
                          memberships__role__in=sorted(KEEPER_ROLES)).distinct()


# Two-person control ---------------------------------------------------------------------------

# Who keeps a school's custodian training records: the safety officer and the school's leaders.
TRAINING_ROLES = SCHOOL_SAFETY_ROLES
# Who adds chemicals to two-person control for the schools below a bureau.
CONTROL_ROLES = BUREAU_MANAGER_ROLES


def can_manage_training(user, organisation: Organisation | None) -> bool:
    """Enter and correct the custodian training records of `organisation` (a school)."""
    if organisation is None or not organisation.is_school:
        return bool(getattr(user, "is_superuser", False))
    return has_role(user, organisation, TRAINING_ROLES)


def can_manage_training_any(user, obj=None) -> bool:
    return has_role(user, None, TRAINING_ROLES)


def can_edit_training(user, obj) -> bool:
    return obj is not None and can_manage_training(user, obj.organisation)


def can_control(user, organisation: Organisation | None) -> bool:
    """Add chemicals to (or remove them from) two-person control at `organisation` (a bureau)."""
    if organisation is None or organisation.is_school:
        return False
    return has_role(user, organisation, CONTROL_ROLES)


def can_control_any(user, obj=None) -> bool:
    return has_role(user, None, CONTROL_ROLES)


def can_remove_control(user, obj) -> bool:
    return obj is not None and can_control(user, obj.organisation)


def bureaus_controlled_by(user):
    """Bureaus at which `user` may add chemicals to two-person control (choices of the form)."""
    bureaus = Organisation.objects.bureaus().visible_to(user)
    if getattr(user, "is_superuser", False):
        return bureaus
    return bureaus.filter(memberships__user=user, memberships__is_active=True,
                          memberships__role__in=sorted(CONTROL_ROLES)).distinct()


def schools_trained_by(user):
    """Schools whose custodian training records `user` keeps."""
    schools = Organisation.objects.schools().visible_to(user)
    if getattr(user, "is_superuser", False):
        return schools
    return schools.filter(memberships__user=user, memberships__is_active=True,
                          memberships__role__in=sorted(TRAINING_ROLES)).distinct()


# Requisitions (领用审批单) ------------------------------------------------------------------------

# Who asks for chemicals for a class: the teachers, and any of the school's staff who read its chemicals.
REQUEST_ROLES = SCHOOL_READ_ROLES
# Who approves a requisition: the head of laboratories or the principal of that school.
APPROVER_ROLES = frozenset({Role.LAB_HEAD, Role.PRINCIPAL})


def can_request(user, organisation: Organisation | None) -> bool:
    """Ask for chemicals for a class at `organisation` (a school)."""
    if organisation is None or not organisation.is_school:
        return False
    return has_role(user, organisation, REQUEST_ROLES)


def can_request_any(user, obj=None) -> bool:
    return has_role(user, None, REQUEST_ROLES)


def schools_requested_by(user):
    """Schools at which `user` may ask for chemicals (choices of the "school" field)."""
    schools = Organisation.objects.schools().visible_to(user)
    if getattr(user, "is_superuser", False):
        return schools
    return schools.filter(memberships__user=user, memberships__is_active=True,
                          memberships__role__in=sorted(REQUEST_ROLES)).distinct()


def can_submit_requisition(user, requisition) -> bool:
    """The requester sends their own draft for approval."""
    return requisition is not None and getattr(user, "pk", None) == requisition.requester_id


def can_approve_requisition(user, requisition) -> bool:
    """The head of laboratories or the principal of the school, never the requester themself."""
    if requisition is None or getattr(user, "pk", None) == requisition.requester_id:
        return False
    return has_role(user, requisition.organisation, APPROVER_ROLES)


def can_issue_requisition(user, requisition) -> bool:
    """The school's custodians issue an approved requisition and book its leftovers."""
    return requisition is not None and can_keep(user, requisition.organisation)


# Stock counts (盘点) ----------------------------------------------------------------------------
# The school's custodians (and head of laboratories) start, enter and complete the counts of its
# cabinets; the principal, the other readers of the school and the bureau above read them.


def can_start_count(user, cabinet) -> bool:
    """Start a stock count of `cabinet`."""
    return cabinet is not None and can_keep(user, cabinet.organisation)


def can_count(user, count) -> bool:
    """Enter what was found on `count`, complete or cancel it (while it is in progress)."""
    return count is not None and count.status == "open" and can_keep(user, count.organisation)


# The bureau's view of its schools -------------------------------------------------------------


def can_view_bureau(user, obj=None) -> bool:
    """Bureau staff (district or city) see the chemicals of the schools below them at a glance."""
    return has_role(user, None, BUREAU_ROLES)
# Expiry and disposal ----------------------------------------------------------------------------

# Who keeps a bureau's list of licensed waste contractors (处置单位).
CONTRACTOR_ROLES = BUREAU_MANAGER_ROLES


def can_keep_contractors(user, organisation: Organisation | None) -> bool:
    """Put waste contractors on file (or correct them) at `organisation` (a bureau)."""
    if organisation is None or organisation.is_school:
        return False
    return has_role(user, organisation, CONTRACTOR_ROLES)


def can_keep_contractors_any(user, obj=None) -> bool:
    return has_role(user, None, CONTRACTOR_ROLES)


def can_edit_contractor(user, obj) -> bool:
    return obj is not None and can_keep_contractors(user, obj.organisation)


def bureaus_keeping_contractors(user):
    """Bureaus at which `user` keeps the contractor list (choices of the form)."""
    bureaus = Organisation.objects.bureaus().visible_to(user)
    if getattr(user, "is_superuser", False):
        return bureaus
    return bureaus.filter(memberships__user=user, memberships__is_active=True,
                          memberships__role__in=sorted(CONTRACTOR_ROLES)).distinct()


def can_keep_disposal(user, batch) -> bool:
    """The school's custodians prepare a disposal batch and hand it over."""
    return batch is not None and can_keep(user, batch.organisation)
