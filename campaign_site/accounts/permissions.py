"""Who may do what: the one home of role checks.

    from campaign_site.accounts.permissions import SCHOOL_SAFETY_ROLES, has_role, person_for

    has_role(user, organisation, roles)   True if `user` holds one of `roles` at `organisation` or at
                                          an organisation above it; organisation None: anywhere (menus,
                                          "New" buttons before a school is chosen). Superusers: always;
                                          anonymous users and None: never.
    person_for(user)                      the staff record (Person) of a login account, or None.
    Role groups                           named sets of Role values, below (never spell a group out again).

Each app keeps its rules in `<app>/permissions.py` as predicates `can_<action>(user, obj) -> bool`
(obj None on list and create pages: "may this user do it somewhere?"). Services raise a DomainError
when the predicate says no; selectors, views, navigation entries and buttons ask the same predicate:

    class HazardEditView(ObjectEditView):
        permission = permissions.can_edit_hazard        # 403 when False (generic/views.py)

    obj, may = get_for_user(Hazard.objects, request.user, pk=pk,
                            permissions={"edit": permissions.can_edit_hazard})
    if may.edit: ...                                    # generic/permissions.py

This module's own predicates (organisations, staff, users) follow at the end.
"""
from __future__ import annotations

from .models import Role

# Role groups --------------------------------------------------------------------------------------

SCHOOL_ROLES = frozenset(
    {Role.SAFETY_OFFICER, Role.RESPONSIBLE_PERSON, Role.LAB_CUSTODIAN, Role.PRINCIPAL, Role.OTHER_LEADER,
     Role.TEACHER, Role.LAB_HEAD, Role.TRANSPORT_OFFICER}
)
BUREAU_ROLES = frozenset({Role.BUREAU_SAFETY, Role.BUREAU_INSPECTOR, Role.BUREAU_LEADER, Role.ADMIN})
# The principal and the other school leaders (leader-led inspections).
LEADER_ROLES = frozenset({Role.PRINCIPAL, Role.OTHER_LEADER})
# "The safety officer, the principal or another leader": who runs a school's safety work.
SCHOOL_SAFETY_ROLES = frozenset({Role.SAFETY_OFFICER}) | LEADER_ROLES
# Bureau staff who inspect schools (supervision, unannounced inspections, re-inspections).
BUREAU_INSPECTION_ROLES = frozenset({Role.BUREAU_SAFETY, Role.BUREAU_INSPECTOR, Role.ADMIN})
# Everyone who inspects a school and registers what they find: its own leads and the bureau above.
INSPECTION_ROLES = SCHOOL_SAFETY_ROLES | BUREAU_INSPECTION_ROLES
# Bureau roles that manage schools, users and campaigns below them, list and delist major hazards.
BUREAU_MANAGER_ROLES = frozenset({Role.BUREAU_SAFETY, Role.ADMIN})
# Who reads the security audit log (for the organisations below them; superusers for everything).
AUDIT_READER_ROLES = frozenset({Role.BUREAU_SAFETY, Role.ADMIN})
# Roles that keep a school's departments and staff list (plus the bureau managers above it).
STAFF_MANAGER_ROLES = frozenset({Role.PRINCIPAL, Role.SAFETY_OFFICER}) | BUREAU_MANAGER_ROLES


# The two primitives -------------------------------------------------------------------------------


def roles_anywhere(user) -> frozenset:
    """Every role `user` holds in an active membership, wherever (cached on the user object)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = user.__dict__.get("_roles_anywhere")
    if cached is None:
        cached = frozenset(user.memberships.filter(is_active=True).values_list("role", flat=True))
        user.__dict__["_roles_anywhere"] = cached
    return cached


def has_role(user, organisation, roles) -> bool:
    """`user` holds one of `roles` at `organisation` or above it (organisation None: anywhere)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    if organisation is None:
        return bool(roles_anywhere(user) & set(roles))
    return user.has_role(organisation, *roles)


def is_superuser(user) -> bool:
    return bool(user is not None and getattr(user, "is_superuser", False))


def person_for(user):
    """The staff record of a login account, if any."""
    from .models import Person

    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.person
    except Person.DoesNotExist:
        return None


def is_bureau_user(user, obj=None) -> bool:
    """Holds a bureau role anywhere (dashboards, plan overviews, bureau menus)."""
    return has_role(user, None, BUREAU_ROLES)


# accounts' own predicates -------------------------------------------------------------------------
# `actor` None is the system itself (demo data, management commands) and may do everything here.


def can_manage_organisation(actor, organisation) -> bool:
    """A bureau manager at or above `organisation` (or a superuser); organisation None: anywhere."""
    if actor is None:
        return True
    return has_role(actor, organisation, BUREAU_MANAGER_ROLES)


def can_manage_staff(actor, organisation) -> bool:
    """Departments and staff records: the school's principal/safety officer, or a bureau manager above."""
    if actor is None:
        return True
    return has_role(actor, organisation, STAFF_MANAGER_ROLES)


def can_manage_user(actor, user) -> bool:
    """The actor manages every organisation where `user` holds an active role."""
    if actor is None or actor.is_superuser:
        return True
    if user is None:
        return can_manage_organisation(actor, None)
    if user.is_superuser:
        return False
    memberships = list(user.memberships.select_related("organisation"))
    active = [m for m in memberships if m.is_active]
    orgs = [m.organisation for m in (active or memberships)]
    return bool(orgs) and all(can_manage_organisation(actor, org) for org in orgs)


def can_edit_person(actor, person) -> bool:
    """A staff record: whoever keeps the staff list of its organisation."""
    if person is None:
        return can_manage_staff(actor, None)
    return can_manage_staff(actor, person.organisation)


def can_edit_department(actor, department) -> bool:
    if department is None:
        return can_manage_staff(actor, None)
    return can_manage_staff(actor, department.organisation)


def is_manager(user, obj=None) -> bool:
    """Holds a managing bureau role anywhere (shows the management pages)."""
    return has_role(user, None, BUREAU_MANAGER_ROLES)


def can_view_user(viewer, user) -> bool:
    """A user's page: bureau staff (scoped to their tree), and everyone their own."""
    return is_bureau_user(viewer) or (user is not None and viewer is not None and user.pk == viewer.pk)


def can_give_role(actor, user) -> bool:
    """Give `user` a role: a bureau manager; a superuser's roles only by a superuser."""
    if not is_manager(actor):
        return False
    return user is None or not user.is_superuser or is_superuser(actor)


def can_read_audit_log(user, obj=None) -> bool:
    """The security audit log (rows of the organisations below the reader's memberships)."""
    return has_role(user, None, AUDIT_READER_ROLES)
