"""Append-only ledgers, reversing entries and balances kept under a row lock.

Models (abstract; subclass them in an app's models.py):

`AppendOnlyModel`
    Rows are written once. `save()` of an existing row, `delete()`, and the queryset's `update()`,
    `delete()` and `bulk_update()` raise `LedgerImmutable`. Every foreign key of a concrete
    subclass must be `on_delete=PROTECT` and every number a `DecimalField` (never a float): a
    system check (`generic.E001`/`generic.E002`) refuses the model otherwise.

`LedgerEntry(AppendOnlyModel)`
    The movement row: `organisation` (PROTECT, scoped with `visible_to(user)`), `quantity`
    (signed Decimal: receipts positive, issues negative), `reverses` (the entry this one reverses,
    one-to-one: an entry is reversed at most once), `created_by`, `created_at`, `note`. The
    entry itself is the history (who, when, what): no separate history table.
    Set `balance_model` (a concrete `Balance`) and `balance_key()` (the fields naming its row, e.g.
    `{"container": self.container}`) and posting an entry moves that balance in the same
    transaction. `reversal_fields` lists the extra fields copied onto a reversal (default: every
    concrete field of the subclass that is not one of the base's).

`Balance`
    The running total for one key: `quantity` (Decimal, `CHECK quantity >= 0` in the database),
    `updated_at`. A subclass adds the key fields and a unique constraint on them (required: it
    makes creating the row race-safe). It is derived from the ledger; no history table. If the
    subclass mixes in another abstract base, declare `class Meta(Balance.Meta)` so the check
    constraint is kept.

Services (each runs in the caller's transaction, or opens one):

`ledger_post(*, entry, actor=None) -> entry`
    Saves a new (unsaved) entry; if its model has a balance, applies `entry.quantity` to it first
    under a row lock. Refused (nothing saved) when the balance would go negative.

`ledger_reverse(*, entry, actor, note="") -> reversal`
    Posts the correcting entry: same fields, quantity negated, `reverses=entry`, its own
    `created_by`/`note`. Refused for an entry already reversed and for a reversal itself (a
    wrong reversal is not undone by reversing it again; post a new entry instead). The original
    row is locked while this is decided; the one-to-one column refuses a racing second reversal.

`balance_apply(*, model, key, delta, defaults=None) -> balance`
    Adds the signed Decimal `delta` to the balance row of `model` named by `key` (a dict), locking
    it with `SELECT ... FOR UPDATE` and creating it (at 0) if missing, race-safe. Refuses with
    `InsufficientBalance` (a `DomainError`: available, requested) when the result would be
    negative. Must run inside a transaction.

Admin: `AppendOnlyAdminMixin` (view only: no add, change or delete, no bulk delete action).

    class Movement(LedgerEntry):
        balance_model = Stock
        container = models.ForeignKey(Container, on_delete=models.PROTECT)
        kind = models.CharField(choices=MovementKind.choices, max_length=20)

        def balance_key(self):
            return {"container": self.container}

    ledger_post(entry=Movement(organisation=school, container=c, kind="issue",
                               quantity=Decimal("-0.500"), created_by=user))
"""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core import checks
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaign_site.generic.scoping import ScopedQuerySet

from .errors import DomainError

QUANTITY_DIGITS = 14
QUANTITY_PLACES = 3


class LedgerImmutable(DomainError):
    """An attempt to change or delete a ledger row (a programming error or a bypass)."""

    def __init__(self, message=None):
        super().__init__(message or _("Ledger entries are never changed or deleted: record a reversing entry."),
                         code="ledger_immutable")


class InsufficientBalance(DomainError):
    def __init__(self, *, available: Decimal, requested: Decimal):
        self.available = available
        self.requested = requested
        super().__init__(
            _("Not enough left: %(available)s available, %(requested)s requested.")
            % {"available": format_quantity(available), "requested": format_quantity(requested)},
            code="insufficient_balance",
        )


def format_quantity(value: Decimal) -> str:
    """"2.500" -> "2.5", "3.000" -> "3" (never an exponent)."""
    value = Decimal(value)
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


# -- append-only rows ------------------------------------------------------------------------------

class AppendOnlyQuerySet(ScopedQuerySet):
    def update(self, **kwargs):
        raise LedgerImmutable()

    def delete(self):
        raise LedgerImmutable()

    def bulk_update(self, objs, fields, batch_size=None):
        raise LedgerImmutable()

    def update_or_create(self, defaults=None, create_defaults=None, **kwargs):
        raise LedgerImmutable()


