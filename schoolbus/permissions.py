"""Who may do what with the school bus records: one `can_<action>(user, obj)` per rule, asked by
services, views, navigation and buttons alike.

The transport officer (校车管理员) keeps the records; a school without one has its safety
officer do the work. The principal sees everything of the school and may see a pupil's full
guardian phone and ID number (so may the transport officer); bureau staff above see all and
change nothing."""
from __future__ import annotations

from campaign_site.accounts.models import Membership, Organisation, Role
from campaign_site.accounts.permissions import BUREAU_ROLES, SCHOOL_ROLES, person_for

READ_ROLES = frozenset({Role.TRANSPORT_OFFICER, Role.SAFETY_OFFICER, Role.PRINCIPAL, Role.OTHER_LEADER}) \
    | BUREAU_ROLES
REVEAL_ROLES = frozenset({Role.TRANSPORT_OFFICER, Role.PRINCIPAL})


def _roles_anywhere(user) -> set[str]:
    cached = getattr(user, "_bus_roles", None)
    if cached is None:
        cached = set(user.memberships.filter(is_active=True).values_list("role", flat=True))
        user._bus_roles = cached
    return cached


def has_transport_officer(organisation: Organisation) -> bool:
    return Membership.objects.filter(organisation=organisation, role=Role.TRANSPORT_OFFICER, is_active=True,
                                     user__is_active=True).exists()


def keeper_roles(organisation: Organisation) -> tuple[str, ...]:
    """The role that keeps this school's bus records: the transport officer, else the safety officer."""
    return (Role.TRANSPORT_OFFICER,) if has_transport_officer(organisation) else (Role.SAFETY_OFFICER,)


def can_manage(user, organisation: Organisation) -> bool:
    """Create and edit vehicles, drivers, escorts, routes, riders and trips of `organisation`."""
    if not user.is_authenticated or organisation is None or not organisation.is_school:
        return user.is_authenticated and user.is_superuser
    if user.is_superuser or user.has_role(organisation, Role.TRANSPORT_OFFICER):
        return True
    return user.has_role(organisation, Role.SAFETY_OFFICER) and not has_transport_officer(organisation)


def can_manage_any(user) -> bool:
    """Offer the "New" buttons: the user keeps bus records somewhere (checked per school on save)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    roles = _roles_anywhere(user)
    return Role.TRANSPORT_OFFICER in roles or Role.SAFETY_OFFICER in roles


def can_view(user) -> bool:
    """Enter the school bus pages at all (teachers and lab staff have no business there)."""
    return user.is_authenticated and (user.is_superuser or bool(_roles_anywhere(user) & READ_ROLES))


def can_reveal(user, organisation: Organisation) -> bool:
    """See a pupil's full guardian phone and ID number (every look is written to the audit log)."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.has_role(organisation, *REVEAL_ROLES)


def schools_managed_by(user):
    """Schools where `user` keeps the bus records (choices of the "school" field)."""
    schools = Organisation.objects.schools().visible_to(user)
    if user.is_superuser:
        return schools
    held = schools.filter(memberships__user=user, memberships__is_active=True,
                          memberships__role__in=[Role.TRANSPORT_OFFICER, Role.SAFETY_OFFICER]).distinct()
    return schools.filter(pk__in=[s.pk for s in held if can_manage(user, s)])


def can_edit_record(user, obj) -> bool:
    """Edit one of a school's bus records (the generic edit page's `permission`)."""
    return obj is not None and can_manage(user, obj.organisation)


def can_edit_hire(user, event) -> bool:
    """An event with hired coaches is edited while it is being vetted, never once approved."""
    return can_edit_record(user, event) and event.status == "draft"


# Gate duty and reports of unlicensed vehicles ---------------------------------------------------

# Who draws up the gate roster: the safety officer and the principal.
ROSTER_ROLES = frozenset({Role.SAFETY_OFFICER, Role.PRINCIPAL})


def can_view_gate(user, obj=None) -> bool:
    """The gate roster and the unlicensed vehicle reports: every school's staff (teachers stand at
    the gate too) and the bureau above."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or bool(_roles_anywhere(user) & (SCHOOL_ROLES | BUREAU_ROLES))


def can_roster(user, organisation: Organisation | None) -> bool:
    """Put people on the gate roster of `organisation` (None: of some school)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if organisation is None:
        return bool(_roles_anywhere(user) & ROSTER_ROLES)
    return organisation.is_school and user.has_role(organisation, *ROSTER_ROLES)


def is_on_duty(user, duty) -> bool:
    """`user` is the person rostered for `duty`."""
    person = person_for(user)
    return person is not None and person.pk == duty.person_id


def can_sign_in_for(user, duty) -> bool:
    """Sign in for someone else, with a reason: the school's safety officer."""
    return user.is_authenticated and (user.is_superuser or user.has_role(duty.organisation, Role.SAFETY_OFFICER))


def can_sign_in(user, duty) -> bool:
    return is_on_duty(user, duty) or can_sign_in_for(user, duty)


def schools_rostered_by(user):
    schools = Organisation.objects.schools().visible_to(user)
    if user.is_superuser:
        return schools
    return schools.filter(memberships__user=user, memberships__is_active=True,
                          memberships__role__in=list(ROSTER_ROLES)).distinct()


def can_report_vehicle(user, organisation: Organisation | None = None) -> bool:
    """File a report of an unlicensed vehicle carrying pupils: any member of the school's staff."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if organisation is None:
        return bool(_roles_anywhere(user) & SCHOOL_ROLES)
    return organisation.is_school and user.memberships.filter(
        organisation=organisation, is_active=True, role__in=list(SCHOOL_ROLES)).exists()


def schools_reporting(user):
    schools = Organisation.objects.schools().visible_to(user)
    if user.is_superuser:
        return schools
    return schools.filter(memberships__user=user, memberships__is_active=True,
                          memberships__role__in=list(SCHOOL_ROLES)).distinct()
