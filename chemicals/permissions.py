"""Who may do what with a school's chemicals: one `can_<action>(user, obj)` per rule, asked by
services, views, navigation and buttons alike.

The lab custodians (保管员) and the head of laboratories keep the rooms, cabinets, containers and
the books; the principal, the other leaders, the safety officer and the teachers read them;
bureau staff above read everything and change nothing."""
from __future__ import annotations

from campaign_site.accounts.models import Organisation, Role
from campaign_site.accounts.permissions import BUREAU_ROLES, LEADER_ROLES, has_role

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
