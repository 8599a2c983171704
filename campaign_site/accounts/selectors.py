"""Reads shared by the accounts pages, forms and importers (always for an acting user)."""
from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Count, Prefetch, Q

from .models import Membership, Organisation, OrgKind, User
from .permissions import BUREAU_MANAGER_ROLES, STAFF_MANAGER_ROLES


def _organisations_where(user, roles) -> Organisation:
    if user.is_superuser:
        return Organisation.objects.all()
    paths = list(
        user.memberships.filter(is_active=True, role__in=roles).values_list("organisation__path", flat=True)
    )
    if not paths:
        return Organisation.objects.none()
    return Organisation.objects.filter(reduce(or_, (Q(path__startswith=p) for p in paths)))


def managed_organisations(user):
    """Organisations whose schools and users `user` manages (bureau managers: their subtree)."""
    return _organisations_where(user, BUREAU_MANAGER_ROLES)


def managed_bureaus(user):
    return managed_organisations(user).exclude(kind=OrgKind.SCHOOL)


def staff_organisations(user):
    """Organisations whose departments and staff `user` keeps (principals and safety officers: their school)."""
    return _organisations_where(user, STAFF_MANAGER_ROLES)


def active_memberships():
    return Prefetch(
        "memberships",
        queryset=Membership.objects.filter(is_active=True).select_related("organisation").order_by("organisation__path"),
        to_attr="active_memberships",
    )


def users_for_list(user):
    return User.objects.visible_to(user).prefetch_related(active_memberships())


def school_counts_by_type(user) -> list[dict]:
    """Active schools below `user`, counted by school type."""
    return list(
        Organisation.objects.visible_to(user).schools().filter(is_active=True)
        .values("school_type").annotate(n=Count("pk")).order_by("-n", "school_type")
    )
