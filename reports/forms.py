from django import forms
from django.utils.translation import gettext_lazy as _

from campaign_site.generic.forms import DateInput, ScopedForm

from . import statistics
from .models import ItemKind


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


class ItemForm(ScopedForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=ItemKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args, instance=None, **kwargs):
        self.instance = instance
        if instance is not None:
            kwargs.setdefault("initial", {"kind": instance.kind, "title": instance.title, "body": instance.body})
        super().__init__(*args, **kwargs)


class ScreeningForm(ScopedForm):
    screened_on = forms.DateField(label=_("Screened on"), widget=DateInput())
    classes_covered = forms.IntegerField(label=_("Classes covered"), min_value=1)
    risks_found = forms.IntegerField(label=_("Risks found"), min_value=0, initial=0)
    findings = forms.CharField(label=_("What was found"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    measures = forms.CharField(label=_("Measures taken"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_("Required when risks were found."))

    def __init__(self, *args, instance=None, **kwargs):
        self.instance = instance
        if instance is not None:
            kwargs.setdefault("initial", {f: getattr(instance, f) for f in
                                          ("screened_on", "classes_covered", "risks_found", "findings", "measures")})
        super().__init__(*args, **kwargs)


class SummaryForm(ScopedForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 14}))

    def __init__(self, *args, instance=None, **kwargs):
        self.instance = instance
        if instance is not None:
            kwargs.setdefault("initial", {"title": instance.title, "text": instance.text})
        super().__init__(*args, **kwargs)
