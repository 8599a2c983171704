import functools

from django import forms
from django.utils.translation import gettext_lazy as _

from .filtersets import scope_choices


class ScopedFormMixin:
    """Every model choice offered to a user is limited to what that user may see.

    The form takes `user=`; after the form's (and every subclass's) `__init__` has run, each
    ModelChoiceField / ModelMultipleChoiceField whose queryset has `visible_to` is narrowed to
    `queryset.visible_to(user)`, also a queryset the subclass set itself (e.g. "the people of the
    hazard's school"): a choice can never offer another school's object, and the form only accepts
    what it offers. Without a user those choices are empty. Models without `visible_to` are shared
    reference data (e.g. the chemicals catalogue) and are left as declared.
    """

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.scope_choices()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is None or getattr(init, "_scopes_choices", False):
            return

        @functools.wraps(init)
        def __init__(self, *args, **kwargs):
            init(self, *args, **kwargs)
            self.scope_choices()

        __init__._scopes_choices = True
        cls.__init__ = __init__

    def scope_choices(self):
        user = self.user if getattr(self.user, "is_authenticated", False) else None
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is None or not hasattr(queryset, "visible_to"):
                continue
            if queryset is getattr(field, "_scoped_queryset", None):
                continue  # already narrowed
            field.queryset = scope_choices(queryset, user)
            field._scoped_queryset = field.queryset


class ScopedModelForm(ScopedFormMixin, forms.ModelForm):
    """A ModelForm whose model choices are scoped to `user` (see ScopedFormMixin)."""


class ScopedForm(ScopedFormMixin, forms.Form):
    """A Form whose model choices are scoped to `user` (see ScopedFormMixin)."""


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
