"""Forms of expiry and disposal (declarations: the rules are in disposal.py)."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign_site.accounts.models import Organisation
from campaign_site.generic.forms import DateInput, ScopedForm, ScopedModelForm
from campaign_site.generic.ledger import format_quantity

from . import permissions
from .forms import SchoolFieldMixin
from .models import Container, DisposalBatch, Unit, WasteContractor


class ContractorForm(ScopedModelForm):
    class Meta:
        model = WasteContractor
        fields = ["name", "credit_code", "licence_number", "licence_scope", "licence_authority",
                  "licence_valid_from", "licence_valid_until", "contact_person", "phone", "address", "is_active",
                  "note"]
        widgets = {"licence_valid_from": DateInput(), "licence_valid_until": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            bureaus = permissions.bureaus_keeping_contractors(self.user) if self.user is not None \
                else Organisation.objects.none()
            field = forms.ModelChoiceField(queryset=bureaus, label=_("Bureau"), empty_label=None)
            if len(bureaus) == 1:
                field.widget = forms.HiddenInput()
                field.initial = bureaus[0].pk
            self.fields = {"organisation": field, **self.fields}


class DeteriorationForm(forms.Form):
    found_on = forms.DateField(label=_("found on"), widget=DateInput(), initial=timezone.localdate)
    reason = forms.CharField(label=_("what was found"), max_length=300,
                             help_text=_("e.g. discoloured, caked, leaking, label unreadable"))


class DisposalBatchForm(SchoolFieldMixin, ScopedForm):
    contractor = forms.ModelChoiceField(queryset=WasteContractor.objects.filter(is_active=True),
                                        label=_("contractor"))
    handover_on = forms.DateField(label=_("hand-over date"), widget=DateInput())
    manifest_number = forms.CharField(label=_("transfer manifest number (转移联单号)"), max_length=40, required=False,
                                      help_text=_("Needed before the batch is handed over."))
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_school_field()
        self.fields["contractor"].label_from_instance = lambda c: _(
            "%(name)s · licence %(number)s, valid %(from)s to %(until)s") % {
            "name": c.name, "number": c.licence_number, "from": c.licence_valid_from.isoformat(),
            "until": c.licence_valid_until.isoformat()}


class DisposalContainerForm(forms.Form):
    container = forms.ModelChoiceField(queryset=Container.objects.none(), label=_("container"))

    def __init__(self, *args, obj: DisposalBatch = None, **kwargs):
        from .disposal import DISPOSABLE_STATUSES

        super().__init__(*args, **kwargs)
        field = self.fields["container"]
        if obj is not None:
            field.queryset = (Container.objects.filter(organisation=obj.organisation_id,
                                                       status__in=DISPOSABLE_STATUSES)
                              .select_related("chemical", "cabinet", "cabinet__room", "stock")
                              .order_by("expires_on", "chemical__name_zh", "pk"))
        field.label_from_instance = lambda c: _("%(container)s in %(cabinet)s, %(left)s %(unit)s left, expires "
                                                "%(expires)s") % {
            "container": c, "cabinet": c.cabinet, "unit": c.unit, "expires": c.expires_on or "—",
            "left": format_quantity(getattr(getattr(c, "stock", None), "quantity", 0))}


class DisposalWasteForm(forms.Form):
    description = forms.CharField(label=_("waste"), max_length=200,
                                  help_text=_("e.g. waste acid liquid, contaminated packaging"))
    quantity = forms.DecimalField(label=_("quantity"), max_digits=14, decimal_places=3, min_value=0)
    unit = forms.ChoiceField(label=_("unit"), choices=Unit.choices)


class DisposalRemoveForm(forms.Form):
    item = forms.ModelChoiceField(queryset=None, label=_("line"), empty_label=None)

    def __init__(self, *args, obj: DisposalBatch = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = obj.items.select_related("container", "container__chemical") \
            .order_by("pk") if obj is not None else DisposalBatch.objects.none()
