"""Permissions in views: one lookup answers "may this user see it" and "what may they do with it".

A permission is a predicate `(user, obj) -> bool` kept in `<app>/permissions.py` (role checks use
`campaign_site.accounts.permissions.has_role`; the core itself imports no app). obj is None on
list and create pages.

    obj, may = get_for_user(Hazard.objects.select_related("organisation"), request.user, pk=pk,
                            permissions={"edit": can_edit_hazard, "attach": can_attach_to_hazard})
    if may.edit: ...            # {% if may.edit %} in templates; each predicate asked once, lazily

`get_for_user` scopes with `visible_to(user)`: another organisation's object answers 404 exactly
like a missing one (Healthchecks' `_get_check_for_user`, Zulip's access-checking lookups).

Generic views declare the predicate once, as a class attribute:

    class HazardCreateView(ObjectCreateView):
        permission = can_register_hazard     # 403 when False; the list's "New" button asks it too
    class HazardEditView(ObjectEditView):
        permission = can_edit_hazard         # asked with the object, after the scoped lookup

`check(predicate, user, obj)` raises PermissionDenied (403) when the predicate says no.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

Predicate = Callable[[object, object], bool]


class Allowed(Mapping):
    """What `user` may do with `obj`: attribute or key access runs the named predicate once."""

    def __init__(self, user, obj, permissions: Mapping[str, Predicate] | None = None):
        self._user = user
        self._obj = obj
        self._permissions = dict(permissions or {})
        self._answers: dict[str, bool] = {}

    def __getitem__(self, name: str) -> bool:
        if name not in self._permissions:
            raise KeyError(name)
        if name not in self._answers:
            self._answers[name] = bool(self._permissions[name](self._user, self._obj))
        return self._answers[name]

    def __getattr__(self, name: str) -> bool:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError as exc:
            raise AttributeError(name) from exc

    def __iter__(self):
        return iter(self._permissions)

    def __len__(self):
        return len(self._permissions)

    def __repr__(self):
        return f"<Allowed {sorted(self._permissions)}>"


def scoped(queryset_or_model, user):
    qs = queryset_or_model
    if isinstance(qs, type) and issubclass(qs, models.Model):
        qs = qs._default_manager.all()
    return qs.visible_to(user)


def get_for_user(queryset_or_model, user, *, permissions: Mapping[str, Predicate] | None = None, **lookup):
    """(obj, may): the object `user` may see (404 otherwise) and what they may do with it."""
    qs = scoped(queryset_or_model, user)
    try:
        obj = qs.get(**lookup)
    except qs.model.DoesNotExist as exc:
        raise Http404 from exc
    return obj, Allowed(user, obj, permissions)


def allows(predicate: Predicate | None, user, obj=None) -> bool:
    """None allows everyone (scoping still applies)."""
    return predicate is None or bool(predicate(user, obj))


def check(predicate: Predicate | None, user, obj=None) -> None:
    if not allows(predicate, user, obj):
        raise PermissionDenied
