"""Filters of the accounts lists, and the organisation filters every app declares with.

    organisation = school_filter()            # "School": hidden for a user of one school,
                                              # a search box above SELECT_LIMIT schools
    organisation = organisation_filter()      # any organisation the user sees (bureaus too)

Choices are scoped to the user by ScopedFilterSet (campaign_site/generic/filtersets.py).
"""
import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from campaign_site.generic.audit import action_choices
from campaign_site.generic.filtersets import ScopedFilterSet, SearchableChoiceFilter
from campaign_site.generic.models import AuditEvent, AuditResult

from .models import Department, Organisation, OrgKind, Person, Role, SchoolType, User

ORGANISATION_SEARCH = ("name__icontains", "code")


def school_filter(label=None, **kwargs):
    """The school a row belongs to: the schools the user sees; none for a user of one school."""
    label = label or _("School")
    kwargs.setdefault("search_label", _("School (name or code)"))
    return SearchableChoiceFilter(label=label, queryset=Organisation.objects.schools().only("pk", "name", "path"),
                                  search_lookups=ORGANISATION_SEARCH, hide_if_single=True, **kwargs)


def organisation_filter(label=None, queryset=None, **kwargs):
    """Any organisation the user sees (bureaus and schools)."""
    label = label or _("Organisation")
    kwargs.setdefault("search_label", _("Organisation (name or code)"))
    return SearchableChoiceFilter(label=label, search_lookups=ORGANISATION_SEARCH,
                                  queryset=(queryset if queryset is not None else Organisation.objects.all())
                                  .only("pk", "name", "path"), **kwargs)


def _several(value):
    """A filter method's value: one choice, or (from a search box) a queryset of the matches."""
    return value if isinstance(value, QuerySet) else [value]


class OrganisationFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Name or code"), method="search")
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=OrgKind.choices)
    school_type = django_filters.ChoiceFilter(label=_("school type"), choices=SchoolType.choices)
    parent = organisation_filter(label=_("parent"), queryset=Organisation.objects.bureaus())
    is_active = django_filters.BooleanFilter(label=_("active"))

    class Meta:
        model = Organisation
        fields = ["q", "kind", "school_type", "parent", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))


class PersonFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Name, position or phone"), method="search")
    organisation = school_filter(label=_("organisation"))
    department = SearchableChoiceFilter(label=_("department"), queryset=Department.objects.select_related("organisation"),
                                        search_label=_("Department (name)"))
    has_login = django_filters.BooleanFilter(label=_("Has a login"), field_name="user", lookup_expr="isnull",
                                             exclude=True)

    class Meta:
        model = Person
        fields = ["q", "organisation", "department", "has_login"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(position__icontains=value) | Q(phone__icontains=value))


class UserFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Name, user name or phone"), method="search")
    organisation = organisation_filter(label=_("organisation"), method="at_organisation")
    role = django_filters.ChoiceFilter(label=_("role"), choices=Role.choices, method="with_role")
    is_active = django_filters.BooleanFilter(label=_("active"))

    class Meta:
        model = User
        fields = ["q", "organisation", "role", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(username__icontains=value) | Q(full_name__icontains=value)
                               | Q(phone__icontains=value))

    def at_organisation(self, queryset, name, value):
        from .models import Membership

        return queryset.filter(pk__in=Membership.objects.filter(
            is_active=True, organisation__in=_several(value)).values("user"))

    def with_role(self, queryset, name, value):
        from .models import Membership

        return queryset.filter(pk__in=Membership.objects.filter(is_active=True, role=value).values("user"))


class AuditEventFilterSet(ScopedFilterSet):
    since = django_filters.DateFilter(label=_("From"), field_name="at", lookup_expr="date__gte")
    until = django_filters.DateFilter(label=_("To"), field_name="at", lookup_expr="date__lte")
    action = django_filters.ChoiceFilter(label=_("action"), choices=lambda: action_choices())
    result = django_filters.ChoiceFilter(label=_("result"), choices=AuditResult.choices)
    who = django_filters.CharFilter(label=_("User name"), method="search_user")
    client_ip = django_filters.CharFilter(label=_("client address"), lookup_expr="startswith")
    organisation = organisation_filter(label=_("organisation"), method="in_subtree")

    class Meta:
        model = AuditEvent
        fields = ["since", "until", "action", "result", "who", "client_ip", "organisation"]

    def search_user(self, queryset, name, value):
        return queryset.filter(Q(username__icontains=value) | Q(user__full_name__icontains=value))

    def in_subtree(self, queryset, name, value):
        if isinstance(value, QuerySet):  # a search box: the organisations named, not their subtrees
            return queryset.filter(organisation__in=value)
        return queryset.filter(organisation__path__startswith=value.path)
