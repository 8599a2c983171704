"""State machines: one table of allowed transitions per model, applied by services.

    HAZARD_FLOW = Workflow(
        Transition("start", source=["registered"], target="rectifying", label=_("Start rectification")),
        ...
    )

A service locks the row, checks its own predicate (roles, same-person rule), then calls
`HAZARD_FLOW.apply(obj, "start", actor=user, note=..., fields={...})`, which checks the source
state, saves with update_fields and writes a TransitionLog in the same transaction.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _

from .errors import TransitionNotAllowed
from .models import TransitionLog


@dataclass(frozen=True)
class Transition:
    name: str
    source: tuple | list
    target: str
    label: str = ""
    style: str = "primary"  # Bootstrap button colour in the UI
    note_required: bool = False
    extra: dict = field(default_factory=dict)


class Workflow:
    def __init__(self, *transitions: Transition, field_name: str = "status", org_field: str = "organisation",
                 events: dict | None = None):
        self.transitions = {t.name: t for t in transitions}
        self.field_name = field_name
        self.org_field = org_field
        # Steps that do not change the status but belong on the timeline (registered, listed ...).
        self.events = events or {}

    def __getitem__(self, name: str) -> Transition:
        return self.transitions[name]

    def available(self, obj) -> list[Transition]:
        state = getattr(obj, self.field_name)
        return [t for t in self.transitions.values() if state in t.source]

    def can(self, obj, name: str) -> bool:
        t = self.transitions.get(name)
        return t is not None and getattr(obj, self.field_name) in t.source

    def apply(self, obj, name: str, *, actor, note: str = "", fields: dict | None = None) -> TransitionLog:
        """Move `obj` (already locked by the caller) along transition `name`."""
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("Workflow.apply must run inside the service's transaction")
        t = self.transitions[name]
        state = getattr(obj, self.field_name)
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
        state = getattr(obj, self.field_name)
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
        return getter() if getter else getattr(obj, self.field_name)


def transitions_for(obj):
    """The timeline of `obj`, oldest first."""
    return (
        TransitionLog.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
        .select_related("actor")
        .order_by("at", "pk")
    )
