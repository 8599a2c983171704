"""Forms, filters and the table of public tips (declarations only; rules live in tips.py)."""
from __future__ import annotations

import datetime

import django_filters
import django_tables2 as tables
from django import forms
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from campaign_site.accounts.filtersets import school_filter
from campaign_site.accounts.models import Department, Person
from campaign_site.generic.filtersets import ScopedFilterSet
from campaign_site.generic.forms import DateInput, ScopedForm, UploadField

from .models import HazardLevel, Tip, TipStatus
from .tips import public_schools, tracking_code_display

# -- public ------------------------------------------------------------------------------------


def school_choices():
    """[(bureau name, [(pk, school name), ...]), ...] for a grouped <select>."""
    groups: dict[str, list] = {}
    for school in public_schools():
        label = school.parent.name if school.parent_id else ""
        groups.setdefault(label, []).append((school.pk, school.name))
    return [("", _("Choose the school"))] + list(groups.items())


class TipPublicForm(forms.Form):
    school = forms.TypedChoiceField(label=_("School or kindergarten"), coerce=int)
    description = forms.CharField(
        label=_("What is the hazard?"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": _("What did you see, and when?")}),
    )
    location = forms.CharField(label=_("Where exactly?"), max_length=200, required=False,
                               widget=forms.TextInput(attrs={"placeholder": _("e.g. north staircase of the teaching building")}))
    photo = UploadField(
        images_only=True, label=_("Photo (optional)"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
        help_text=_("A JPEG, PNG or WebP photo of at most 10 MB."),
    )
    contact_name = forms.CharField(label=_("Your name (optional)"), max_length=60, required=False)
    contact_phone = forms.CharField(label=_("Your phone (optional)"), max_length=30, required=False,
                                    widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    # Honeypot: hidden from people by CSS; bots fill every field.
    website = forms.CharField(required=False, label=_("Leave this field empty"),
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].choices = school_choices()

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Your report could not be accepted."))
        return ""

    def clean_school(self):
        pk = self.cleaned_data["school"]
        school = public_schools().filter(pk=pk).first()
        if school is None:
            raise forms.ValidationError(_("Please choose a school from the list."))
        return school


class TipStatusForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=20,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                                         "placeholder": "ABCDE-FGHJK", "class": "form-control-lg"}))


# -- triage ------------------------------------------------------------------------------------


class TipAcceptForm(ScopedForm):
    title = forms.CharField(label=_("Hazard"), max_length=200)
    location = forms.CharField(label=_("Location"), max_length=200)
    level = forms.ChoiceField(label=_("Level"), choices=HazardLevel.choices, initial=HazardLevel.GENERAL)
    found_on = forms.DateField(label=_("Found on"), widget=DateInput())
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    measures = forms.CharField(label=_("Rectification measures"), required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))
    responsible_department = forms.ModelChoiceField(label=_("Responsible department"), required=False,
                                                    queryset=Department.objects.none())
    responsible_person = forms.ModelChoiceField(label=_("Responsible person"), required=False,
                                                queryset=Person.objects.none())

    def __init__(self, *args, tip: Tip, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        school = tip.organisation
        self.fields["responsible_department"].queryset = Department.objects.filter(organisation=school)
        self.fields["responsible_person"].queryset = Person.objects.filter(organisation=school)

    def clean(self):
        data = super().clean()
        if data.get("found_on") and data.get("deadline") and data["deadline"] < data["found_on"]:
            self.add_error("deadline", _("The deadline cannot be before the date the hazard was found."))
        return data

    @staticmethod
    def initial_for(tip: Tip) -> dict:
        from .services import DEFAULT_DAYS

        first_line = tip.description.strip().splitlines()[0] if tip.description.strip() else ""
        found_on = timezone.localtime(tip.created_at).date()
        return {
            "title": first_line[:60],
            "location": tip.location,
            "description": tip.description,
            "found_on": found_on,
            "deadline": found_on + datetime.timedelta(days=DEFAULT_DAYS[HazardLevel.GENERAL]),
            "level": HazardLevel.GENERAL,
        }


class TipRejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("Why the tip is not accepted (kept with the tip)."))


# -- list --------------------------------------------------------------------------------------


class TipFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=TipStatus.choices)
    organisation = school_filter()

    class Meta:
        model = Tip
        fields = ["q", "status", "organisation"]

    def search(self, queryset, name, value):
        from django.db.models import Q

        from .tips import tracking_code_normalise

        code = tracking_code_normalise(value)
        return queryset.filter(Q(description__icontains=value) | Q(location__icontains=value)
                               | Q(tracking_code=code) | Q(organisation__name__icontains=value))


class TipTable(tables.Table):
    tracking_code = tables.Column(verbose_name=_("Tracking code"), linkify=True)
    created_at = tables.DateTimeColumn(verbose_name=_("Received at"), format="Y-m-d H:i")
    organisation = tables.Column(verbose_name=_("School"))
    description = tables.Column(verbose_name=_("What is the hazard"))
    status = tables.Column(verbose_name=_("Status"))
    hazard = tables.Column(verbose_name=_("Hazard"), linkify=True)

    class Meta:
        model = Tip
        fields = ("tracking_code", "created_at", "organisation", "description", "location", "status", "hazard")
        order_by = ("-created_at",)

    def render_tracking_code(self, value):
        return tracking_code_display(value)

    def value_tracking_code(self, value):
        return tracking_code_display(value)

    def render_description(self, value):
        return value if len(value) <= 60 else value[:60] + "…"

    def value_description(self, value):
        return value

    def render_status(self, record):
        style = {TipStatus.RECEIVED: "warning", TipStatus.ACCEPTED: "success", TipStatus.REJECTED: "secondary"}
        return format_html('<span class="badge text-bg-{}">{}</span>', style.get(record.status, "light"),
                           record.get_status_display())

    def value_status(self, record):
        return record.get_status_display()
