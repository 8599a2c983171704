"""Writes to organisations, departments, people, users and memberships.

Every function that a person triggers takes `actor` and checks, here, that the actor may do it:
bureau managers (BUREAU_MANAGER_ROLES) manage the organisations and users below their bureau;
principals and safety officers manage their own school's departments and staff. `actor=None`
means the system itself (demo data, management commands).
"""
from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from campaign_site.generic.audit import audit_record, audit_record_many
from campaign_site.generic.errors import DomainError
from campaign_site.generic.services import model_update

from .models import (
    Department,
    Membership,
    Organisation,
    OrgKind,
    Person,
    Role,
    User,
)
from .permissions import (
    BUREAU_MANAGER_ROLES,
    BUREAU_ROLES,
    SCHOOL_ROLES,
    can_manage_organisation,
    can_manage_staff,
    can_manage_user,
)

ALLOWED_PARENT = {
    OrgKind.CITY_BUREAU: (None,),
    OrgKind.DISTRICT_BUREAU: (OrgKind.CITY_BUREAU,),
    OrgKind.SCHOOL: (OrgKind.DISTRICT_BUREAU, OrgKind.CITY_BUREAU),
}

# Letters and digits that cannot be mistaken for one another when read aloud or copied by hand.
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def generate_password(length: int = 10) -> str:
    """A temporary password a manager can pass on (letters and digits, never ambiguous; lower-case,
    capitals and digits, so it passes the password rules too)."""
    from .passwords import character_classes

    while True:
        pw = "".join(secrets.choice(_PASSWORD_ALPHABET) for _i in range(length))
        if character_classes(pw) >= 3:
            return pw


def set_temporary_password(user: User, password: str, *, force_change: bool = True) -> None:
    """A password someone else chose for `user`: hashed like any other (the default hasher, full
    work factor) and, unless `force_change` is False (the demo logins), to be changed at the next login."""
    user.set_password(password)
    user.must_change_password = force_change


# Who may do what: accounts/permissions.py (can_manage_organisation, can_manage_staff, can_manage_user).


def _home_organisation(user: User) -> Organisation | None:
    """Where a user's audit records are filed: their first active role's organisation."""
    membership = user.memberships.filter(is_active=True).select_related("organisation").order_by("pk").first() \
        or user.memberships.select_related("organisation").order_by("pk").first()
    return membership.organisation if membership else None


def _audit(action: str, *, actor, target: User, organisation: Organisation | None = None, detail: str = "") -> None:
    """User and role changes made by a person go to the security audit log (system changes do not)."""
    if actor is None:
        return
    audit_record(action, user=actor, obj=target, organisation=organisation or _home_organisation(target),
                 detail=detail)


def _require(allowed: bool, message: str | None = None):
    if not allowed:
        raise DomainError(message or _("You are not allowed to do this here."), code="forbidden")


# -- organisations -------------------------------------------------------------------------------

@transaction.atomic
def organisation_create(*, name: str, code: str, kind: str, parent: Organisation | None = None,
                        school_type: str = "", address: str = "", phone: str = "",
                        actor: User | None = None) -> Organisation:
    """Create an organisation in the tree and give it its materialised path."""
    name, code = (name or "").strip(), (code or "").strip()
    if not name or not code:
        raise DomainError(_("Please enter the name and the institution code."))
    parent_kind = parent.kind if parent else None
    if parent_kind not in ALLOWED_PARENT[kind]:
        raise DomainError(_("A %(kind)s cannot be placed under “%(parent)s”.")
                          % {"kind": OrgKind(kind).label, "parent": parent or "—"})
    if actor is not None:
        _require(parent is not None and can_manage_organisation(actor, parent),
                 _("You can only add organisations below a bureau you manage."))
    if kind == OrgKind.SCHOOL and not school_type:
        raise DomainError(_("Please choose the school type."))
    code_taken = DomainError(_("The institution code %(code)s is already used.") % {"code": code})
    if Organisation.objects.filter(code=code).exists():
        raise code_taken
    try:
        with transaction.atomic():  # someone may take the code between the check and the insert
            org = Organisation.objects.create(
                name=name, code=code, kind=kind, parent=parent,
                school_type=school_type if kind == OrgKind.SCHOOL else "",
                address=address, phone=phone, depth=(parent.depth + 1) if parent else 0,
            )
    except IntegrityError:
        raise code_taken from None
    org.path = org.make_path()
    org.save(update_fields=["path"])
    return org


