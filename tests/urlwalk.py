"""Walk the URL conf and build the objects its `pk` URLs need (used by test_access and test_query_counts).

Apps register how to make their objects in `tests/<app>/objects*.py`:

    OBJECTS = {Hazard: lambda school: <a Hazard owned by `school`>}
    SHARED = {Campaign}          # visible to every school of the district (still 404 for another district)
    PERSONAL = {Notice: lambda user: <a Notice of `user`>}   # only its owner sees it (404 for everyone else)
    VIEW_MODELS = {"generic:attachment": Attachment}         # function views without a `model` attribute
    LIST_OBJECTS = {Organisation: lambda school: <a NEW school>}  # only where OBJECTS returns existing rows

A function view may also carry the model itself: `my_view.model = Hazard`.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

TESTS_DIR = Path(__file__).resolve().parent
ROOT_DIR = TESTS_DIR.parent


@dataclass
class Route:
    name: str  # "namespace:name"
    route: str  # the pattern text, for messages
    callback: object
    kwargs: tuple[str, ...]
    converters: dict = field(default_factory=dict)
    namespace: str = ""

    @property
    def view_class(self):
        return getattr(self.callback, "view_class", None)


def _walk(resolver, prefix="", namespace=None, kwargs=(), converters=None, include_unnamed=False):
    converters = converters or {}
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _walk(
                p, prefix + str(p.pattern), ns, kwargs + tuple(p.pattern.regex.groupindex),
                {**converters, **getattr(p.pattern, "converters", {})}, include_unnamed,
            )
        elif isinstance(p, URLPattern):
            if p.name:
                name = f"{namespace}:{p.name}" if namespace else p.name
            elif include_unnamed:
                name = prefix + str(p.pattern)  # an unnamed pattern is named by its route
            else:
                continue
            yield Route(
                name=name, route=prefix + str(p.pattern), callback=p.callback,
                kwargs=kwargs + tuple(p.pattern.regex.groupindex),
                converters={**converters, **getattr(p.pattern, "converters", {})},
                namespace=(namespace or "").split(":", 1)[0],
            )


def all_routes(*, include_unnamed: bool = False) -> list[Route]:
    seen, routes = set(), []
    for r in _walk(get_resolver(), include_unnamed=include_unnamed):
        if r.name in seen:
            continue
        seen.add(r.name)
        routes.append(r)
    return routes


@dataclass
class Registry:
    objects: dict
    shared: set
    personal: dict
    view_models: dict
    sources: dict  # model -> module that registered it
    list_objects: dict  # model -> callable(school) making a NEW row per call (list query counts)


def load_registry() -> Registry:
    reg = Registry(objects={}, shared=set(), personal={}, view_models={}, sources={}, list_objects={})
    for path in sorted(TESTS_DIR.glob("*/objects*.py")):
        module_name = ".".join(("tests",) + path.relative_to(TESTS_DIR).with_suffix("").parts)
        module = importlib.import_module(module_name)
        for model, factory in getattr(module, "OBJECTS", {}).items():
            reg.objects.setdefault(model, factory)
            reg.sources.setdefault(model, module_name)
        reg.shared |= set(getattr(module, "SHARED", ()))
        for model, factory in getattr(module, "PERSONAL", {}).items():
            reg.personal.setdefault(model, factory)
        reg.view_models.update(getattr(module, "VIEW_MODELS", {}))
        for model, factory in getattr(module, "LIST_OBJECTS", {}).items():
            reg.list_objects.setdefault(model, factory)
    return reg


def view_model(route: Route, registry: Registry | None = None):
    """The model a view serves: view_class.model / .queryset.model / callback.model / VIEW_MODELS."""
    if registry is not None and route.name in registry.view_models:
        return registry.view_models[route.name]
    vc = route.view_class
    for holder in (vc, route.callback):
        if holder is None:
            continue
        model = getattr(holder, "model", None)
        if model is not None:
            return model
        qs = getattr(holder, "queryset", None)
        if qs is not None and hasattr(qs, "model"):
            return qs.model
    return None


def model_label(model) -> str:
    return f"{model._meta.app_label}.{model.__name__}"
