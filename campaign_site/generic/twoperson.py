"""Two-person confirmation: an action one person asks for runs only when a second, different,
authenticated person with a named role at the action's organisation confirms it, in their own
session, re-entering their own password, within a time window. Until then nothing moves.

Register a kind once, in the app's `AppConfig.ready()`:

    from campaign_site.generic import twoperson

    twoperson.register(
        "chemicals.movement",
        handler=movement_carry_out,         # handler(action, actor) -> result; runs in the confirming
                                            # transaction (raise DomainError to refuse: nothing moves)
        roles={"lab_custodian", "head_of_labs"},  # who may confirm (a role at the action's
                                            # organisation or at one above it)
        label=_("Chemical movement"),
        eligible=has_valid_training,        # optional: eligible(user, action) -> bool, or raise
                                            # DomainError with the reason (e.g. no valid training)
        window=timedelta(hours=4),          # optional: default settings.TWO_PERSON_WINDOW (24 h)
        on_close=movement_release,          # optional: on_close(action, actor) when it is cancelled
                                            # or expires (actor None): release what was held
    )

Services (keyword-only, each one transaction):

`pending_action_request(*, kind, organisation, requested_by, summary, payload=None, target=None,
note="") -> PendingAction`
    Records the request (timeline "Requested"), notifies the eligible confirmers (in-app notice
    and e-mail through the notifications app). `payload` (JSON) and `target` (any model row) tell
    the handler what to do; `summary` is the one line the confirmer reads.

`pending_action_confirm(*, action, user, password) -> result of the handler`
    Locks the row and refuses with a `DomainError` that says why: not pending any more; the same
    person who asked (also a database check constraint); no eligible role at the organisation; the
    app's `eligible` check; expired (the row is marked expired, committed, then refused); wrong
    password. Then runs the handler, marks it confirmed (timeline "Confirmed") and tells the
    requester, all in one transaction.

`pending_action_cancel(*, action, user, note="")`: the requester withdraws it (timeline).
`pending_actions_expire(now=None) -> int`: marks overdue requests expired (periodic task, hourly).

Reads: `can_confirm(user, action)` (role, other person, eligible, not expired; no password),
`awaiting_confirmation(user)` (the pending actions `user` may confirm, scoped),
`eligible_confirmers(action)`.

Pages: `generic:pending_list` ("Awaiting my confirmation" and "My requests"),
`generic:pending_detail` (the confirm form with the password field, the timeline, cancel),
`generic:pending_cancel` (POST). Every lookup is scoped: another school's request answers 404.
After 5 wrong passwords in 15 minutes the confirm page makes the person wait (django-ratelimit).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import reduce
from operator import or_
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from . import notices
from .errors import DomainError
from .models import PendingAction, PendingStatus
from .workflow import Transition, Workflow

PENDING_FLOW = Workflow(
    Transition("confirm", source=[PendingStatus.PENDING], target=PendingStatus.CONFIRMED,
               label=gettext_lazy("Confirm"), style="success"),
    Transition("cancel", source=[PendingStatus.PENDING], target=PendingStatus.CANCELLED,
               label=gettext_lazy("Cancel the request"), style="outline-secondary"),
    Transition("expire", source=[PendingStatus.PENDING], target=PendingStatus.EXPIRED,
               label=gettext_lazy("Expired")),
    events={"request": gettext_lazy("Requested")},
)

DEFAULT_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class ActionKind:
    kind: str
    handler: Callable[..., Any]
    roles: frozenset
    label: str
    eligible: Callable[..., Any] | None = None
    window: timedelta | None = None
    on_close: Callable[..., Any] | None = None

    def get_window(self) -> timedelta:
        return self.window or getattr(settings, "TWO_PERSON_WINDOW", None) or DEFAULT_WINDOW


_registry: dict[str, ActionKind] = {}


def register(kind: str, handler, *, roles, label="", eligible=None, window: timedelta | None = None,
             on_close=None) -> ActionKind:
    if not roles:
        raise ValueError(f"two-person kind {kind!r} names no role that may confirm it")
    spec = ActionKind(kind=kind, handler=handler, roles=frozenset(str(r) for r in roles), label=label or kind,
                      eligible=eligible, window=window, on_close=on_close)
    _registry[kind] = spec
    _register_navigation()
    return spec


def kind_for(action_or_kind) -> ActionKind:
    kind = getattr(action_or_kind, "kind", action_or_kind)
    try:
        return _registry[kind]
    except KeyError:
        raise DomainError(_("This kind of request is not known to the system."), code="unknown_kind")


def kinds() -> list[ActionKind]:
    return list(_registry.values())


def confirming_roles() -> frozenset:
    return frozenset().union(*(k.roles for k in _registry.values())) if _registry else frozenset()


def _register_navigation():
    from .navigation import NavItem, replace

    replace(NavItem(gettext_lazy("Awaiting confirmation"), "generic:pending_list", icon="person-check",
                    order=850, roles=confirming_roles()))


# -- roles without importing accounts ---------------------------------------------------------

def _ancestor_paths(path: str) -> list[str]:
    """"00000001.00000042." -> ["00000001.", "00000001.00000042."]."""
    parts = [p for p in path.split(".") if p]
    return [".".join(parts[: i + 1]) + "." for i in range(len(parts))]


def _roles_at(user, organisation) -> set[str]:
    """Roles `user` holds (active) at `organisation` or an organisation above it."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    cache = user.__dict__.setdefault("_twoperson_roles", {})
    if organisation.pk not in cache:
        cache[organisation.pk] = set(
            user.memberships.filter(is_active=True, organisation__path__in=_ancestor_paths(organisation.path))
            .values_list("role", flat=True)
        )
    return cache[organisation.pk]