@transaction.atomic
def organisation_update(*, organisation: Organisation, actor: User | None = None, **fields) -> Organisation:
    """Change name, code, type, address, phone, active flag (not the place in the tree)."""
    allowed = {"name", "school_type", "address", "phone", "is_active", "code"}
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if actor is not None:
        _require(can_manage_organisation(actor, organisation))
        if fields.get("is_active") is False and organisation.is_active and not actor.is_superuser and \
                actor.memberships.filter(is_active=True, organisation=organisation).exists():
            raise DomainError(_("You cannot deactivate your own organisation."))
    if "code" in fields:
        fields["code"] = (fields["code"] or "").strip()
        if not fields["code"]:
            raise DomainError(_("Please enter the institution code."))
        if Organisation.objects.filter(code=fields["code"]).exclude(pk=organisation.pk).exists():
            raise DomainError(_("The institution code %(code)s is already used.") % {"code": fields["code"]})
    if "school_type" in fields:
        if organisation.is_school and not fields["school_type"]:
            raise DomainError(_("Please choose the school type."))
        if not organisation.is_school:
            fields["school_type"] = ""
    model_update(instance=organisation, data=fields, allowed=allowed, actor=actor)
    return organisation


# -- departments ---------------------------------------------------------------------------------

def _department_exists(organisation: Organisation, name: str) -> DomainError:
    return DomainError(_("%(org)s already has a department called “%(name)s”.")
                       % {"org": organisation, "name": name})


def _check_department_name(organisation: Organisation, name: str, exclude_pk=None) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Please enter the department name."))
    qs = Department.objects.filter(organisation=organisation, name=name)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise _department_exists(organisation, name)
    return name


@transaction.atomic
def department_create(*, organisation: Organisation, name: str, actor: User | None) -> Department:
    if actor is not None:
        _require(can_manage_staff(actor, organisation))
    name = _check_department_name(organisation, name)
    try:
        with transaction.atomic():  # two people adding the same department at once: the constraint decides
            return Department.objects.create(organisation=organisation, name=name)
    except IntegrityError:
        raise _department_exists(organisation, name) from None


@transaction.atomic
def department_rename(*, department: Department, name: str, actor: User | None) -> Department:
    department = Department.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=department.pk)
    if actor is not None:
        _require(can_manage_staff(actor, department.organisation))
    department.name = _check_department_name(department.organisation, name, exclude_pk=department.pk)
    try:
        with transaction.atomic():
            department.save(update_fields=["name"])
    except IntegrityError:
        raise _department_exists(department.organisation, department.name) from None
    return department


# -- staff (Person) ------------------------------------------------------------------------------

def _check_person_fields(organisation: Organisation, fields: dict) -> None:
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
        if not fields["name"]:
            raise DomainError(_("Please enter the name."))
    department = fields.get("department")
    if department is not None and department.organisation_id != organisation.pk:
        raise DomainError(_("The department “%(dept)s” does not belong to %(org)s.")
                          % {"dept": department, "org": organisation})
    user = fields.get("user")
    if user is not None:
        if not user.memberships.filter(is_active=True, organisation=organisation).exists():
            raise DomainError(_("%(user)s has no role at %(org)s, so the login cannot be linked here.")
                              % {"user": user.username, "org": organisation})


@transaction.atomic
def person_create(*, organisation: Organisation, name: str, actor: User | None, department: Department | None = None,
                  position: str = "", phone: str = "", user: User | None = None) -> Person:
    if actor is not None:
        _require(can_manage_staff(actor, organisation))
    fields = {"name": name, "department": department, "position": position, "phone": phone, "user": user}
    _check_person_fields(organisation, fields)
    if user is not None and Person.objects.filter(user=user).exists():
        raise DomainError(_("The login %(user)s is already linked to another staff member.") % {"user": user.username})
    return Person.objects.create(organisation=organisation, **fields)


