import django_tables2 as tables
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from campaign_site.generic.models import AuditEvent
from campaign_site.generic.tables import Table

from .models import Organisation, Person, User


class OrganisationTable(Table):
    name = tables.Column(linkify=True)
    code = tables.Column()
    kind = tables.Column()
    parent = tables.Column(verbose_name=_("parent"), accessor="parent__name")
    address = tables.Column()
    phone = tables.Column()
    is_active = tables.BooleanColumn()

    class Meta:
        model = Organisation
        phone_columns = ('name', 'school_type')
        fields = ["name", "code", "kind", "school_type", "parent", "address", "phone", "is_active"]
        order_by = ["path"]


class PersonTable(Table):
    name = tables.Column(linkify=True)
    organisation = tables.Column(accessor="organisation__name", verbose_name=_("organisation"))
    department = tables.Column(accessor="department__name", verbose_name=_("department"))
    position = tables.Column()
    phone = tables.Column()
    user = tables.Column(accessor="user__username", verbose_name=_("login account"))

    class Meta:
        model = Person
        phone_columns = ('name', 'department')
        fields = ["name", "organisation", "department", "position", "phone", "user"]


class UserTable(Table):
    username = tables.Column(linkify=True)
    roles = tables.Column(verbose_name=_("roles"), accessor="pk", orderable=False)
    phone = tables.Column()
    email = tables.Column()
    is_active = tables.BooleanColumn()
    last_login = tables.DateTimeColumn()

    class Meta:
        model = User
        phone_columns = ('username', 'full_name', 'roles', 'is_active')
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


class AuditEventTable(Table):
    at = tables.DateTimeColumn(format="Y-m-d H:i:s")
    username = tables.Column(verbose_name=_("user"))
    client_ip = tables.Column()
    action = tables.Column(accessor="action_label", order_by=("action",), verbose_name=_("action"))
    object_repr = tables.Column()
    organisation = tables.Column(accessor="organisation__name", verbose_name=_("organisation"))
    result = tables.Column()
    detail = tables.Column()

    class Meta:
        model = AuditEvent
        phone_columns = ("at", "action", "result")
        fields = ["at", "username", "client_ip", "action", "object_repr", "organisation", "result", "detail"]
        order_by = ["-at"]
