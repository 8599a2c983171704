"""Demo data registry: each app registers a builder `fn(stdout) -> None` in AppConfig.ready().

`manage.py seed_demo` runs them in order. Builders must be idempotent (get_or_create on natural
keys), so `make run` can be repeated without duplicating anything."""
from __future__ import annotations

_builders: list[tuple[int, str, callable]] = []


def register(order: int, name: str):
    def decorator(fn):
        if all(n != name for _o, n, _f in _builders):
            _builders.append((order, name, fn))
        return fn

    return decorator


def builders():
    return sorted(_builders, key=lambda b: b[0])
