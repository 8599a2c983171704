"""Organisations (city bureau -> district bureau -> school), departments, people and roles."""
from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from campaign_site.generic.links import reverse  # django.urls.reverse from a template: list rows link cheaply
from campaign_site.generic.scoping import ScopedQuerySet, scope_q, user_scope_paths

PATH_STEP = 8  # digits per level of the materialised path


class OrgKind(models.TextChoices):
    CITY_BUREAU = "city_bureau", _("City education bureau")
    DISTRICT_BUREAU = "district_bureau", _("District education bureau")
    SCHOOL = "school", _("School")


class SchoolType(models.TextChoices):
    KINDERGARTEN = "kindergarten", _("Kindergarten")
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior middle school")
    SENIOR = "senior", _("Senior middle school")
    COMPLETE = "complete", _("Complete middle school")
    NINE_YEAR = "nine_year", _("Nine-year school")
    VOCATIONAL = "vocational", _("Vocational school")
    SPECIAL = "special", _("Special education school")


class Role(models.TextChoices):
    SAFETY_OFFICER = "safety_officer", _("Safety officer")
    RESPONSIBLE_PERSON = "responsible_person", _("Responsible person")
    LAB_CUSTODIAN = "lab_custodian", _("Lab custodian")
    PRINCIPAL = "principal", _("Principal")
    OTHER_LEADER = "other_leader", _("Other school leader")
    TEACHER = "teacher", _("Teacher")
    LAB_HEAD = "lab_head", _("Head of laboratories")
    TRANSPORT_OFFICER = "transport_officer", _("School bus officer")
    BUREAU_SAFETY = "bureau_safety", _("Bureau safety staff")
    BUREAU_INSPECTOR = "bureau_inspector", _("Bureau inspector")
    BUREAU_LEADER = "bureau_leader", _("Bureau leader")
    ADMIN = "admin", _("Administrator")


# Role groups (SCHOOL_ROLES, BUREAU_ROLES ...) live in permissions.py, with has_role and person_for.


class OrganisationQuerySet(ScopedQuerySet):
    def schools(self):
        return self.filter(kind=OrgKind.SCHOOL)

    def bureaus(self):
        return self.exclude(kind=OrgKind.SCHOOL)

    def below(self, organisation, *, include_self=True):
        qs = self.filter(path__startswith=organisation.path)
        return qs if include_self else qs.exclude(pk=organisation.pk)


class Organisation(models.Model):
    scope_field = "self"

    name = models.CharField(_("name"), max_length=120)
    code = models.CharField(
        _("institution code"), max_length=32, unique=True,
        help_text=_("The institution identification code issued by the education authority."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OrgKind.choices)
    school_type = models.CharField(_("school type"), max_length=20, choices=SchoolType.choices, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="school") | models.Q(school_type=""),
                name="org_school_type_only_for_schools",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("accounts:organisation_detail", args=[self.pk])

    @property
    def is_school(self) -> bool:
        return self.kind == OrgKind.SCHOOL

    @property
    def is_bureau(self) -> bool:
        return self.kind != OrgKind.SCHOOL

    def make_path(self) -> str:
        prefix = self.parent.path if self.parent_id else ""
        return f"{prefix}{self.pk:0{PATH_STEP}d}."

    def ancestors(self):
        """This organisation and those above it, root first (one query)."""
        step = PATH_STEP + 1
        paths = [self.path[: i + step] for i in range(0, len(self.path), step)]
        return Organisation.objects.filter(path__in=paths).order_by("depth")

    def is_below(self, other: Organisation) -> bool:
        return self.path.startswith(other.path)


class Department(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="departments"
    )
    name = models.CharField(_("name"), max_length=60)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["organisation", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="department_unique_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("accounts:organisation_detail", args=[self.organisation_id])


class UserQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Users holding (or having held) a role at an organisation `user` may see, and `user` themself."""
        if user_scope_paths(user) is None:
            return self.all()
        if not getattr(user, "is_authenticated", False):
            return self.none()
        roles = Membership.objects.filter(user=models.OuterRef("pk")).filter(scope_q(user, "organisation__path"))
        return self.filter(models.Q(models.Exists(roles)) | models.Q(pk=user.pk))


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=[("zh-hans", "简体中文"), ("en", "English")], default="zh-hans"
    )
    must_change_password = models.BooleanField(
        _("must change password"), default=False,
        help_text=_("Set when someone else gave this user a temporary password; cleared when they choose their own."),
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = ScopedUserManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # "Zhangwei" and "zhangwei" are one login: the service checks, the database decides races.
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
        ]

    def __str__(self):
        return self.full_name or self.username

    def get_absolute_url(self):
        return reverse("accounts:user_detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    def roles_at(self, organisation: Organisation) -> set[str]:
        """Roles this user holds at `organisation` or at any organisation above it."""
        cache = self.__dict__.setdefault("_roles_cache", {})
        if organisation.pk not in cache:
            cache[organisation.pk] = {
                m.role
                for m in self.memberships.filter(is_active=True).select_related("organisation")
                if organisation.path.startswith(m.organisation.path)
            }
        return cache[organisation.pk]

    def has_role(self, organisation: Organisation, *roles) -> bool:
        return bool(self.roles_at(organisation) & set(roles))

    @property
    def is_system_admin(self) -> bool:
        """Superuser or administrator somewhere: may see site-wide technical pages (health)."""
        return self.is_superuser or self.memberships.filter(role=Role.ADMIN, is_active=True).exists()

    def is_bureau_staff_over(self, organisation: Organisation) -> bool:
        """Holds a bureau role at a bureau above (or equal to) `organisation`."""
        from .permissions import BUREAU_ROLES

        return self.has_role(organisation, *BUREAU_ROLES)


class MembershipQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(is_active=True)


class Membership(models.Model):
    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role"),
        ]

    def __str__(self):
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"


class Person(models.Model):
    """A member of staff named in records (responsible person, re-inspector, watcher).

    May have no login yet; `user` links them once they do.
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="people"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="people",
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=60)  # 姓名, not 名称
    position = models.CharField(_("position"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    user = models.OneToOneField(
        User, verbose_name=_("login account"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="person",
    )
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        ordering = ["organisation", "name"]
        indexes = [models.Index(fields=["organisation", "name"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("accounts:person_detail", args=[self.pk])
