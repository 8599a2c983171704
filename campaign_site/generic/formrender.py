"""Form fields written as crispy-forms' bootstrap5 pack writes them, in plain Python.

`{{ field|as_crispy_field }}` renders a template of some sixty tags per field and Django renders
each `<option>` through two more templates: a list page's filter form (a dozen fields, selects
with dozens of options) cost 30–40 ms that way. Text, date, number and single-choice fields (what
filter forms are made of) are written here with the same markup; anything else (checkboxes,
radio lists, files, multi-widgets, a form with a crispy helper, custom widget templates) still
goes through crispy itself. tests/generic/test_table_rendering.py compares both on every list.
"""
from __future__ import annotations

from django import forms
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

# Django's own input templates: each is `{% include "django/forms/widgets/input.html" %}`.
_INPUT_TEMPLATES = {f"django/forms/widgets/{name}.html" for name in (
    "input", "text", "date", "number", "email", "url", "search", "tel", "datetime", "time", "password")}
_SELECT_TEMPLATE = "django/forms/widgets/select.html"
_OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {conditional_escape(name)}")
        else:
            out.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(out)


def _plain_widget(widget) -> str | None:
    """'input' or 'select' when the widget renders its context with Django's stock templates
    (so writing that context here gives the same markup), else None."""
    if type(widget).render is not forms.Widget.render:
        return None
    if (isinstance(widget, forms.widgets.Input)
            and not isinstance(widget, (forms.FileInput, forms.CheckboxInput, forms.MultipleHiddenInput))
            and widget.template_name in _INPUT_TEMPLATES):
        return "input"
    if (isinstance(widget, forms.Select) and not widget.allow_multiple_selected
            and widget.template_name == _SELECT_TEMPLATE and widget.option_template_name == _OPTION_TEMPLATE):
        return "select"
    return None


def _widget_html(field, kind: str, css_class: str) -> str:
    """`BoundField.as_widget()` after crispy set the widget's class, without the widget templates."""
    widget = field.field.widget
    if field.field.localize:
        widget.is_localized = True
    attrs = field.build_widget_attrs({"class": css_class}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    name = conditional_escape(context["name"])
    if kind == "input":
        out = f'<input type="{conditional_escape(context["type"])}" name="{name}"'
        if context["value"] is not None:
            out += f' value="{conditional_escape(str(context["value"]))}"'
        return out + _attrs(context["attrs"]) + ">"
    parts = [f'<select name="{name}"{_attrs(context["attrs"])}>']
    for group_name, group_choices, _index in context["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            parts.append(f'\n  <option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
                         f'{conditional_escape(option["label"])}</option>')
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _class_for(widget, bootstrap: str) -> str:
    """The class crispy's `{% crispy_field field 'class' '...' %}` gives the widget."""
    class_name = type(widget).__name__.lower()
    css = widget.attrs.get("class", "")
    if css:
        if css.find(class_name) == -1:
            css += f" {class_name}"
    else:
        css = class_name
    for token in bootstrap.split():
        if token not in css.split():
            css += f" {token}"
    return css


def crispy_field_html(field) -> str:
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

    widget = field.field.widget
    kind = None
    if getattr(field.form, "helper", None) is None and not field.is_hidden and not field.field.show_hidden_initial \
            and not field.use_fieldset:
        kind = _plain_widget(widget)
    if kind is None:
        return as_crispy_field(field)
    errors = field.errors
    bootstrap = ("form-select" if kind == "select" else "form-control") + (" is-invalid" if errors else "")
    required = field.field.required
    out = [f'<div id="div_{field.auto_id}" class="mb-3']
    css_classes = field.css_classes()
    if css_classes:
        out.append(f" {escape(css_classes)}")
    out.append('">')
    if field.label:
        label_for = f'for="{escape(field.id_for_label)}" ' if field.id_for_label else ""
        star = '<span class="asteriskField">*</span>' if required else ""
        out.append(f'<label {label_for}class="form-label{" requiredField" if required else ""}">'
                   f"{conditional_escape(field.label)}{star}</label>")
    out.append(_widget_html(field, kind, _class_for(widget, bootstrap)))
    if errors:
        out.append(f'<div id="{escape(errors.field_id)}_error" class="invalid-feedback">')
        for n, error in enumerate(errors, start=1):
            out.append(f'<p id="error_{n}_{escape(field.auto_id)}"><strong>{conditional_escape(error)}</strong></p>')
        out.append("</div>")
    if field.help_text:
        helptext_id = f'id="{escape(field.auto_id)}_helptext" ' if field.auto_id else ""
        out.append(f'<div {helptext_id}class="form-text">{field.help_text}</div>')
    out.append("</div>")
    return mark_safe("".join(out))
