"""`get_FOO_display()` for the project's models, with each field's labels translated once per language.

Django's own `Model._get_FIELD_display` builds a dict of the field's choices on every call, and
building it hashes every lazy label, i.e. translates the whole choice list each time a single label
is shown: a list page of 100 rows with a status badge translated ~800 labels to show 100. Models are
left as declared; `install()` (GenericConfig.ready) swaps the generated `get_FOO_display` methods
of this project's models for `choice_label`, which reads a per-(field, language) dict built once.
Same results as Django's: the label in the active language, or the value itself when it is not
one of the choices (and unhashable values go through Django's own code).
"""
from __future__ import annotations

from functools import partialmethod

from django.db.models import Model
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language

_labels: dict = {}  # (field, language) -> {value: label}; bounded by fields × languages


def labels_for(field) -> dict:
    """{value: label in the active language} of a field with choices."""
    key = (field, get_language())
    found = _labels.get(key)
    if found is None:
        found = _labels[key] = {make_hashable(value): force_str(label, strings_only=True)
                                for value, label in field.flatchoices}
    return found


def choice_label(obj, field):
    """What `Model._get_FIELD_display(field)` returns, from `labels_for(field)`."""
    value = getattr(obj, field.attname)
    try:
        return labels_for(field)[value]
    except KeyError:
        return force_str(value, strings_only=True)
    except TypeError:  # an unhashable value (e.g. a list in a JSON field with choices)
        return Model._get_FIELD_display(obj, field)


def install(app_labels) -> int:
    """Give the models of `app_labels` (their history models included) `choice_label` as their
    generated `get_FOO_display`; methods a model defines itself are left alone. Returns how many."""
    from django.apps import apps

    count = 0
    for model in apps.get_models():
        if model._meta.app_label not in app_labels:
            continue
        for field in model._meta.concrete_fields:
            if not field.choices:
                continue
            name = f"get_{field.name}_display"
            method = model.__dict__.get(name)
            if isinstance(method, partialmethod) and method.func is Model._get_FIELD_display:
                setattr(model, name, partialmethod(choice_label, field=method.keywords["field"]))
                count += 1
    return count
