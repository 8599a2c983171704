"""Writes to organisations, people and memberships."""
from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from campaign_site.generic.errors import DomainError

from .models import Department, Membership, Organisation, OrgKind, Person, User

ALLOWED_PARENT = {
    OrgKind.CITY_BUREAU: (None,),
    OrgKind.DISTRICT_BUREAU: (OrgKind.CITY_BUREAU,),
    OrgKind.SCHOOL: (OrgKind.DISTRICT_BUREAU, OrgKind.CITY_BUREAU),
}


@transaction.atomic
def organisation_create(*, name: str, code: str, kind: str, parent: Organisation | None = None,
                        school_type: str = "", address: str = "", phone: str = "") -> Organisation:
    """Create an organisation in the tree and give it its materialised path."""
    parent_kind = parent.kind if parent else None
    if parent_kind not in ALLOWED_PARENT[kind]:
        raise DomainError(_("A %(kind)s cannot be placed under “%(parent)s”.")
                          % {"kind": OrgKind(kind).label, "parent": parent or "—"})
    if kind == OrgKind.SCHOOL and not school_type:
        raise DomainError(_("Please choose the school type."))
    if Organisation.objects.filter(code=code).exists():
        raise DomainError(_("The institution code %(code)s is already used.") % {"code": code})
    org = Organisation.objects.create(
        name=name, code=code, kind=kind, parent=parent, school_type=school_type if kind == OrgKind.SCHOOL else "",
        address=address, phone=phone, depth=(parent.depth + 1) if parent else 0,
    )
    org.path = org.make_path()
    org.save(update_fields=["path"])
    return org


@transaction.atomic
def organisation_update(*, organisation: Organisation, **fields) -> Organisation:
    """Change name, type, address, phone, active flag (not the place in the tree)."""
    allowed = {"name", "school_type", "address", "phone", "is_active", "code"}
    unknown = set(fields) - allowed
    if unknown:
        raise DomainError(f"Cannot change {', '.join(sorted(unknown))}")
    if "code" in fields and Organisation.objects.filter(code=fields["code"]).exclude(pk=organisation.pk).exists():
        raise DomainError(_("The institution code %(code)s is already used.") % {"code": fields["code"]})
    for key, value in fields.items():
        setattr(organisation, key, value)
    organisation.save(update_fields=list(fields))
    return organisation


@transaction.atomic
def user_create(*, username: str, full_name: str, password: str | None = None, email: str = "",
                phone: str = "", organisation: Organisation | None = None, roles=(),
                department: Department | None = None) -> User:
    if User.objects.filter(username=username).exists():
        raise DomainError(_("The user name %(username)s is already taken.") % {"username": username})
    user = User(username=username, full_name=full_name, email=email, phone=phone)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    if organisation is not None:
        for role in roles:
            membership_add(user=user, organisation=organisation, role=role)
        person = Person.objects.filter(organisation=organisation, name=full_name, user__isnull=True).first()
        if person is None:
            person = Person.objects.create(organisation=organisation, name=full_name, department=department,
                                           phone=phone)
        person.user = user
        person.save(update_fields=["user"])
    return user


def membership_add(*, user: User, organisation: Organisation, role: str) -> Membership:
    from .models import BUREAU_ROLES, SCHOOL_ROLES

    if organisation.is_school and role not in SCHOOL_ROLES:
        raise DomainError(_("“%(role)s” is a bureau role and cannot be given at a school.")
                          % {"role": dict(Membership._meta.get_field("role").choices)[role]})
    if organisation.is_bureau and role not in BUREAU_ROLES:
        raise DomainError(_("“%(role)s” is a school role and cannot be given at a bureau.")
                          % {"role": dict(Membership._meta.get_field("role").choices)[role]})
    membership, _created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role, defaults={"is_active": True}
    )
    if not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    return membership


def person_get_or_create(*, organisation: Organisation, name: str, department: Department | None = None) -> Person:
    person = Person.objects.filter(organisation=organisation, name=name).first()
    if person is None:
        person = Person.objects.create(organisation=organisation, name=name, department=department)
    return person