def _role_labels(roles) -> str:
    try:
        choices = dict(get_user_model().memberships.rel.related_model._meta.get_field("role").flatchoices)
    except Exception:  # pragma: no cover - a user model without memberships
        choices = {}
    return pgettext("list separator", ", ").join(sorted(str(choices.get(r, r)) for r in roles))


def _eligible(spec: ActionKind, user, action) -> None:
    """Raise DomainError unless `spec.eligible` accepts `user` for `action`."""
    if spec.eligible is None:
        return
    if not spec.eligible(user, action):
        raise DomainError(_("You may not confirm this request."), code="not_eligible")


def _check_confirmer(spec: ActionKind, user, action) -> None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise DomainError(_("Please sign in to confirm."), code="not_authenticated")
    if user.pk == action.requested_by_id:
        raise DomainError(_("You asked for this yourself: a second person must confirm it."), code="same_person")
    if not (_roles_at(user, action.organisation) & spec.roles):
        raise DomainError(
            _("Only the %(roles)s of %(organisation)s may confirm this request.")
            % {"roles": _role_labels(spec.roles), "organisation": action.organisation},
            code="role",
        )
    _eligible(spec, user, action)


def can_confirm(user, action: PendingAction) -> bool:
    """May `user` confirm `action` now (password aside)? For buttons and lists."""
    if not action.is_pending or action.is_expired:
        return False
    try:
        _check_confirmer(kind_for(action), user, action)
    except DomainError:
        return False
    return True


def can_cancel(user, action: PendingAction) -> bool:
    return action.is_pending and getattr(user, "pk", None) == action.requested_by_id


def eligible_confirmers(action: PendingAction) -> list:
    """Active users who may confirm `action` (every one but the requester)."""
    spec = kind_for(action)
    users = (
        get_user_model().objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__role__in=sorted(spec.roles),
            memberships__organisation__path__in=_ancestor_paths(action.organisation.path),
        )
        .exclude(pk=action.requested_by_id)
        .distinct()
        .order_by("pk")
    )
    out = []
    for user in users:
        try:
            _eligible(spec, user, action)
        except DomainError:
            continue
        out.append(user)
    return out


def awaiting_confirmation(user):
    """Pending, unexpired actions `user` may confirm (role at the organisation, not their own)."""
    qs = PendingAction.objects.visible_to(user).filter(status=PendingStatus.PENDING, expires_at__gt=timezone.now())
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    memberships = list(user.memberships.filter(is_active=True).values_list("organisation__path", "role"))
    conditions = []
    for path, role in memberships:
        kinds_ = [k.kind for k in _registry.values() if role in k.roles]
        if kinds_:
            conditions.append(models.Q(organisation__path__startswith=path, kind__in=kinds_))
    if not conditions:
        return qs.none()
    return qs.filter(reduce(or_, conditions)).exclude(requested_by=user)


# -- services ---------------------------------------------------------------------------------

def _lock(action: PendingAction) -> PendingAction:
    return PendingAction.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=action.pk)


def _refuse_closed(action: PendingAction) -> None:
    if action.status == PendingStatus.CONFIRMED:
        raise DomainError(_("This request has already been confirmed."), code="closed")
    if action.status == PendingStatus.CANCELLED:
        raise DomainError(_("This request was cancelled."), code="closed")
    if action.status == PendingStatus.EXPIRED:
        raise DomainError(_("This request has expired: ask for it again."), code="expired")


