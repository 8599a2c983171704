from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import UpdateView

from campaign_site.generic.audit import audit_record
from campaign_site.generic.errors import DomainError
from campaign_site.generic.models import AuditEvent
from campaign_site.generic.views import (
    ImportView,
    ObjectActionView,
    ObjectCreateView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ScopedViewMixin,
)

from . import permissions, selectors, services
from .filtersets import AuditEventFilterSet, OrganisationFilterSet, PersonFilterSet, UserFilterSet
from .forms import (
    DepartmentForm,
    MembershipAddForm,
    OrganisationCreateForm,
    OrganisationEditForm,
    PersonForm,
    ProfileForm,
    UserCreateForm,
    UserEditForm,
)
from .importers import SchoolImporter, UserImporter
from .middleware import SESSION_KEY
from .models import Department, Membership, Organisation, Person, SchoolType, User
from .permissions import AUDIT_READER_ROLES
from .security import is_locked
from .tables import AuditEventTable, OrganisationTable, PersonTable, UserTable


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password; also the page a temporary password leads to at first login."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        if user.must_change_password:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        audit_record("password_changed", request=self.request, obj=user,
                     organisation=getattr(self.request, "organisation", None))
        messages.success(self.request, _("Your password was changed."))
        return response

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["must_change"] = self.request.user.must_change_password
        return ctx


class ProfileView(LoginRequiredMixin, UpdateView):
    form_class = ProfileForm
    template_name = "accounts/profile.html"
    success_url = reverse_lazy("accounts:profile")

    def get_object(self, queryset=None):
        return self.request.user

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your profile was saved."))
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, self.object.language, samesite="Lax")
        return response

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("My profile")
        ctx["memberships"] = self.request.user.memberships.filter(is_active=True).select_related("organisation")
        return ctx


def _safe_next(request, fallback="home"):
    nxt = request.POST.get("next") or request.META.get("HTTP_REFERER")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return nxt
    return fallback


@require_POST
def set_language(request):
    """Switch the language; kept on the user (and in a cookie for the login page)."""
    language = request.POST.get("language")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    if request.user.is_authenticated:
        request.user.language = language
        request.user.save(update_fields=["language"])
    response = redirect(_safe_next(request))
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax")
    return response


@login_required
@require_POST
def switch_membership(request):
    pk = request.POST.get("membership")
    if pk and pk.isdigit() and request.user.memberships.filter(pk=int(pk), is_active=True).exists():
        request.session[SESSION_KEY] = int(pk)
    return redirect("home")


# -- organisations, departments, staff and users ------------------------------------------------


def _display(value):
    """Detail values as people read them: yes/no, local date and time."""
    from datetime import datetime

    from django.utils import formats, timezone

    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "Y-m-d H:i")
    return value


class DisplayRowsMixin:
    def get_detail_rows(self):
        return [(label, _display(value)) for label, value in super().get_detail_rows()]


# organisations


class OrganisationListView(ObjectListView):
    model = Organisation
    table_class = OrganisationTable
    filterset_class = OrganisationFilterSet
    select_related = ("parent",)
    create_url_name = "accounts:organisation_create"
    import_url_name = "accounts:school_import"
    title = gettext_lazy("Schools and bureaus")
    empty_text = gettext_lazy("No organisations match. Add a school with “New”, or import a roster.")

    def get_summary(self, queryset):
        counts = dict(queryset.schools().values_list("school_type").annotate(n=Count("pk")).values_list(
            "school_type", "n"))
        current = self.request.GET.get("school_type")
        query = self.request.GET.copy()
        query.pop("page", None)
        items = []
        for value, label in SchoolType.choices:
            if counts.get(value):
                query["school_type"] = value
                items.append({"label": label, "count": counts[value], "url": "?" + query.urlencode(),
                              "active": current == value})
        return items

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if not permissions.is_manager(self.request.user):
            ctx["import_url_name"] = None
        return ctx


class OrganisationDetailView(DisplayRowsMixin, ObjectDetailView):
    model = Organisation
    select_related = ("parent",)
    template_name = "accounts/organisation_detail.html"
    detail_fields = ("code", "kind", "school_type", "parent", "address", "phone", "is_active")

    def get_detail_rows(self):
        rows = super().get_detail_rows()
        if not self.object.is_school:
            rows = [r for r in rows if r[0] != Organisation._meta.get_field("school_type").verbose_name]
        return rows

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        org, user = self.object, self.request.user
        ctx["can_manage"] = permissions.can_manage_organisation(user, org)
        ctx["can_manage_staff"] = permissions.can_manage_staff(user, org)
        ctx["departments"] = org.departments.annotate(n_people=Count("people"))
        ctx["people"] = org.people.select_related("department", "user").order_by("department__name", "name")
        ctx["memberships"] = org.memberships.filter(is_active=True).select_related("user").order_by(
            "role", "user__username")
        ctx["show_users"] = permissions.is_bureau_user(user)
        if org.is_bureau:
            ctx["children"] = org.children.order_by("kind", "name")
            ctx["schools_below"] = Organisation.objects.below(org).schools().count()
        return ctx


