"""Navigation registry: apps register their menu entries in AppConfig.ready().

The core never imports a domain app; domain apps add themselves here.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str = "circle"
    order: int = 100
    # None: everyone logged in; otherwise a set of Role values (any membership with one of them).
    roles: frozenset | None = None
    # Or the predicate(user, None) of the page behind the entry (<app>/permissions.py), so the menu
    # and the page never disagree.
    permission: object = None
    superuser_only: bool = False
    children: tuple = field(default_factory=tuple)

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_registry: list[NavItem] = []


def register(*items: NavItem) -> None:
    for item in items:
        if all(i.url_name != item.url_name for i in _registry):
            _registry.append(item)


def replace(item: NavItem) -> None:
    """Register `item`, replacing an entry with the same url_name (its roles grew, say)."""
    _registry[:] = [i for i in _registry if i.url_name != item.url_name]
    _registry.append(item)


def items_for(user, roles: set[str]) -> list[NavItem]:
    """Entries for a user holding `roles` (superusers see every entry)."""
    if not user.is_authenticated:
        return []
    if user.is_superuser:
        roles = None
    visible = []
    for item in sorted(_registry, key=lambda i: i.order):
        if item.superuser_only and not user.is_superuser:
            continue
        if item.roles is not None and roles is not None and not (roles & item.roles):
            continue
        if item.permission is not None and not item.permission(user, None):
            continue
        visible.append(item)
    return visible
