"""Filter sets of the list pages.

A list page without `filterset_class` has no filter form: django-filter's FilterView would
otherwise generate a FilterSet of every model field, i.e. drop-downs of every organisation and
every person in the database, unscoped.
"""
from __future__ import annotations

from functools import cache

import django_filters


@cache
def no_filters(model):
    """A FilterSet of `model` with no filter at all (the list is still scoped by the view)."""
    meta = type("Meta", (), {"model": model, "fields": ()})
    return type(f"{model.__name__}NoFilterSet", (django_filters.FilterSet,), {"Meta": meta})