@transaction.atomic
def person_update(*, person: Person, actor: User | None, **fields) -> Person:
    allowed = {"name", "department", "position", "phone", "user"}
    person = Person.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=person.pk)
    if actor is not None:
        _require(can_manage_staff(actor, person.organisation))
    _check_person_fields(person.organisation, fields)
    user = fields.get("user")
    if user is not None and Person.objects.filter(user=user).exclude(pk=person.pk).exists():
        raise DomainError(_("The login %(user)s is already linked to another staff member.") % {"user": user.username})
    model_update(instance=person, data=fields, allowed=allowed, actor=actor)
    return person


def person_get_or_create(*, organisation: Organisation, name: str, department: Department | None = None) -> Person:
    person = Person.objects.filter(organisation=organisation, name=name).first()
    if person is None:
        person = Person.objects.create(organisation=organisation, name=name, department=department)
    return person


# -- users and memberships -----------------------------------------------------------------------

@transaction.atomic
def user_create(*, username: str, full_name: str, password: str | None = None, email: str = "",
                phone: str = "", organisation: Organisation | None = None, roles=(),
                department: Department | None = None, actor: User | None = None,
                temporary_password: bool = False, force_change: bool = True, password_hash: str = "") -> User:
    """Create a login, its roles at `organisation` and its staff record (an existing unlinked one of the
    same name is reused). A manager must give at least one role at an organisation they manage.
    `password_hash` (from `make_password`, hashed before the caller's transaction, as the roster
    import does) is a temporary password already hashed: stored as is, to be changed at first login."""
    username = (username or "").strip()
    full_name = (full_name or "").strip()
    if not username:
        raise DomainError(_("Please enter the user name."))
    if actor is not None:
        _require(organisation is not None and can_manage_organisation(actor, organisation),
                 _("You can only create users at organisations you manage."))
        if not roles:
            raise DomainError(_("Please choose at least one role."))
    if department is not None and (organisation is None or department.organisation_id != organisation.pk):
        raise DomainError(_("The department “%(dept)s” does not belong to %(org)s.")
                          % {"dept": department, "org": organisation or "—"})
    taken = DomainError(_("The user name %(username)s is already taken.") % {"username": username})
    if User.objects.filter(username__iexact=username).exists():
        raise taken
    user = User(username=username, full_name=full_name, email=email, phone=phone)
    if password and actor is not None and not temporary_password:
        from django.contrib.auth.password_validation import validate_password
        from django.core.exceptions import ValidationError

        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise DomainError(" ".join(exc.messages))
    if password_hash:
        user.password = password_hash
        user.must_change_password = force_change
    elif password and (temporary_password or actor is not None):
        # A password chosen by a manager or generated is temporary: the user replaces it at first login.
        set_temporary_password(user, password, force_change=force_change)
    elif password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    try:
        with transaction.atomic():  # created meanwhile by someone else: the unique constraint decides
            user.save()
    except IntegrityError:
        raise taken from None
    if organisation is not None:
        for role in roles:
            membership_add(user=user, organisation=organisation, role=role, actor=actor)
        person = Person.objects.filter(organisation=organisation, name=full_name or username,
                                       user__isnull=True).first()
        if person is None:
            person = Person.objects.create(organisation=organisation, name=full_name or username,
                                           department=department, phone=phone)
        person.user = user
        person.save(update_fields=["user"])
    _audit("user_created", actor=actor, target=user, organisation=organisation,
           detail=", ".join(_role_label(r) for r in roles))
    return user