def _field_errors(cls) -> list:
    """Every foreign key PROTECT, no float: the rules of a ledger (and of its balances)."""
    errors = []
    for field in cls._meta.concrete_fields:
        if (field.many_to_one or field.one_to_one) and not field.remote_field.parent_link \
                and field.remote_field.on_delete is not models.PROTECT:
            errors.append(checks.Error(
                f"{cls._meta.label}.{field.name}: a ledger's foreign keys must be on_delete=PROTECT.",
                obj=cls, id="generic.E001",
            ))
        if isinstance(field, models.FloatField):
            errors.append(checks.Error(
                f"{cls._meta.label}.{field.name}: ledger quantities are DecimalField, never FloatField.",
                obj=cls, id="generic.E002",
            ))
    return errors


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True
        base_manager_name = "objects"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise LedgerImmutable()
        kwargs.pop("force_update", None)
        kwargs.pop("update_fields", None)
        super().save(*args, force_insert=True, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerImmutable()

    @classmethod
    def check(cls, **kwargs):
        errors = super().check(**kwargs) + _field_errors(cls)
        if not issubclass(cls._default_manager._queryset_class, AppendOnlyQuerySet):
            errors.append(checks.Error(
                f"{cls._meta.label}: the default manager's queryset must subclass AppendOnlyQuerySet "
                "(its update() and delete() refuse).",
                obj=cls, id="generic.E003",
            ))
        return errors


class LedgerEntry(AppendOnlyModel):
    balance_model: type[Balance] | None = None
    reversal_fields: tuple[str, ...] | None = None

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=gettext_lazy("organisation"), on_delete=models.PROTECT,
        related_name="%(app_label)s_%(class)s_set", related_query_name="%(app_label)s_%(class)s",
    )
    quantity = models.DecimalField(gettext_lazy("quantity"), max_digits=QUANTITY_DIGITS,
                                   decimal_places=QUANTITY_PLACES)
    reverses = models.OneToOneField(
        "self", verbose_name=gettext_lazy("reverses"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=gettext_lazy("recorded by"), null=True, on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(gettext_lazy("recorded at"), auto_now_add=True, db_index=True)
    note = models.TextField(gettext_lazy("note"), blank=True)

    scope_field = "organisation"

    class Meta(AppendOnlyModel.Meta):
        abstract = True
        ordering = ["created_at", "pk"]

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None

    def balance_key(self) -> dict:
        """Fields naming this entry's balance row (used when `balance_model` is set)."""
        raise NotImplementedError(f"{type(self).__name__} sets balance_model but not balance_key()")

    @classmethod
    def copied_on_reversal(cls) -> list[str]:
        if cls.reversal_fields is not None:
            return list(cls.reversal_fields)
        base = {f.name for f in LedgerEntry._meta.fields} | {"id"}
        return [f.name for f in cls._meta.concrete_fields if f.name not in base and not f.primary_key]


class Balance(models.Model):
    quantity = models.DecimalField(gettext_lazy("balance"), max_digits=QUANTITY_DIGITS,
                                   decimal_places=QUANTITY_PLACES, default=Decimal("0"))
    updated_at = models.DateTimeField(gettext_lazy("updated at"), auto_now=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=0), name="%(app_label)s_%(class)s_not_negative"),
        ]

    @classmethod
    def check(cls, **kwargs):
        return super().check(**kwargs) + _field_errors(cls)


# -- services --------------------------------------------------------------------------------------

def balance_apply(*, model: type[Balance], key: dict, delta, defaults: dict | None = None) -> Balance:
    """Add `delta` to the balance row named by `key`, under a row lock; never below zero."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("balance_apply must run inside the service's transaction")
    delta = Decimal(delta)
    manager = model._default_manager
    balance = manager.select_for_update().filter(**key).first()
    if balance is None:
        try:
            with transaction.atomic():  # a savepoint: a racing creator makes this insert fail alone
                manager.create(**key, **(defaults or {}), quantity=Decimal("0"))
        except IntegrityError:
            pass  # created meanwhile by someone else: lock theirs below
        balance = manager.select_for_update().get(**key)
    result = balance.quantity + delta
    if result < 0:
        raise InsufficientBalance(available=balance.quantity, requested=-delta)
    balance.quantity = result
    balance.save(update_fields=["quantity", "updated_at"])
    return balance


def ledger_post(*, entry: LedgerEntry, actor=None) -> LedgerEntry:
    """Save the new `entry` and move its balance (if any) in the same transaction."""
    if not entry._state.adding:
        raise LedgerImmutable()
    if actor is not None and entry.created_by_id is None:
        entry.created_by = actor
    entry.quantity = Decimal(entry.quantity)
    with transaction.atomic():
        if entry.balance_model is not None:
            balance_apply(model=entry.balance_model, key=entry.balance_key(), delta=entry.quantity)
        entry.save()
    return entry


def ledger_reverse(*, entry: LedgerEntry, actor, note: str = "") -> LedgerEntry:
    """Post the entry that cancels `entry` (same fields, quantity negated), linked to it."""
    model = type(entry)
    with transaction.atomic():
        original = model._default_manager.select_for_update(of=("self",)).get(pk=entry.pk)
        if original.reverses_id is not None:
            raise DomainError(_("A reversing entry cannot itself be reversed: record a new entry instead."),
                              code="reversal_of_reversal")
        if model._default_manager.filter(reverses=original).exists():
            raise DomainError(_("This entry has already been reversed."), code="already_reversed")
        reversal = model(
            organisation_id=original.organisation_id,
            quantity=-original.quantity,
            reverses=original,
            created_by=actor if getattr(actor, "pk", None) else None,
            note=note or "",
        )
        for name in model.copied_on_reversal():
            field = model._meta.get_field(name)
            setattr(reversal, field.attname, getattr(original, field.attname))
        try:
            with transaction.atomic():
                ledger_post(entry=reversal)
        except IntegrityError:
            raise DomainError(_("This entry has already been reversed."), code="already_reversed")
    return reversal


class AppendOnlyAdminMixin:
    """Admin for ledger rows: they can be looked at, never added, changed or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions
