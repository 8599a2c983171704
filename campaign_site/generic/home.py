"""Home page widgets: apps register a function `widget(request) -> dict | None` in ready().

The returned dict holds `template` and its context; None hides the widget for that user."""
from __future__ import annotations

_widgets: list[tuple[int, callable]] = []


def register(order: int = 100):
    def decorator(fn):
        if all(f is not fn for _o, f in _widgets):
            _widgets.append((order, fn))
        return fn

    return decorator


def widgets_for(request) -> list[dict]:
    out = []
    for _order, fn in sorted(_widgets, key=lambda w: w[0]):
        widget = fn(request)
        if widget:
            out.append(widget)
    return out
