import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaign_site.generic.audit import action_choices
from campaign_site.generic.models import AuditEvent, AuditResult

from .models import Department, Organisation, OrgKind, Person, Role, SchoolType, User


def _visible_orgs(request):
    if request is None:
        return Organisation.objects.none()
    return Organisation.objects.visible_to(request.user)


def _visible_departments(request):
    if request is None:
        return Department.objects.none()
    return Department.objects.visible_to(request.user).select_related("organisation")


class OrganisationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or code"), method="search")
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=OrgKind.choices)
    school_type = django_filters.ChoiceFilter(label=_("school type"), choices=SchoolType.choices)
    parent = django_filters.ModelChoiceFilter(label=_("parent"), queryset=lambda r: _visible_orgs(r).bureaus())
    is_active = django_filters.BooleanFilter(label=_("active"))

    class Meta:
        model = Organisation
        fields = ["q", "kind", "school_type", "parent", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))


class PersonFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name, position or phone"), method="search")
    organisation = django_filters.ModelChoiceFilter(label=_("organisation"),
                                                    queryset=lambda r: _visible_orgs(r).schools())
    department = django_filters.ModelChoiceFilter(label=_("department"), queryset=_visible_departments)
    has_login = django_filters.BooleanFilter(label=_("Has a login"), field_name="user", lookup_expr="isnull",
                                             exclude=True)

    class Meta:
        model = Person
        fields = ["q", "organisation", "department", "has_login"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(position__icontains=value) | Q(phone__icontains=value))


class UserFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name, user name or phone"), method="search")
    organisation = django_filters.ModelChoiceFilter(label=_("organisation"), queryset=_visible_orgs,
                                                    method="at_organisation")
    role = django_filters.ChoiceFilter(label=_("role"), choices=Role.choices, method="with_role")
    is_active = django_filters.BooleanFilter(label=_("active"))

    class Meta:
        model = User
        fields = ["q", "organisation", "role", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(username__icontains=value) | Q(full_name__icontains=value)
                               | Q(phone__icontains=value))

    def at_organisation(self, queryset, name, value):
        return queryset.filter(pk__in=value.memberships.filter(is_active=True).values("user"))

    def with_role(self, queryset, name, value):
        from .models import Membership

        return queryset.filter(pk__in=Membership.objects.filter(is_active=True, role=value).values("user"))


class AuditEventFilterSet(django_filters.FilterSet):
    since = django_filters.DateFilter(label=_("From"), field_name="at", lookup_expr="date__gte")
    until = django_filters.DateFilter(label=_("To"), field_name="at", lookup_expr="date__lte")
    action = django_filters.ChoiceFilter(label=_("action"), choices=lambda: action_choices())
    result = django_filters.ChoiceFilter(label=_("result"), choices=AuditResult.choices)
    who = django_filters.CharFilter(label=_("User name"), method="search_user")
    client_ip = django_filters.CharFilter(label=_("client address"), lookup_expr="startswith")
    organisation = django_filters.ModelChoiceFilter(label=_("organisation"), queryset=_visible_orgs,
                                                    method="in_subtree")

    class Meta:
        model = AuditEvent
        fields = ["since", "until", "action", "result", "who", "client_ip", "organisation"]

    def search_user(self, queryset, name, value):
        return queryset.filter(Q(username__icontains=value) | Q(user__full_name__icontains=value))

    def in_subtree(self, queryset, name, value):
        return queryset.filter(organisation__path__startswith=value.path)
