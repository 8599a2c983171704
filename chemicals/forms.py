"""Forms of a school's chemicals (declarations: the rules are in services.py)."""
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from campaign_site.accounts.models import Organisation
from campaign_site.generic.forms import DateInput, ScopedModelForm

from . import permissions
from .models import BureauControl, Cabinet, ChemicalRoom, Container, CustodianTraining, Unit


class SchoolFieldMixin:
    """A "school" choice on create forms: the schools whose chemicals the user keeps (one school:
    chosen for them)."""

    def add_school_field(self, schools=None, label=None):
        if schools is None:
            schools = permissions.schools_kept_by(self.user) if self.user is not None else Organisation.objects.none()
        field = forms.ModelChoiceField(queryset=schools, label=label or _("School"), empty_label=None)
        self.fields = {"organisation": field, **self.fields}
        if len(schools) == 1:
            field.widget = forms.HiddenInput()
            field.initial = schools[0].pk


DATE_WIDGETS = {name: DateInput() for name in ("received_on", "opened_on", "expires_on")}


class RoomForm(SchoolFieldMixin, ScopedModelForm):
    class Meta:
        model = ChemicalRoom
        fields = ["name", "kind", "location", "hazard_sign", "note", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.add_school_field()


class CabinetForm(SchoolFieldMixin, ScopedModelForm):
    class Meta:
        model = Cabinet
        fields = ["room", "code", "kind", "hazard_sign", "controlled", "key_holder_1", "key_holder_2", "note",
                  "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        schools = permissions.schools_kept_by(self.user) if self.user is not None else Organisation.objects.none()
        if self.instance.pk is not None:
            schools = schools.filter(pk=self.instance.organisation_id)
        self.fields["room"].queryset = ChemicalRoom.objects.filter(organisation__in=schools, is_active=True)
        holders = get_user_model().objects.filter(
            is_active=True, memberships__organisation__in=schools, memberships__is_active=True,
            memberships__role__in=sorted(permissions.CUSTODIAN_ROLES)).distinct().order_by("full_name", "pk")
        for name in ("key_holder_1", "key_holder_2"):
            self.fields[name].queryset = holders
        if self.instance.pk is None:
            self.add_school_field()


class ContainerForm(SchoolFieldMixin, ScopedModelForm):
    class Meta:
        model = Container
        fields = ["chemical", "cabinet", "position", "lot", "supplier", "received_on", "opened_on", "expires_on",
                  "unit", "size", "note"]
        widgets = DATE_WIDGETS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        schools = permissions.schools_kept_by(self.user) if self.user is not None else Organisation.objects.none()
        if self.instance.pk is not None:
            schools = schools.filter(pk=self.instance.organisation_id)
            for name in ("chemical", "unit", "size"):
                self.fields.pop(name)
        self.fields["cabinet"].queryset = Cabinet.objects.filter(organisation__in=schools, is_active=True) \
            .select_related("room")
        if self.instance.pk is None:
            self.add_school_field()


class MovementForm(forms.Form):
    """Book a movement out of (or back into) one container."""

    kind = forms.ChoiceField(label=_("movement"))
    quantity = forms.DecimalField(label=_("quantity"), max_digits=14, decimal_places=3,
                                  help_text=_("For a count adjustment: the difference found, negative when "
                                              "less was found than the books say."))
    unit = forms.ChoiceField(label=_("unit"), choices=Unit.choices)
    occurred_at = forms.DateTimeField(label=_("time"), required=False,
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                      help_text=_("Empty: now."))
    counterparty = forms.ModelChoiceField(label=_("received or returned by"), required=False,
                                          queryset=get_user_model().objects.none())
    counterparty_name = forms.CharField(label=_("received or returned by (name)"), max_length=100, required=False)
    reason = forms.CharField(label=_("reason or purpose"), max_length=300, required=False)
    reference = forms.CharField(label=_("reference"), max_length=100, required=False,
                                help_text=_("Requisition, delivery note or count number"))
    equipment = forms.CharField(label=_("measured with"), max_length=100, required=False,
                                help_text=_("e.g. electronic balance 0.01 g, 100 mL measuring cylinder"))
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user=None, container=None, **kwargs):
        super().__init__(*args, **kwargs)
        from .services import RECORDABLE_KINDS

        self.fields["kind"].choices = [(k.value, k.label) for k in RECORDABLE_KINDS]
        if container is not None:
            self.fields["unit"].initial = container.unit
            self.fields["counterparty"].queryset = get_user_model().objects.filter(
                is_active=True, memberships__organisation=container.organisation_id,
                memberships__is_active=True).distinct().order_by("full_name", "pk")


class ReverseForm(forms.Form):
    note = forms.CharField(label=_("Why is this entry reversed?"), widget=forms.Textarea(attrs={"rows": 2}))


class TrainingForm(SchoolFieldMixin, ScopedModelForm):
    class Meta:
        model = CustodianTraining
        fields = ["person", "course", "certificate", "trained_by", "trained_on", "valid_until", "activity", "note"]
        widgets = {"trained_on": DateInput(), "valid_until": DateInput()}

    def __init__(self, *args, **kwargs):
        from campaign_site.campaigns.models import Activity, ActivityKind

        super().__init__(*args, **kwargs)
        schools = permissions.schools_trained_by(self.user) if self.user is not None else Organisation.objects.none()
        if self.instance.pk is not None:
            schools = schools.filter(pk=self.instance.organisation_id)
        self.fields["person"].queryset = get_user_model().objects.filter(
            is_active=True, memberships__organisation__in=schools, memberships__is_active=True,
            memberships__role__in=sorted(permissions.CUSTODIAN_ROLES)).distinct().order_by("full_name", "pk")
        self.fields["activity"].queryset = Activity.objects.filter(
            organisation__in=schools, kind=ActivityKind.TRAINING).order_by("-date", "-pk")
        if self.instance.pk is None:
            self.add_school_field(schools)


class ControlForm(ScopedModelForm):
    class Meta:
        model = BureauControl
        fields = ["chemical", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bureaus = permissions.bureaus_controlled_by(self.user) if self.user is not None \
            else Organisation.objects.none()
        field = forms.ModelChoiceField(queryset=bureaus, label=_("Bureau"), empty_label=None)
        self.fields = {"organisation": field, **self.fields}
        if len(bureaus) == 1:
            field.widget = forms.HiddenInput()
            field.initial = bureaus[0].pk
