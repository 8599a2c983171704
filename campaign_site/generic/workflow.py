"""State machines: one table of transitions per model (in the app's models.py), applied by services,
offered as buttons and run by one generic view.

    HAZARD_FLOW = Workflow(
        Transition("start", source=[REGISTERED], target=RECTIFYING, label=_("Start rectification"),
                   form="hazards.forms.NoteForm",                          # what the person fills in
                   service="hazards.services.hazard_start_rectification",  # what runs, in a transaction
                   permission="hazards.permissions.can_rectify",            # who may press it
                   done=_("Rectification started.")),                       # the message afterwards
        Transition("reinspect_pass", source=[SUBMITTED], target=AWAITING_SIGNOFF, ...),  # an outcome: no button
        ...
        subject="hazard",                  # the service's keyword for the object: service(hazard=obj, actor=user, **data)
        events={"list": _("Listed for supervision")},   # timeline entries that keep the status
    )

A Transition with a `service` is a button. Its `target` is the status it leads to; None for a step
whose service applies one of the outcome transitions itself (re-inspection: passed or failed) or
keeps the status (listing, a deadline). `form`, `service` and `permission` may be dotted paths, so
models.py names them without importing forms or services. `condition(obj)` narrows the states
further (a major hazard not yet listed); `button` is the button's label when it differs from
`label` (a callable of the object when it depends on it); `done` is the success message (or a
callable of what the service returned); `confirm` asks "this cannot be undone" before posting;
`initial(obj)` pre-fills the form on GET; `anchor(result)` is the fragment of the object's page to
land on afterwards (the checklist item just ticked). A step need not change the status: its
`target` is None and its service does the work (an inspection's "record an item").

- `FLOW.available_for(user, obj)` -> the Buttons (name, label, style, icon) this user may press now.
- `TransitionView` (generic/views.py) serves `<pk>/step/<name>/`: it looks the object up scoped to
  the user (404), shows the transition's form (the form receives `obj=` and `user=` when its
  __init__ takes them), calls the service with `form.service_kwargs()` (default: cleaned_data), and
  shows a DomainError on the form. A step that is not open now (another status, another person's
  step) sends the user back to the object with a warning.
- Services lock the row (`select_for_update(of=("self",))`), check the same predicate, then call
  `FLOW.apply(obj, name, actor=user, note=..., fields={...})`: it checks the source state, saves with
  update_fields and writes the TransitionLog (the timeline) in the same transaction.
  `FLOW.record(obj, name, ...)` writes a timeline entry for a step that keeps the status.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .errors import TransitionNotAllowed
from .models import TransitionLog


def _resolve(value):
    """A dotted path (also to an attribute of a class: "app.forms.Form.initial_for") or the thing itself."""
    if not isinstance(value, str):
        return value
    try:
        return import_string(value)
    except ImportError:
        owner, attribute = value.rsplit(".", 1)
        return getattr(_resolve(owner), attribute)


@dataclass(frozen=True)
class Transition:
    name: str
    source: tuple | list
    target: str | None = None
    label: str = ""
    style: str = "primary"  # Bootstrap button colour in the UI
    icon: str = "arrow-right"  # Bootstrap icon name
    note_required: bool = False
    form: type | str | None = None
    service: Callable | str | None = None
    permission: Callable | str | None = None
    condition: Callable | None = None
    button: str | Callable | None = None
    done: str | Callable = ""
    confirm: bool = False
    initial: Callable | str | None = None
    anchor: Callable | None = None
    extra: dict = field(default_factory=dict)

    @property
    def is_button(self) -> bool:
        return self.service is not None

    def form_class(self):
        return _resolve(self.form)

    def service_function(self):
        return _resolve(self.service)

    def allows(self, user, obj) -> bool:
        """The transition's permission predicate (None: everyone who may see the object)."""
        predicate = _resolve(self.permission)
        return predicate is None or bool(predicate(user, obj))

    def is_open(self, obj, state) -> bool:
        return state in self.source and (self.condition is None or bool(self.condition(obj)))

    def button_label(self, obj) -> str:
        label = self.button if self.button is not None else self.label
        return str(label(obj) if callable(label) else label or self.name)

    def message(self, result) -> str:
        return str(self.done(result) if callable(self.done) else self.done)

    def form_kwargs(self, obj, user, subject: str = "obj") -> dict:
        """`obj` (or the workflow's subject name, e.g. `tip=`) and `user` for the forms that ask for them."""
        form_class = self.form_class()
        if form_class is None:
            return {}
        params = inspect.signature(form_class.__init__).parameters
        return {k: v for k, v in (("obj", obj), (subject, obj), ("user", user)) if k in params}

    def initial_for(self, obj) -> dict:
        """The form's initial values on GET (`initial(obj)`; e.g. a hazard pre-filled from a tip)."""
        initial = _resolve(self.initial)
        return dict(initial(obj)) if initial is not None else {}

    def fragment(self, result) -> str:
        """Where on the object's page to land afterwards (`anchor(result)`, e.g. "#item-12")."""
        return self.anchor(result) if self.anchor is not None and result is not None else ""