@transaction.atomic
def users_import(*, rows: list[dict], actor: User) -> list[User]:
    """Create many logins at once (the roster import), under the rules of `user_create` and
    `membership_add`, checked once for the whole batch, and written with bulk inserts (history
    rows and audit records included): the transaction holding the database's write lock stays
    short even for thousands of users. Each row: username, full_name, password_hash (hashed before
    this transaction; a temporary password, changed at first login), email, phone, organisation,
    roles, department. All rows or none (DomainError)."""
    from collections import defaultdict

    from django.db.models.functions import Lower
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    organisations = {r["organisation"].pk: r["organisation"] for r in rows}
    for org in organisations.values():
        _require(can_manage_organisation(actor, org), _("You can only create users at organisations you manage."))
        if not org.is_active:
            raise DomainError(_("%(org)s is deactivated; roles cannot be given there.") % {"org": org})
    may_give_admin = {pk: actor.is_superuser or actor.has_role(org, Role.ADMIN) for pk, org in organisations.items()}
    for row in rows:
        org, department = row["organisation"], row.get("department")
        if not (row.get("username") or "").strip():
            raise DomainError(_("Please enter the user name."))
        if not row["roles"]:
            raise DomainError(_("Please choose at least one role."))
        for role in row["roles"]:
            if role not in Role.values:
                raise DomainError(_("Unknown role."))
            if org.is_school and role not in SCHOOL_ROLES:
                raise DomainError(_("“%(role)s” is a bureau role and cannot be given at a school.")
                                  % {"role": _role_label(role)})
            if org.is_bureau and role not in BUREAU_ROLES:
                raise DomainError(_("“%(role)s” is a school role and cannot be given at a bureau.")
                                  % {"role": _role_label(role)})
            if role == Role.ADMIN and not may_give_admin[org.pk]:
                raise DomainError(_("Only an administrator can give the administrator role."))
        if department is not None and department.organisation_id != org.pk:
            raise DomainError(_("The department “%(dept)s” does not belong to %(org)s.")
                              % {"dept": department, "org": org})
    names = [r["username"].strip() for r in rows]
    taken = User.objects.annotate(u=Lower("username")).filter(u__in={n.casefold() for n in names}) \
        .values_list("username", flat=True).first()
    if taken:
        raise DomainError(_("The user name %(username)s is already taken.") % {"username": taken})
    users = [
        User(username=name, full_name=(r["full_name"] or "").strip(), email=r.get("email", ""),
             phone=r.get("phone", ""), password=r["password_hash"], must_change_password=True)
        for name, r in zip(names, rows, strict=True)
    ]
    try:
        with transaction.atomic():  # created meanwhile by someone else: the unique constraint decides
            users = bulk_create_with_history(users, User, batch_size=500, default_user=actor)
    except IntegrityError:
        raise DomainError(_("A user name of the file was taken meanwhile. Nothing was imported; please try again.")) \
            from None
    memberships = [Membership(user=user, organisation=r["organisation"], role=role, is_active=True)
                   for user, r in zip(users, rows, strict=True) for role in r["roles"]]
    bulk_create_with_history(memberships, Membership, batch_size=500, default_user=actor)
    # The staff record: an unlinked one of the same name at the organisation is reused, as user_create does.
    free = defaultdict(list)
    for person in Person.objects.filter(organisation__in=organisations, user__isnull=True,
                                        name__in={u.full_name or u.username for u in users}).order_by("pk"):
        free[(person.organisation_id, person.name)].append(person)
    linked, created = [], []
    for user, r in zip(users, rows, strict=True):
        name = user.full_name or user.username
        pool = free.get((r["organisation"].pk, name))
        if pool:
            person = pool.pop(0)
            person.user = user
            linked.append(person)
        else:
            created.append(Person(organisation=r["organisation"], name=name, department=r.get("department"),
                                  phone=user.phone, user=user))
    bulk_create_with_history(created, Person, batch_size=500, default_user=actor)
    if linked:
        bulk_update_with_history(linked, Person, ["user"], batch_size=500, default_user=actor)
    audit_record_many(
        [{"action": "user_created", "user": actor, "obj": user, "organisation": r["organisation"],
          "detail": ", ".join(_role_label(role) for role in r["roles"])} for user, r in zip(users, rows, strict=True)]
        + [{"action": "role_added", "user": actor, "obj": m.user, "organisation": m.organisation,
            "detail": f"{_role_label(m.role)} @ {m.organisation}"} for m in memberships]
    )
    return users


def _role_label(role: str) -> str:
    return str(dict(Role.choices).get(role, role))


