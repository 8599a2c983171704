"""Filter sets of the list pages: every choice scoped to the user.

    class HazardFilterSet(ScopedFilterSet):
        organisation = school_filter()          # campaign_site.accounts.filtersets
        focus_area = django_filters.ModelChoiceFilter(queryset=FocusArea.objects.all(), label=...)

`ScopedFilterSet` narrows every model-choice filter (ModelChoiceFilter, ModelMultipleChoiceFilter,
also those generated from `Meta.fields`, and querysets a subclass sets in its own `__init__`) to
`queryset.visible_to(user)` just before its form field is built, so a filter can never offer
another school's object: the form only accepts what it offers. Models without `visible_to` are
reference data shared by everyone (e.g. the chemicals catalogue) and are left as declared.
Without an authenticated user every scoped choice is empty.

`SearchableChoiceFilter` is a model choice that stays cheap on big data: a drop-down up to
`SELECT_LIMIT` visible choices, above it a text box (matched against `search_lookups`);
`hide_if_single` drops the filter when the user sees one choice or none (a school's own user
gets no "school" filter).

A list page without `filterset_class` has no filter form: django-filter's FilterView would
otherwise generate a FilterSet of every model field, i.e. drop-downs of every organisation and
every person in the database, unscoped.
"""
from __future__ import annotations

from functools import cache, reduce
from operator import or_

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

# Above this many choices a drop-down is unusable (and slow to build and render): search instead.
SELECT_LIMIT = 300


def _user(request):
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def scope_choices(queryset, user):
    """What a user may be offered out of `queryset` (none without a user)."""
    if queryset is None or not hasattr(queryset, "visible_to"):
        return queryset
    if user is None:
        return queryset.none()
    return queryset.visible_to(user)


class SearchableChoiceFilter(django_filters.ModelChoiceFilter):
    """A model choice: a drop-down of the visible choices, or a search box above SELECT_LIMIT."""

    def __init__(self, *args, search_lookups=("name__icontains",), search_label=None, hide_if_single=False,
                 **kwargs):
        self.search_lookups = tuple(search_lookups)
        self.search_label = search_label
        self.hide_if_single = hide_if_single
        super().__init__(*args, **kwargs)

    def matches(self, choices: QuerySet, text: str) -> QuerySet:
        return choices.filter(reduce(or_, (Q(**{lookup: text}) for lookup in self.search_lookups)))


class _ChoiceSearch(django_filters.CharFilter):
    """The text box a SearchableChoiceFilter becomes: rows whose choice matches the text."""

    def __init__(self, source: SearchableChoiceFilter, choices: QuerySet, **kwargs):
        self.source, self.choices = source, choices
        super().__init__(field_name=source.field_name, label=source.search_label or source.label,
                         widget=forms.TextInput(attrs={"placeholder": _("Name or code")}), **kwargs)

    def filter(self, qs, value):
        value = (value or "").strip()
        if not value:
            return qs
        matches = self.source.matches(self.choices, value)
        method = self.source.method
        if method:
            # The declared method receives a queryset of the matching choices instead of one.
            method = getattr(self.parent, method) if isinstance(method, str) else method
            return method(qs, self.source.field_name, matches)
        return qs.filter(**{f"{self.field_name}__in": matches.values("pk")})


class ScopedFilterSet(django_filters.FilterSet):
    """A FilterSet whose model choices are limited to what the request's user may see."""

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.user = _user(request)
        for name, filter_ in list(self.filters.items()):
            if isinstance(filter_, SearchableChoiceFilter):
                self._searchable(name, filter_)

    def _searchable(self, name, filter_):
        choices = scope_choices(filter_.get_queryset(self.request), self.user)
        if self.user is None:
            self.filters.pop(name)
            return
        # One query decides: hidden (one choice or none), a drop-down, or a search box.
        count = len(choices.values_list("pk", flat=True)[:SELECT_LIMIT + 1])
        if filter_.hide_if_single and count <= 1:
            self.filters.pop(name)
            return
        key = f"{self.form_prefix}-{name}" if self.form_prefix else name
        if count > SELECT_LIMIT and not str((self.data or {}).get(key, "")).isdigit():
            text = _ChoiceSearch(filter_, choices)
            text.parent, text.model = self, self._meta.model
            self.filters[name] = text
        else:
            filter_.queryset = filter_._scoped_queryset = choices

    def scope_choices(self):
        """Narrow every model choice to the user (idempotent; run before the form is built)."""
        for filter_ in self.filters.values():
            if not isinstance(filter_, (django_filters.ModelChoiceFilter, django_filters.ModelMultipleChoiceFilter)):
                continue
            queryset = filter_.get_queryset(self.request)
            if queryset is not None and queryset is getattr(filter_, "_scoped_queryset", None):
                continue
            filter_.queryset = filter_._scoped_queryset = scope_choices(queryset, self.user)

    def get_form_class(self):
        self.scope_choices()
        form_class = super().get_form_class()
        for field in form_class.base_fields.values():
            if isinstance(field, django_filters.fields.ModelChoiceField):
                field.iterator = ChoicesInOneQuery
        return form_class


class ChoicesInOneQuery(django_filters.fields.ModelChoiceIterator):
    """A drop-down's choices read with one plain query. Django reads them through
    `queryset.iterator()`, on PostgreSQL a server-side cursor (DECLARE … WITH HOLD, FETCH, CLOSE):
    about 5 ms for the register's hundred focus areas. A drop-down holds few choices (above
    SELECT_LIMIT a filter is a search box), so reading them at once costs nothing in memory."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


@cache
def no_filters(model):
    """A FilterSet of `model` with no filter at all (the list is still scoped by the view)."""
    meta = type("Meta", (), {"model": model, "fields": ()})
    return type(f"{model.__name__}NoFilterSet", (ScopedFilterSet,), {"Meta": meta})