class OrganisationCreateView(ObjectCreateView):
    model = Organisation
    permission = permissions.can_manage_organisation
    form_class = OrganisationCreateForm
    success_message = gettext_lazy("The organisation was added.")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("New school")
        return ctx

    def perform_save(self, form):
        data = form.cleaned_data
        return services.organisation_create(
            name=data["name"], code=data["code"], kind=data["kind"], parent=data["parent"],
            school_type=data["school_type"] or "", address=data["address"], phone=data["phone"],
            actor=self.request.user,
        )


class OrganisationEditView(ObjectEditView):
    model = Organisation
    form_class = OrganisationEditForm
    success_message = gettext_lazy("The changes were saved.")

    permission = permissions.can_manage_organisation

    def perform_save(self, form):
        return services.organisation_update(organisation=self.object, actor=self.request.user, **form.cleaned_data)


# departments


class DepartmentCreateView(ObjectActionView):
    model = Organisation
    form_class = DepartmentForm
    success_message = gettext_lazy("The department was added.")

    permission = permissions.can_manage_staff

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("New department at %(org)s") % {"org": self.object}
        return ctx

    def perform_save(self, form):
        return services.department_create(organisation=self.object, name=form.cleaned_data["name"],
                                          actor=self.request.user)


class DepartmentEditView(ObjectEditView):
    model = Department
    form_class = DepartmentForm
    select_related = ("organisation",)
    success_message = gettext_lazy("The department was renamed.")
    permission = permissions.can_edit_department

    def perform_save(self, form):
        return services.department_rename(department=self.object, name=form.cleaned_data["name"],
                                          actor=self.request.user)


# staff


class PersonListView(ObjectListView):
    model = Person
    table_class = PersonTable
    filterset_class = PersonFilterSet
    select_related = ("organisation", "department", "user")
    create_url_name = "accounts:person_create"
    title = gettext_lazy("Staff")
    empty_text = gettext_lazy("No staff recorded yet. Add the people who are named as responsible persons, "
                              "re-inspectors or watchers with “New”.")


class PersonDetailView(ObjectDetailView):
    model = Person
    select_related = ("organisation", "department", "user")
    template_name = "accounts/person_detail.html"
    detail_fields = ("organisation", "department", "position", "phone", "user")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_manage_staff"] = permissions.can_edit_person(self.request.user, self.object)
        return ctx


class PersonCreateView(ObjectCreateView):
    model = Person
    form_class = PersonForm
    success_message = gettext_lazy("The staff member was added.")
    permission = permissions.can_edit_person

    def get_initial(self):
        initial = super().get_initial()
        org = self.request.GET.get("organisation")
        if org and org.isdigit():
            initial["organisation"] = int(org)
        return initial

    def perform_save(self, form):
        return services.person_create(actor=self.request.user, **form.cleaned_data)


class PersonEditView(ObjectEditView):
    model = Person
    form_class = PersonForm
    select_related = ("organisation",)
    success_message = gettext_lazy("The changes were saved.")
    permission = permissions.can_edit_person

    def perform_save(self, form):
        return services.person_update(person=self.object, actor=self.request.user, **form.cleaned_data)


# users


class UserListView(ObjectListView):
    model = User
    permission = permissions.is_bureau_user
    table_class = UserTable
    filterset_class = UserFilterSet
    create_url_name = "accounts:user_create"
    import_url_name = "accounts:user_import"
    title = gettext_lazy("Users")
    empty_text = gettext_lazy("No users match. Create one with “New”, or import a roster.")

    def get_queryset(self):
        return selectors.users_for_list(self.request.user).order_by("username")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if not permissions.is_manager(self.request.user):
            ctx["import_url_name"] = None
        return ctx


class UserDetailView(DisplayRowsMixin, ObjectDetailView):
    model = User
    template_name = "accounts/user_detail.html"
    detail_fields = ("username", "full_name", "phone", "email", "is_active", "last_login", "date_joined")
    permission = permissions.can_view_user

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        target, user = self.object, self.request.user
        ctx["title"] = f"{target.display_name} ({target.username})"
        ctx["memberships"] = target.memberships.visible_to(user).select_related("organisation").order_by(
            "-is_active", "organisation__path", "role")
        ctx["can_manage"] = target.pk != user.pk and permissions.can_manage_user(user, target)
        ctx["is_locked"] = ctx["can_manage"] and is_locked(target)
        ctx["can_add_role"] = permissions.can_give_role(user, target)
        ctx["role_form"] = MembershipAddForm(user=user)
        ctx["person"] = Person.objects.filter(user=target).select_related("organisation", "department").first()
        return ctx


