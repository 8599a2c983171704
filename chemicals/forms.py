"""Forms of a school's chemicals (declarations: the rules are in services.py)."""
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from campaign_site.accounts.models import Organisation
from campaign_site.generic.forms import DateInput, ScopedModelForm
from campaign_site.generic.ledger import format_quantity

from . import permissions
from .models import BureauControl, Cabinet, Chemical, ChemicalRoom, Container, CustodianTraining, Unit


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


# Requisitions (领用审批单) ------------------------------------------------------------------------

REQUISITION_LINES = 5


class RequisitionForm(SchoolFieldMixin, forms.Form):
    """A requisition for a class: up to five chemicals (the lines left empty are ignored)."""

    class_name = forms.CharField(label=_("class or grade"), max_length=100)
    purpose = forms.CharField(label=_("purpose"), max_length=300, help_text=_("The experiment or lesson"))
    use_at = forms.DateTimeField(label=_("time of use"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

    def __init__(self, *args, user=None, **kwargs):
        from .models import ContainerStatus

        super().__init__(*args, **kwargs)
        self.user = user
        schools = permissions.schools_requested_by(user) if user is not None else Organisation.objects.none()
        self.add_school_field(schools)
        chemicals = Chemical.objects.filter(containers__organisation__in=schools,
                                            containers__status=ContainerStatus.IN_STOCK).distinct().order_by("name_zh")
        for n in range(1, REQUISITION_LINES + 1):
            self.fields[f"chemical_{n}"] = forms.ModelChoiceField(
                label=_("Chemical %(n)s") % {"n": n}, queryset=chemicals, required=n == 1)
            self.fields[f"quantity_{n}"] = forms.DecimalField(label=_("quantity %(n)s") % {"n": n}, max_digits=14,
                                                              decimal_places=3, min_value=0, required=n == 1)
            self.fields[f"unit_{n}"] = forms.ChoiceField(label=_("unit %(n)s") % {"n": n}, choices=Unit.choices,
                                                         required=False)

    def clean(self):
        data = super().clean()
        for n in range(1, REQUISITION_LINES + 1):
            if data.get(f"chemical_{n}") is not None and not data.get(f"quantity_{n}"):
                self.add_error(f"quantity_{n}", _("Enter the amount."))
        return data

    def lines(self) -> list[tuple]:
        data = self.cleaned_data
        return [(data[f"chemical_{n}"], data.get(f"quantity_{n}"), data.get(f"unit_{n}"))
                for n in range(1, REQUISITION_LINES + 1) if data.get(f"chemical_{n}") is not None]


class RequisitionReasonForm(forms.Form):
    note = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class _LineFormMixin:
    def add_line_field(self, requisition):
        self.fields["line"] = forms.ModelChoiceField(
            label=_("chemical on the requisition"), empty_label=None,
            queryset=requisition.lines.select_related("chemical").order_by("pk"))

    def add_container_field(self, requisition, statuses):
        from .models import Container

        field = forms.ModelChoiceField(
            label=_("container"),
            queryset=Container.objects.filter(organisation=requisition.organisation_id, status__in=statuses,
                                              chemical__in=requisition.lines.values("chemical"))
            .select_related("chemical", "cabinet", "cabinet__room", "stock").order_by("chemical__name_zh", "pk"))
        field.label_from_instance = lambda c: _("%(container)s in %(cabinet)s, %(left)s %(unit)s left") % {
            "container": c, "cabinet": c.cabinet, "left": format_quantity(getattr(getattr(c, "stock", None),
                                                                                   "quantity", 0)),
            "unit": c.unit}
        self.fields["container"] = field


class RequisitionIssueForm(_LineFormMixin, forms.Form):
    quantity = forms.DecimalField(label=_("quantity (in the line's unit)"), max_digits=14, decimal_places=3,
                                  min_value=0)
    equipment = forms.CharField(label=_("measured with"), max_length=100, required=False,
                                help_text=_("e.g. electronic balance 0.01 g, 100 mL measuring cylinder"))
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, obj=None, **kwargs):
        from .models import ContainerStatus

        super().__init__(*args, **kwargs)
        self.add_line_field(obj)
        self.add_container_field(obj, [ContainerStatus.IN_STOCK])
        self.order_fields(["line", "container", "quantity", "equipment", "note"])


class RequisitionReturnForm(RequisitionIssueForm):
    def __init__(self, *args, obj=None, **kwargs):
        from .models import ContainerStatus

        super().__init__(*args, obj=obj, **kwargs)
        self.add_container_field(obj, [ContainerStatus.IN_STOCK, ContainerStatus.EMPTY])
        self.order_fields(["line", "container", "quantity", "equipment", "note"])


class RequisitionConsumeForm(_LineFormMixin, forms.Form):
    quantity = forms.DecimalField(label=_("quantity used up (in the line's unit)"), max_digits=14, decimal_places=3,
                                  min_value=0)
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_line_field(obj)
        self.order_fields(["line", "quantity", "note"])


# Stock counts (盘点) ----------------------------------------------------------------------------


class CountCompleteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=500,
                           widget=forms.Textarea(attrs={"rows": 2}))


class CountEntryForm(forms.Form):
    """What the custodians found, one group of fields per container of the count (rendered as one
    card per container for a phone): `found_<line>`, `present_<line>`, `sealed_<line>`,
    `labelled_<line>`, `note_<line>`."""

    def __init__(self, *args, lines=(), **kwargs):
        kwargs.pop("user", None)
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            n = line.pk
            self.fields[f"found_{n}"] = forms.DecimalField(
                label=_("Found (%(unit)s)") % {"unit": line.container.unit}, required=False, min_value=0,
                initial=line.found, widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}))
            self.fields[f"present_{n}"] = forms.BooleanField(label=_("in the cabinet"), required=False,
                                                             initial=line.present)
            self.fields[f"sealed_{n}"] = forms.BooleanField(label=_("sealed"), required=False, initial=line.sealed)
            self.fields[f"labelled_{n}"] = forms.BooleanField(label=_("labelled"), required=False,
                                                              initial=line.labelled)
            self.fields[f"note_{n}"] = forms.CharField(label=_("note"), required=False, max_length=300,
                                                       initial=line.note)

    def rows(self):
        """(line, found, present, sealed, labelled, note) bound fields per container, for the template."""
        return [(line, self[f"found_{line.pk}"], self[f"present_{line.pk}"], self[f"sealed_{line.pk}"],
                 self[f"labelled_{line.pk}"], self[f"note_{line.pk}"]) for line in self.lines]

    def entries(self) -> dict:
        data = self.cleaned_data
        return {line.pk: {"found": data[f"found_{line.pk}"], "present": data[f"present_{line.pk}"],
                          "sealed": data[f"sealed_{line.pk}"], "labelled": data[f"labelled_{line.pk}"],
                          "note": data[f"note_{line.pk}"]} for line in self.lines}
