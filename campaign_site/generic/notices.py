"""A hook through which the core notifies people without importing the notifications app (which
knows accounts; the core's direction is accounts -> generic). The notifications app registers its
`notify` in `AppConfig.ready()`; core services call `send(...)` with the same keyword arguments
(`key`, `title`, `body`, `url`, `level`, `users`, `organisation`, `roles`)."""
from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

_sender: Callable | None = None


def register_sender(sender: Callable) -> None:
    global _sender
    _sender = sender


def send(**kwargs) -> list:
    if _sender is None:
        raise ImproperlyConfigured("No notice sender registered (is campaign_site.notifications installed?)")
    return _sender(**kwargs)
