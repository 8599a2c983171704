from django import forms
from django.utils.translation import gettext_lazy as _

from campaign_site.generic.forms import DateInput, ScopedForm

from . import statistics
from .models import ItemKind


class InstanceForm(ScopedForm):
    """A plain form the generic edit view hands the record to (`instance=`): its `initial_fields`
    are filled from it; the view's perform_save passes the cleaned data to the service."""

    initial_fields: tuple = ()

    def __init__(self, *args, instance=None, **kwargs):
        self.instance = instance
        if instance is not None:
            kwargs.setdefault("initial", {f: getattr(instance, f) for f in self.initial_fields})
        super().__init__(*args, **kwargs)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ReportForm(ScopedForm):
    """The month's progress and the figures the records do not track (one field per manual figure)."""

    progress = forms.CharField(label=_("Progress this month"), required=False,
                               widget=forms.Textarea(attrs={"rows": 6}),
                               help_text=_("Main work, progress and serious problems found this month."))

    def __init__(self, *args, instance=None, **kwargs):
        self.instance = instance
        if instance is not None:
            kwargs.setdefault("initial", {"progress": instance.progress, **instance.manual_figures})
        super().__init__(*args, **kwargs)
        for figure in statistics.MANUAL:
            self.fields[figure.key] = forms.IntegerField(
                label=f"{figure.label}（{figure.unit}）", min_value=0, required=False)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        return {"progress": data.pop("progress", ""), "manual_figures": data}


class ItemForm(InstanceForm):
    initial_fields = ("kind", "title", "body")
    kind = forms.ChoiceField(label=_("Kind"), choices=ItemKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}))


class ScreeningForm(InstanceForm):
    initial_fields = ("screened_on", "classes_covered", "risks_found", "findings", "measures")
    screened_on = forms.DateField(label=_("Screened on"), widget=DateInput())
    classes_covered = forms.IntegerField(label=_("Classes covered"), min_value=1)
    risks_found = forms.IntegerField(label=_("Risks found"), min_value=0, initial=0)
    findings = forms.CharField(label=_("What was found"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    measures = forms.CharField(label=_("Measures taken"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_("Required when risks were found."))


class SummaryForm(InstanceForm):
    initial_fields = ("title", "text")
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 14}))


class CircularForm(InstanceForm):
    """The wording of a draft circular: number, title, date, opening and each section (one paragraph a line)."""

    initial_fields = ("number", "title", "date")
    number = forms.CharField(label=_("Document number"), max_length=80)
    title = forms.CharField(label=_("Title"), max_length=300)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    opening = forms.CharField(label=_("Opening"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        content = instance.content if instance is not None else {}
        self.initial.setdefault("opening", content.get("opening", ""))
        self.section_count = len(content.get("sections", []))
        for n, part in enumerate(content.get("sections", [])):
            self.fields[f"heading_{n}"] = forms.CharField(label=_("Section heading"), max_length=200,
                                                          initial=part.get("heading", ""))
            self.fields[f"text_{n}"] = forms.CharField(
                label=_("Section text"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
                initial="\n".join(part.get("paragraphs", [])),
                help_text=_("One paragraph a line.") + (
                    " " + _("The typical cases chosen for the circular follow this text unchanged.")
                    if part.get("cases") else ""))

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"number": data["number"], "title": data["title"], "date": data["date"], "opening": data["opening"],
                "sections": [(data[f"heading_{n}"], data[f"text_{n}"]) for n in range(self.section_count)]}
