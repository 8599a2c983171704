"""`Model.from_db` for the project's models: rows from the database become instances without
`Model.__init__`'s per-field loop.

Django builds every fetched record through `cls(*values)`: `__init__` sends `pre_init` and
`post_init`, then sets each field through `setattr`, i.e. through its descriptor. For a record just
read from the database that comes down to one `__dict__` entry per loaded field, and a list page of
100 rows builds 300–700 records (each row's own and its joined ones): 3–8 µs each this way, 1–2 µs
directly. `from_db` is Django's documented hook for customising how records are loaded; `install()`
(GenericConfig.ready) gives it to a model only where the direct way is the same:

- the model neither overrides `__init__` nor `from_db`;
- every concrete field's class attribute is a descriptor whose assignment on a fresh instance only
  stores the value in `__dict__` (Django's DeferredAttribute, ForeignKeyDeferredAttribute and
  FileDescriptor); a field with any other descriptor keeps Django's path for its model;
- nothing listens to `pre_init` or `post_init` when the row is loaded (checked on every call: a
  receiver connected later, e.g. by an ImageField, sends the model back through `__init__`).

Deferred fields (`only()`, `defer()`) stay out of `__dict__` as with Django, so reading one loads it.
tests/generic/test_loading.py compares the result with Django's on every project model.
"""
from __future__ import annotations

from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.fields.files import FileDescriptor
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init

# Descriptors whose __set__ on a new instance is `instance.__dict__[attname] = value` (or that have none).
PLAIN_DESCRIPTORS = (DeferredAttribute, ForeignKeyDeferredAttribute, FileDescriptor)
_plain_set = {ForeignKeyDeferredAttribute.__set__, FileDescriptor.__set__}


def _plain(model) -> bool:
    if model.__init__ is not Model.__init__ or model.from_db.__func__ is not Model.from_db.__func__:
        return False
    for field in model._meta.concrete_fields:
        descriptor = model.__dict__.get(field.attname) or getattr(model, field.attname, None)
        if not isinstance(descriptor, PLAIN_DESCRIPTORS):
            return False
        setter = getattr(type(descriptor), "__set__", None)
        if setter is not None and setter not in _plain_set:
            return False
    return True


def _fast_from_db(cls, db, field_names, values):
    if pre_init.receivers or post_init.receivers:
        return Model.from_db.__func__(cls, db, field_names, values)
    new = Model.__new__(cls)
    state = new._state = ModelState()
    state.adding = False
    state.db = db
    attnames = cls._meta.__dict__.get("_loading_attnames")
    if attnames is None:
        attnames = cls._meta._loading_attnames = tuple(f.attname for f in cls._meta.concrete_fields)
    if len(values) == len(attnames):
        new.__dict__.update(zip(attnames, values, strict=True))
    else:  # deferred loading: the query names the fields it read
        new.__dict__.update(zip(field_names, values, strict=True))
    return new


def install(app_labels) -> int:
    """Give the plain models of `app_labels` the direct `from_db`. Returns how many."""
    from django.apps import apps

    count = 0
    for model in apps.get_models():
        if model._meta.app_label in app_labels and not model._meta.abstract and _plain(model):
            model.from_db = classmethod(_fast_from_db)
            count += 1
    return count
