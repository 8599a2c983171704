"""The one place that decides what a user may see.

Every organisation carries a materialised path ("00000001.00000042.") so that "this organisation
and everything below it" is one indexed prefix match (`path LIKE '00000001.%'`), fast with 50,000
organisations, never an `IN (...)` list of ids. A user sees the subtrees of their memberships;
superusers see everything.

Models owned by an organisation use `ScopedQuerySet` and name the path to their organisation in
`scope_field` (default "organisation"). Generic views, form choices, importers and exports all
call `visible_to(user)`.
"""
from __future__ import annotations

from functools import reduce
from operator import or_

from django.db import models
from django.http import Http404


def user_scope_paths(user) -> list[str] | None:
    """Paths of the subtrees `user` may see; None means everything (superuser)."""
    if not getattr(user, "is_authenticated", False):
        return []
    if user.is_superuser:
        return None
    cached = getattr(user, "_scope_paths", None)
    if cached is None:
        paths = sorted(
            set(user.memberships.filter(is_active=True).values_list("organisation__path", flat=True))
        )
        # Drop paths already covered by a shorter one.
        cached = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
        user._scope_paths = cached
    return cached


def scope_q(user, path_field: str) -> models.Q:
    paths = user_scope_paths(user)
    if paths is None:
        return models.Q()
    if not paths:
        return models.Q(pk__in=[])
    return reduce(or_, (models.Q(**{f"{path_field}__startswith": p}) for p in paths))


class ScopedQuerySet(models.QuerySet):
    """QuerySet with `visible_to(user)`; set `scope_field` on the model (default "organisation")."""

    def visible_to(self, user):
        field = getattr(self.model, "scope_field", "organisation")
        path_field = "path" if field == "self" else f"{field}__path"
        return self.filter(scope_q(user, path_field))


def get_visible_or_404(queryset_or_model, user, **lookup):
    """Fetch one object the user may see; another organisation's object is 404 like a missing one."""
    qs = queryset_or_model
    if isinstance(qs, type) and issubclass(qs, models.Model):
        qs = qs._default_manager.all()
    try:
        return qs.visible_to(user).get(**lookup)
    except qs.model.DoesNotExist as exc:
        from campaign_site.generic.audit import _current_request, audit_hidden_lookup

        request = _current_request()
        if request is None or getattr(request, "user", None) != user:
            request = _UserOnly(user)
        audit_hidden_lookup(request, qs, lookup)
        raise Http404 from exc


class _UserOnly:
    """Stands in for a request when a lookup is made outside one (only the user is known)."""

    def __init__(self, user):
        self.user = user
        self.path = ""
        self.META = {}
