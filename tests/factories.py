"""Factories for the core models. Each app adds tests/<app>/factories.py."""
import itertools

import factory

from campaign_site.accounts import services as account_services
from campaign_site.accounts.models import Department, Membership, OrgKind, Person, SchoolType, User

_codes = itertools.count(1)

PASSWORD = "Test-pass-2026"


def organisation(*, name=None, kind=OrgKind.SCHOOL, parent=None, school_type=None, code=None):
    n = next(_codes)
    return account_services.organisation_create(
        name=name or f"测试学校{n}",
        code=code or f"T{n:09d}",
        kind=kind,
        parent=parent,
        school_type=(school_type or SchoolType.PRIMARY) if kind == OrgKind.SCHOOL else "",
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def member(organisation, role, **kwargs) -> User:
    """A user holding `role` at `organisation`, with their staff record (Person)."""
    user = UserFactory(**kwargs)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    Person.objects.create(organisation=organisation, name=user.full_name, user=user)
    return user


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"部门{n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"职工{n}")
