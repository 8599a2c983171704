from django import forms
from django.utils.translation import gettext_lazy as _

from campaign_site.accounts.models import Organisation, Role
from campaign_site.generic.forms import DateInput, MultipleFileInput, ScopedFormMixin, ScopedModelForm, UploadField

from .models import Activity, Campaign, CampaignStatus, CheckItem, Deadline, FocusArea, Phase


class CampaignStartForm(ScopedFormMixin, forms.Form):
    organisation = forms.ModelChoiceField(Organisation.objects.bureaus(), label=_("Issuing bureau"))
    title = forms.CharField(label=_("Title"), max_length=200)
    document_number = forms.CharField(label=_("Document number"), max_length=60, required=False,
                                      help_text=_("For example 郑教明电〔2019〕478号"))
    start = forms.DateField(label=_("Start date"), widget=DateInput(),
                            help_text=_("Every phase and deadline moves by the same number of days."))
    end = forms.DateField(label=_("End date"), widget=DateInput(), required=False,
                          help_text=_("Leave empty to keep the template's length."))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if user is not None and not user.is_superuser:
            self.fields["organisation"].queryset = Organisation.objects.bureaus().filter(
                memberships__user=user, memberships__is_active=True,
                memberships__role__in=[Role.BUREAU_SAFETY, Role.ADMIN],
            ).distinct()
        qs = self.fields["organisation"].queryset
        if qs.count() == 1:
            self.fields["organisation"].initial = qs.first()


class CampaignForm(ScopedModelForm):
    class Meta:
        model = Campaign
        fields = ["title", "title_en", "document_number", "parent_document", "start", "end", "summary",
                  "summary_en", "plan_text"]
        widgets = {"start": DateInput(), "end": DateInput(), "summary": forms.Textarea(attrs={"rows": 4}),
                   "summary_en": forms.Textarea(attrs={"rows": 3}), "plan_text": forms.Textarea(attrs={"rows": 8})}


class FocusAreaForm(ScopedModelForm):
    class Meta:
        model = FocusArea
        fields = ["code", "order", "name", "name_en"]
        labels = {"code": _("Code"), "name_en": _("Name (English)")}


class CheckItemForm(ScopedModelForm):
    class Meta:
        model = CheckItem
        fields = ["number", "text", "text_en"]
        labels = {"text_en": _("Check item (English)")}
        widgets = {"text": forms.Textarea(attrs={"rows": 4}), "text_en": forms.Textarea(attrs={"rows": 3})}


class DeadlineForm(ScopedModelForm):
    class Meta:
        model = Deadline
        fields = ["kind", "name", "name_en", "date", "day_of_month", "note"]
        labels = {"name_en": _("Name (English)")}
        widgets = {"date": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}


class PhaseForm(ScopedModelForm):
    class Meta:
        model = Phase
        fields = ["name", "name_en", "start", "end"]
        labels = {"name_en": _("Name (English)")}
        widgets = {"start": DateInput(), "end": DateInput()}


class PlanSubmitForm(forms.Form):
    leader = forms.CharField(label=_("Leading group leader"), max_length=60,
                             help_text=_("The principal as a rule (主要负责同志任组长)."))
    deputy = forms.CharField(label=_("Deputy leader(s)"), max_length=120, required=False)
    office = forms.CharField(label=_("Office (where and who)"), max_length=200, required=False,
                             help_text=_("For example: office in the general affairs office, director Wang."))
    members = forms.CharField(label=_("Other members"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    known_major_hazards = forms.CharField(
        label=_("Major hazards already known"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("List the major hazards your school has already found, one per line."))
    document = UploadField(
        label=_("Plan document"),
        help_text=_("Your school's own implementation plan as Word (.docx) or PDF."),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.pdf,image/*"}))
    text = forms.CharField(
        label=_("Plan text (only for PDF or scanned documents)"), required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The text of a Word document is read automatically; for a PDF, paste its text here so "
                    "that it can be compared with the bureau's plan."))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class PlanReturnForm(forms.Form):
    reason = forms.CharField(label=_("Reason for return"), widget=forms.Textarea(attrs={"rows": 3}))


class ActivityForm(ScopedModelForm):
    photos = UploadField(
        images_only=True, multiple=True, label=_("Photos"), required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}))
    sign_in_sheet = UploadField(
        multiple=True, label=_("Sign-in sheet"), required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*,.pdf,.docx,.xlsx"}),
        help_text=_("A photo or scan of the signed attendance list."))

    class Meta:
        model = Activity
        fields = ["kind", "date", "topic", "participants", "campaign", "notes"]
        widgets = {"date": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["campaign"].queryset = self.fields["campaign"].queryset.live().exclude(
            status=CampaignStatus.DRAFT)
