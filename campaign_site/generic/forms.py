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


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class UploadField(forms.FileField):
    """A file, or several with `multiple=True`, checked and prepared while the form is cleaned,
    i.e. before any transaction: size, real type, Office packages, images decoded at a reduced
    scale and re-encoded (generic.attachments.prepare_upload). Cleans to PreparedUpload objects,
    which `attachment_add` stores without decoding them again."""

    def __init__(self, *, images_only: bool = False, multiple: bool = False, **kwargs):
        self.images_only = images_only
        self.multiple = multiple
        if multiple:
            kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(**kwargs)

    def _prepare(self, upload):
        from .attachments import prepare_upload
        from .errors import DomainError

        try:
            return prepare_upload(upload, images_only=self.images_only)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from None

    def clean(self, data, initial=None):
        if not self.multiple:
            upload = super().clean(data, initial)
            return self._prepare(upload) if upload else upload
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [self._prepare(super(UploadField, self).clean(f, initial)) for f in files if f]
