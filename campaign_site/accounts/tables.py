import django_tables2 as tables
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from .models import Organisation, Person, User

# Secondary columns are hidden on phones (kept in exports).
WIDE = {"th": {"class": "d-none d-md-table-cell"}, "td": {"class": "d-none d-md-table-cell"}}


class OrganisationTable(tables.Table):
    name = tables.Column(linkify=True)
    code = tables.Column(attrs=WIDE)
    kind = tables.Column(attrs=WIDE)
    parent = tables.Column(verbose_name=_("parent"), accessor="parent__name", attrs=WIDE)
    address = tables.Column(attrs=WIDE)
    phone = tables.Column(attrs=WIDE)
    is_active = tables.BooleanColumn(attrs=WIDE)

    class Meta:
        model = Organisation
        fields = ["name", "code", "kind", "school_type", "parent", "address", "phone", "is_active"]
        order_by = ["path"]


class PersonTable(tables.Table):
    name = tables.Column(linkify=True)
    organisation = tables.Column(accessor="organisation__name", verbose_name=_("organisation"), attrs=WIDE)
    department = tables.Column(accessor="department__name", verbose_name=_("department"))
    position = tables.Column(attrs=WIDE)
    phone = tables.Column(attrs=WIDE)
    user = tables.Column(accessor="user__username", verbose_name=_("login account"), attrs=WIDE)

    class Meta:
        model = Person
        fields = ["name", "organisation", "department", "position", "phone", "user"]


class UserTable(tables.Table):
    username = tables.Column(linkify=True)
    roles = tables.Column(verbose_name=_("roles"), accessor="pk", orderable=False)
    phone = tables.Column(attrs=WIDE)
    email = tables.Column(attrs=WIDE)
    is_active = tables.BooleanColumn()
    last_login = tables.DateTimeColumn(attrs=WIDE)

    class Meta:
        model = User
        fields = ["username", "full_name", "roles", "phone", "email", "is_active", "last_login"]
        order_by = ["username"]

    def _roles(self, record):
        return getattr(record, "active_memberships", None) or []

    def render_roles(self, record):
        return format_html_join(
            "", '<div>{} · {}</div>',
            ((m.organisation.name, m.get_role_display()) for m in self._roles(record)),
        )

    def value_roles(self, record):
        return "；".join(f"{m.organisation.name} · {m.get_role_display()}" for m in self._roles(record))