@dataclass
class Button:
    """One step a person may take now: shown on the object's page, served by TransitionView."""

    name: str
    label: str
    style: str
    icon: str
    transition: Transition
    url: str = ""

    @property
    def action(self) -> str:  # the name templates and tests know the step by
        return self.name


class Workflow:
    def __init__(self, *transitions: Transition, field_name: str = "status", org_field: str = "organisation",
                 events: dict | None = None, subject: str = "obj"):
        self.transitions = {t.name: t for t in transitions}
        self.field_name = field_name
        self.org_field = org_field
        self.subject = subject
        # Steps that do not change the status but belong on the timeline (registered, listed ...).
        self.events = events or {}

    def __getitem__(self, name: str) -> Transition:
        return self.transitions[name]

    def state(self, obj):
        return getattr(obj, self.field_name)

    def available(self, obj) -> list[Transition]:
        state = self.state(obj)
        return [t for t in self.transitions.values() if state in t.source]

    def can(self, obj, name: str) -> bool:
        t = self.transitions.get(name)
        return t is not None and self.state(obj) in t.source

    def is_open(self, obj, name: str) -> bool:
        """A button that is offered in the object's current state (whoever asks)."""
        t = self.transitions.get(name)
        return t is not None and t.is_button and t.is_open(obj, self.state(obj))

    def available_for(self, user, obj) -> list[Button]:
        """The buttons `user` may press on `obj` now: open in its state and allowed by the predicate."""
        state = self.state(obj)
        return [
            Button(t.name, t.button_label(obj), t.style, t.icon, t)
            for t in self.transitions.values()
            if t.is_button and t.is_open(obj, state) and t.allows(user, obj)
        ]

    def run(self, name: str, obj, *, actor, data: dict | None = None):
        """Call the transition's service: service(<subject>=obj, actor=actor, **data)."""
        service = self.transitions[name].service_function()
        return service(**{self.subject: obj}, actor=actor, **(data or {}))

    def apply(self, obj, name: str, *, actor, note: str = "", fields: dict | None = None) -> TransitionLog:
        """Move `obj` (already locked by the caller) along transition `name`."""
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("Workflow.apply must run inside the service's transaction")
        t = self.transitions[name]
        if t.target is None:
            raise RuntimeError(f"Transition {name!r} keeps the status: its service applies an outcome or records it")
        state = self.state(obj)
        if state not in t.source:
            raise TransitionNotAllowed(
                _("“%(action)s” is not possible while the record is “%(state)s”.")
                % {"action": t.label or t.name, "state": self.state_label(obj)}
            )
        if t.note_required and not (note or "").strip():
            raise TransitionNotAllowed(_("Please give a reason."))
        update_fields = [self.field_name]
        for key, value in (fields or {}).items():
            setattr(obj, key, value)
            update_fields.append(key)
        setattr(obj, self.field_name, t.target)
        obj._change_reason = note or t.label
        obj.save(update_fields=update_fields)
        return TransitionLog.objects.create(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=obj.pk,
            organisation_id=getattr(obj, f"{self.org_field}_id"),
            name=t.name,
            from_state=state,
            to_state=t.target,
            actor=actor,
            note=note or "",
        )

    def record(self, obj, name: str, *, actor, note: str = "", from_state: str | None = None) -> TransitionLog:
        """A timeline entry for an event that keeps the status (`name` is one of `events`)."""
        state = self.state(obj)
        return TransitionLog.objects.create(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk,
            organisation_id=getattr(obj, f"{self.org_field}_id"), name=name,
            from_state=state if from_state is None else from_state, to_state=state,
            actor=actor if getattr(actor, "pk", None) else None, note=note or "",
        )

    def entry_label(self, entry: TransitionLog, state_labels: dict) -> str:
        """What a timeline entry says: the event for status-keeping steps, else the new status."""
        if entry.name in self.events and entry.from_state == entry.to_state:
            return str(self.events[entry.name])
        return state_labels.get(entry.to_state, entry.to_state)

    def state_label(self, obj) -> str:
        getter = getattr(obj, f"get_{self.field_name}_display", None)
        return getter() if getter else self.state(obj)


def transitions_for(obj):
    """The timeline of `obj`, oldest first."""
    return (
        TransitionLog.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
        .select_related("actor")
        .order_by("at", "pk")
    )
