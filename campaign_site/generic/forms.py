from django import forms
from django.utils.translation import gettext_lazy as _


class ScopedFormMixin:
    """Every model choice offered to a user is limited to what that user may see."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            qs = getattr(field, "queryset", None)
            if user is not None and qs is not None and hasattr(qs, "visible_to"):
                field.queryset = qs.visible_to(user)


class ScopedModelForm(ScopedFormMixin, forms.ModelForm):
    pass


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx) or CSV"))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)