@transaction.atomic
def membership_add(*, user: User, organisation: Organisation, role: str, actor: User | None = None) -> Membership:
    if role not in Role.values:
        raise DomainError(_("Unknown role."))
    if organisation.is_school and role not in SCHOOL_ROLES:
        raise DomainError(_("“%(role)s” is a bureau role and cannot be given at a school.")
                          % {"role": _role_label(role)})
    if organisation.is_bureau and role not in BUREAU_ROLES:
        raise DomainError(_("“%(role)s” is a school role and cannot be given at a bureau.")
                          % {"role": _role_label(role)})
    if actor is not None:
        _require(can_manage_organisation(actor, organisation),
                 _("You can only give roles at organisations you manage."))
        if user.is_superuser and not actor.is_superuser:
            raise DomainError(_("Only a system administrator can change a system administrator."))
        if role == Role.ADMIN and not (actor.is_superuser or actor.has_role(organisation, Role.ADMIN)):
            raise DomainError(_("Only an administrator can give the administrator role."))
    if not organisation.is_active:
        raise DomainError(_("%(org)s is deactivated; roles cannot be given there.") % {"org": organisation})
    membership, _created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role, defaults={"is_active": True}
    )
    if not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
        _created = True
    if _created:
        _audit("role_added", actor=actor, target=user, organisation=organisation,
               detail=f"{_role_label(role)} @ {organisation}")
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User | None) -> Membership:
    """Take a role away (kept in the history as inactive). The last role cannot go: deactivate instead."""
    membership = Membership.objects.select_for_update(of=("self",)).select_related("organisation", "user").get(pk=membership.pk)
    user = membership.user
    if actor is not None:
        _require(can_manage_organisation(actor, membership.organisation),
                 _("You can only take away roles at organisations you manage."))
        if user.pk == actor.pk and membership.role in BUREAU_MANAGER_ROLES and not actor.is_superuser:
            raise DomainError(_("You cannot take away your own managing role."))
    if not membership.is_active:
        return membership
    others = Membership.objects.filter(user=user, is_active=True).exclude(pk=membership.pk)
    if not others.exists() and user.is_active:
        raise DomainError(_("This is the user's last role. Deactivate the user instead."))
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    _audit("role_removed", actor=actor, target=user, organisation=membership.organisation,
           detail=f"{_role_label(membership.role)} @ {membership.organisation}")
    return membership


@transaction.atomic
def user_update(*, user: User, actor: User | None, **fields) -> User:
    allowed = {"full_name", "email", "phone"}
    user = User.objects.select_for_update().get(pk=user.pk)
    if actor is not None:
        _require(can_manage_user(actor, user))
    changed = model_update(instance=user, data=fields, allowed=allowed, actor=actor)
    if changed:
        _audit("user_changed", actor=actor, target=user, detail=", ".join(changed))
    return user


@transaction.atomic
def user_set_active(*, user: User, active: bool, actor: User | None) -> User:
    """Deactivate (the user can no longer log in; records keep their name) or reactivate a login."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if actor is not None:
        if user.pk == actor.pk:
            raise DomainError(_("You cannot deactivate yourself."))
        _require(can_manage_user(actor, user))
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        _audit("user_activated" if active else "user_deactivated", actor=actor, target=user)
    return user


@transaction.atomic
def user_reset_password(*, user: User, actor: User | None, password: str | None = None) -> str:
    """Set a new temporary password and return it (to be shown once to the manager)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if actor is not None:
        if user.pk == actor.pk:
            raise DomainError(_("Use “Change password” on your profile to change your own password."))
        _require(can_manage_user(actor, user))
    if not password:
        password = generate_password()
    set_temporary_password(user, password)
    user.save(update_fields=["password", "must_change_password"])
    _audit("password_reset", actor=actor, target=user)
    return password


def user_unlock(*, user: User, actor: User | None) -> int:
    """Lift a login lock-out (too many failed logins) before it ends by itself."""
    from .security import unlock

    if actor is not None:
        if user.pk == actor.pk:
            raise DomainError(_("You cannot unlock yourself."))
        _require(can_manage_user(actor, user))
    removed = unlock(user)
    _audit("unlocked", actor=actor, target=user)
    return removed