def pending_action_request(*, kind: str, organisation, requested_by, summary: str, payload: dict | None = None,
                           target=None, note: str = "") -> PendingAction:
    spec = kind_for(kind)
    if not getattr(requested_by, "is_authenticated", False) or not requested_by.is_active:
        raise DomainError(_("Please sign in first."), code="not_authenticated")
    summary = (summary or "").strip()
    if not summary:
        raise DomainError(_("Say in one line what is to be confirmed."))
    with transaction.atomic():
        now = timezone.now()
        action = PendingAction(
            organisation=organisation, kind=spec.kind, summary=summary[:300], note=(note or "").strip(),
            payload=payload or {}, requested_by=requested_by, requested_at=now, expires_at=now + spec.get_window(),
        )
        if target is not None:
            action.content_type = ContentType.objects.get_for_model(target)
            action.object_id = target.pk
        action._history_user = requested_by
        action.save()
        PENDING_FLOW.record(action, "request", actor=requested_by, note=action.note)
        confirmers = eligible_confirmers(action)
        if confirmers:
            notices.send(
                key=f"pending:{action.pk}", title=_("Please confirm: %(what)s") % {"what": action.summary},
                body=_("%(who)s asks for your confirmation by %(time)s.")
                % {"who": _display(requested_by), "time": _local(action.expires_at)},
                url=reverse("generic:pending_detail", args=[action.pk]), level="warning",
                users=confirmers, organisation=action.organisation,
            )
    return action


def pending_action_confirm(*, action: PendingAction, user, password: str):
    spec = kind_for(action)
    expired = False
    with transaction.atomic():
        action = _lock(action)
        _refuse_closed(action)
        _check_confirmer(spec, user, action)
        if timezone.now() >= action.expires_at:
            _expire(action, spec)
            expired = True
        else:
            if not password or not user.check_password(password):
                raise DomainError(_("The password is not correct. Enter your own password to confirm."),
                                  code="password")
            result = spec.handler(action, user)
            action.confirmed_by = user
            action.closed_at = timezone.now()
            action._history_user = user
            PENDING_FLOW.apply(action, "confirm", actor=user, fields={"confirmed_by": user,
                                                                     "closed_at": action.closed_at})
            notices.send(
                key=f"pending:{action.pk}:confirmed",
                title=_("Confirmed: %(what)s") % {"what": action.summary},
                body=_("Confirmed by %(who)s.") % {"who": _display(user)},
                url=reverse("generic:pending_detail", args=[action.pk]),
                users=[action.requested_by], organisation=action.organisation,
            )
    if expired:
        raise DomainError(
            _("This request expired at %(time)s: ask for it again.") % {"time": _local(action.expires_at)},
            code="expired",
        )
    return result


def pending_action_cancel(*, action: PendingAction, user, note: str = "") -> PendingAction:
    spec = kind_for(action)
    with transaction.atomic():
        action = _lock(action)
        _refuse_closed(action)
        if getattr(user, "pk", None) != action.requested_by_id:
            raise DomainError(_("Only the person who asked for it may cancel this request."), code="not_requester")
        action.closed_at = timezone.now()
        action._history_user = user
        PENDING_FLOW.apply(action, "cancel", actor=user, note=(note or "").strip(),
                           fields={"closed_at": action.closed_at})
        if spec.on_close:
            spec.on_close(action, user)
    return action


def _expire(action: PendingAction, spec: ActionKind) -> None:
    action.closed_at = timezone.now()
    PENDING_FLOW.apply(action, "expire", actor=None, fields={"closed_at": action.closed_at})
    if spec.on_close:
        spec.on_close(action, None)


def pending_actions_expire(now=None) -> int:
    """Mark every overdue request expired (each in its own transaction). Returns how many."""
    now = now or timezone.now()
    count = 0
    for pk in PendingAction.objects.filter(status=PendingStatus.PENDING, expires_at__lte=now).values_list("pk",
                                                                                                          flat=True):
        with transaction.atomic():
            action = PendingAction.objects.select_for_update(of=("self",)).get(pk=pk)
            if action.status != PendingStatus.PENDING or action.expires_at > now:
                continue
            spec = _registry.get(action.kind)
            if spec is None:
                action.closed_at = timezone.now()
                PENDING_FLOW.apply(action, "expire", actor=None, fields={"closed_at": action.closed_at})
            else:
                _expire(action, spec)
            count += 1
    return count


def _display(user) -> str:
    return getattr(user, "display_name", None) or user.get_username()


def _local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M")
