from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from campaign_site.generic.forms import ScopedFormMixin, ScopedModelForm

from . import selectors
from .models import Department, Organisation, OrgKind, Person, Role, User

username_validator = RegexValidator(
    r"^[\w.@+-]+\Z", _("Use only letters, digits and the characters @ . + - _ in the user name.")
)


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "email", "phone", "language"]


class OrganisationCreateForm(ScopedModelForm):
    kind = forms.ChoiceField(
        label=_("kind"), choices=[(OrgKind.SCHOOL, OrgKind.SCHOOL.label),
                                  (OrgKind.DISTRICT_BUREAU, OrgKind.DISTRICT_BUREAU.label)],
        initial=OrgKind.SCHOOL,
    )

    class Meta:
        model = Organisation
        fields = ["parent", "kind", "name", "code", "school_type", "address", "phone"]
        help_texts = {"school_type": _("Required for schools and kindergartens.")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["parent"].required = True
        self.fields["parent"].label = _("Above it (bureau)")
        self.fields["parent"].queryset = selectors.managed_bureaus(user)
        if self.fields["parent"].queryset.count() == 1:
            self.fields["parent"].initial = self.fields["parent"].queryset.first()


class OrganisationEditForm(ScopedModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "code", "school_type", "address", "phone", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.is_school:
            del self.fields["school_type"]
        else:
            self.fields["school_type"].required = True


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class PersonForm(ScopedModelForm):
    class Meta:
        model = Person
        fields = ["organisation", "name", "department", "position", "phone", "user"]
        help_texts = {"user": _("Link this staff member to their login, once they have one.")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        orgs = selectors.staff_organisations(user)
        instance = self.instance if self.instance.pk else None
        if instance is not None:
            del self.fields["organisation"]
            org_filter = {"organisation": instance.organisation}
        else:
            self.fields["organisation"].queryset = orgs
            if orgs.count() == 1:
                self.fields["organisation"].initial = orgs.first()
            org_filter = {"organisation__in": orgs}
        self.fields["department"].queryset = Department.objects.filter(**org_filter).select_related("organisation")
        self.fields["department"].label_from_instance = lambda d: d.name if instance else f"{d.organisation} · {d.name}"
        linked = Person.objects.filter(user__isnull=False)
        if instance is not None:
            linked = linked.exclude(pk=instance.pk)
        member_filter = {"memberships__organisation": instance.organisation} if instance else \
            {"memberships__organisation__in": orgs}
        self.fields["user"].queryset = (
            User.objects.filter(is_active=True, memberships__is_active=True, **member_filter)
            .exclude(pk__in=linked.values("user")).distinct().order_by("username")
        )
        self.fields["user"].label_from_instance = lambda u: f"{u.username} · {u.display_name}"


class UserCreateForm(ScopedFormMixin, forms.Form):
    organisation = forms.ModelChoiceField(label=_("organisation"), queryset=Organisation.objects.none())
    roles = forms.MultipleChoiceField(label=_("roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple)
    username = forms.CharField(label=_("user name"), max_length=150, validators=[username_validator])
    full_name = forms.CharField(label=_("full name"), max_length=60)
    phone = forms.CharField(label=_("mobile phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("email"), required=False)
    department = forms.ModelChoiceField(label=_("department"), queryset=Department.objects.none(), required=False)
    password = forms.CharField(
        label=_("initial password"), required=False, widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to have a password generated; it is shown once after saving."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        orgs = selectors.managed_organisations(user).filter(is_active=True)
        self.fields["organisation"].queryset = orgs
        self.fields["department"].queryset = Department.objects.filter(organisation__in=orgs).select_related(
            "organisation")
        self.fields["department"].label_from_instance = lambda d: f"{d.organisation} · {d.name}"

    def clean_password(self):
        password = self.cleaned_data.get("password")
        if password:
            validate_password(password, User(username=self.data.get("username", ""),
                                             full_name=self.data.get("full_name", "")))
        return password


class UserEditForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "email", "phone"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class MembershipAddForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("organisation"), queryset=Organisation.objects.none())
    role = forms.ChoiceField(label=_("role"), choices=Role.choices)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = selectors.managed_organisations(user).filter(is_active=True)