class UserCreateView(ObjectCreateView):
    model = User
    permission = permissions.can_manage_organisation
    form_class = UserCreateForm

    def get_initial(self):
        initial = super().get_initial()
        org = self.request.GET.get("organisation")
        if org and org.isdigit():
            initial["organisation"] = int(org)
        return initial

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("New user")
        return ctx

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        password = data.pop("password") or services.generate_password()
        generated = not form.cleaned_data["password"]
        try:
            with transaction.atomic():
                user = services.user_create(password=password, temporary_password=generated,
                                            actor=self.request.user, **data)
        except DomainError as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        return render(self.request, "accounts/password_shown.html", {
            "title": _("User created"), "target": user, "password": password if generated else "",
            "message": _("The user %(username)s was created.") % {"username": user.username},
        })


class UserEditView(ObjectEditView):
    model = User
    form_class = UserEditForm
    success_message = gettext_lazy("The changes were saved.")

    permission = permissions.can_manage_user

    def perform_save(self, form):
        return services.user_update(user=self.object, actor=self.request.user, **form.cleaned_data)


class MembershipAddView(ObjectActionView):
    model = User
    form_class = MembershipAddForm
    success_message = gettext_lazy("The role was given.")

    permission = permissions.can_give_role

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("Give %(user)s a role") % {"user": self.object}
        return ctx

    def perform_save(self, form):
        services.membership_add(user=self.object, actor=self.request.user, **form.cleaned_data)
        return self.object


class UserActionView(ScopedViewMixin, View):
    """A POST button on the user page; refused rules come back as a message."""

    model = User
    http_method_names = ["get", "post"]

    def get(self, request, pk, **kwargs):
        """Nothing to show: back to the user's page (another organisation's user is 404 like any page)."""
        return redirect(self.get_object(pk))

    def post(self, request, pk, **kwargs):
        self.object = self.get_object(pk)
        try:
            with transaction.atomic():
                response = self.act(**kwargs)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(self.object)
        return response or redirect(self.object)

    def get_object(self, pk):
        try:
            return self.get_queryset().get(pk=pk)
        except User.DoesNotExist as exc:
            raise Http404 from exc

    def act(self, **kwargs):
        raise NotImplementedError


class MembershipRemoveView(UserActionView):
    def act(self, membership):
        try:
            m = self.object.memberships.visible_to(self.request.user).get(pk=membership)
        except Membership.DoesNotExist as exc:
            raise Http404 from exc
        services.membership_remove(membership=m, actor=self.request.user)
        messages.success(self.request, _("The role “%(role)s” at %(org)s was taken away.")
                         % {"role": m.get_role_display(), "org": m.organisation})


class UserSetActiveView(UserActionView):
    def act(self):
        active = self.request.POST.get("active") == "1"
        services.user_set_active(user=self.object, active=active, actor=self.request.user)
        if active:
            messages.success(self.request, _("%(user)s can log in again.") % {"user": self.object.username})
        else:
            messages.success(self.request, _("%(user)s was deactivated and can no longer log in.")
                             % {"user": self.object.username})


class UserPasswordResetView(UserActionView):
    def act(self):
        password = services.user_reset_password(user=self.object, actor=self.request.user)
        return render(self.request, "accounts/password_shown.html", {
            "title": _("New temporary password"), "target": self.object, "password": password,
            "message": _("The password of %(username)s was reset.") % {"username": self.object.username},
        })


class UserUnlockView(UserActionView):
    def act(self):
        services.user_unlock(user=self.object, actor=self.request.user)
        messages.success(self.request, _("%(user)s can log in again now.") % {"user": self.object.username})


# roster import


class SchoolImportView(ImportView):
    importer_class = SchoolImporter
    success_url_name = "accounts:organisation_list"


class UserImportView(ImportView):
    importer_class = UserImporter
    success_url_name = "accounts:user_list"
    template_name = "accounts/user_import.html"

    def imported(self, importer, result):
        return render(self.request, "accounts/user_import_done.html", {
            "title": _("Users imported"), "created": importer.created_rows(),
            "list_url": reverse("accounts:user_list"),
        })


# security audit log


class AuditLogView(ObjectListView):
    """The security audit log: the system administrator sees everything, bureau safety staff and
    administrators the records of the organisations below them. Read-only; exportable."""

    model = AuditEvent
    table_class = AuditEventTable
    filterset_class = AuditEventFilterSet
    select_related = ("organisation",)
    title = gettext_lazy("Security audit log")
    empty_text = gettext_lazy("No records match the filter.")
    paginate_by = 50

    permission = permissions.can_read_audit_log

    def get_queryset(self):
        user = self.request.user
        if user.is_superuser:
            return self.get_base_queryset()
        readable = list(user.memberships.filter(is_active=True, role__in=AUDIT_READER_ROLES)
                        .values_list("organisation__path", flat=True))
        q = Q(pk__in=[])
        for path in readable:
            q |= Q(organisation__path__startswith=path)
        return self.get_base_queryset().filter(q)
