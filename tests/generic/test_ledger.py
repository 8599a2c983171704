"""The append-only ledger base, reversing entries and balances under a row lock (tests-only models)."""
import threading
from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import IntegrityError, connection, models, transaction
from django.test.utils import isolate_apps

from campaign_site.generic.errors import DomainError
from campaign_site.generic.ledger import (
    AppendOnlyAdminMixin,
    InsufficientBalance,
    LedgerEntry,
    LedgerImmutable,
    balance_apply,
    format_quantity,
    ledger_post,
    ledger_reverse,
)
from tests.coretest.models import Gadget, GadgetMove, GadgetStock


@pytest.fixture
def gadget(school_a):
    return Gadget.objects.create(organisation=school_a, name="硫酸")


def post(gadget, qty, user=None, kind=None):
    qty = Decimal(qty)
    return ledger_post(entry=GadgetMove(organisation=gadget.organisation, gadget=gadget, quantity=qty,
                                        kind=kind or ("receipt" if qty > 0 else "issue")), actor=user)


def stock(gadget):
    return GadgetStock.objects.get(gadget=gadget).quantity


# -- append-only -------------------------------------------------------------------------------

def test_entries_cannot_be_changed_or_deleted_by_any_orm_path(gadget, officer_a):
    entry = post(gadget, "5", officer_a)
    entry.quantity = Decimal("50")
    with pytest.raises(LedgerImmutable):
        entry.save()
    with pytest.raises(LedgerImmutable):
        entry.delete()
    with pytest.raises(LedgerImmutable):
        GadgetMove.objects.filter(pk=entry.pk).update(quantity=Decimal("50"))
    with pytest.raises(LedgerImmutable):
        GadgetMove.objects.all().delete()
    with pytest.raises(LedgerImmutable):
        GadgetMove.objects.bulk_update([entry], ["quantity"])
    with pytest.raises(LedgerImmutable):
        GadgetMove.objects.update_or_create(pk=entry.pk, defaults={"note": "x"})
    row = GadgetMove.objects.get()
    assert row.quantity == Decimal("5") and row.created_by == officer_a
    assert stock(gadget) == Decimal("5")


def test_protect_keeps_the_ledger_when_its_gadget_goes(gadget):
    post(gadget, "1")
    with pytest.raises(models.ProtectedError):
        gadget.delete()
    assert GadgetMove.objects.count() == 1


def test_ledger_rows_are_scoped(gadget, school_b, officer_a, officer_b):
    other = Gadget.objects.create(organisation=school_b, name="乙校的硫酸")
    mine = post(gadget, "2")
    post(other, "3")
    assert list(GadgetMove.objects.visible_to(officer_a)) == [mine]
    assert GadgetMove.objects.visible_to(officer_b).get().gadget == other


def test_admin_mixin_offers_no_add_change_or_delete(rf, superuser, gadget):
    class MoveAdmin(AppendOnlyAdminMixin, admin.ModelAdmin):
        pass

    model_admin = MoveAdmin(GadgetMove, admin.AdminSite())
    request = rf.get("/")
    request.user = superuser
    entry = post(gadget, "1")
    assert model_admin.has_view_permission(request, entry)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, entry)
    assert not model_admin.has_delete_permission(request, entry)
    assert "delete_selected" not in model_admin.get_actions(request)


@isolate_apps("tests.coretest")
def test_system_check_refuses_cascade_float_and_a_plain_manager():
    class BadMove(LedgerEntry):
        gadget = models.ForeignKey(Gadget, on_delete=models.CASCADE, related_name="+")
        weight = models.FloatField()
        objects = models.Manager()

        class Meta:
            app_label = "coretest"

    ids = sorted(e.id for e in BadMove.check() if e.id.startswith("generic."))  # (isolated: no relations)
    assert ids == ["generic.E001", "generic.E002", "generic.E003"]
    assert GadgetMove.check() == [] and GadgetStock.check() == []


# -- balances ----------------------------------------------------------------------------------

def test_balance_is_created_on_first_receipt_and_refuses_going_negative(gadget, officer_a):
    assert not GadgetStock.objects.exists()
    post(gadget, "2.5", officer_a)
    post(gadget, "-1.25", officer_a)
    assert stock(gadget) == Decimal("1.25")
    with pytest.raises(InsufficientBalance) as exc:
        post(gadget, "-2", officer_a)
    assert str(exc.value) == "Not enough left: 1.25 available, 2 requested."
    assert exc.value.available == Decimal("1.25") and exc.value.requested == Decimal("2")
    assert stock(gadget) == Decimal("1.25")
    assert GadgetMove.objects.count() == 2  # the refused issue left no row


def test_issue_from_nothing_is_refused_and_leaves_no_row(gadget):
    with pytest.raises(InsufficientBalance, match="0 available, 1 requested"):
        post(gadget, "-1")
    assert GadgetMove.objects.count() == 0


def test_database_refuses_a_negative_balance_written_around_the_service(gadget):
    post(gadget, "1")
    with pytest.raises(IntegrityError), transaction.atomic():
        GadgetStock.objects.filter(gadget=gadget).update(quantity=Decimal("-1"))
    assert stock(gadget) == Decimal("1")


@pytest.mark.django_db(transaction=True)
def test_balance_apply_needs_the_callers_transaction(gadget):
    with pytest.raises(RuntimeError, match="inside the service's transaction"):
        balance_apply(model=GadgetStock, key={"gadget": gadget}, delta=Decimal("1"))


def test_format_quantity():
    assert [format_quantity(Decimal(v)) for v in ("2.500", "3.000", "0.000", "1E+1", "-0.5")] == \
        ["2.5", "3", "0", "10", "-0.5"]


# -- reversing entries ------------------------------------------------------------------------

def test_a_correction_is_a_linked_reversing_entry(gadget, officer_a, principal_a):
    post(gadget, "10", officer_a)
    wrong = post(gadget, "-4", officer_a)
    reversal = ledger_reverse(entry=wrong, actor=principal_a, note="数量登记错误")
    assert reversal.quantity == Decimal("4")
    assert (reversal.reverses, reversal.gadget, reversal.kind) == (wrong, gadget, "issue")
    assert reversal.created_by == principal_a and reversal.note == "数量登记错误"
    assert reversal.is_reversal and not wrong.is_reversal
    assert GadgetMove.objects.get(pk=wrong.pk).reversed_by == reversal
    assert stock(gadget) == Decimal("10")
    assert GadgetMove.objects.count() == 3  # the wrong entry stays, as it was
    assert GadgetMove.objects.get(pk=wrong.pk).quantity == Decimal("-4")


def test_an_entry_is_reversed_once_and_a_reversal_never(gadget, officer_a):
    entry = post(gadget, "3", officer_a)
    reversal = ledger_reverse(entry=entry, actor=officer_a)
    with pytest.raises(DomainError, match="already been reversed"):
        ledger_reverse(entry=entry, actor=officer_a)
    with pytest.raises(DomainError, match="cannot itself be reversed"):
        ledger_reverse(entry=reversal, actor=officer_a)
    assert stock(gadget) == Decimal("0")
    assert GadgetMove.objects.count() == 2


def test_the_one_to_one_column_refuses_a_second_reversal_written_around_the_helper(gadget):
    entry = post(gadget, "3")
    ledger_reverse(entry=entry, actor=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        GadgetMove(organisation=gadget.organisation, gadget=gadget, kind="receipt", quantity=Decimal("-3"),
                   reverses=entry).save()


def test_reversing_a_receipt_already_issued_is_refused(gadget, officer_a):
    receipt = post(gadget, "5", officer_a)
    post(gadget, "-4", officer_a)
    with pytest.raises(InsufficientBalance, match="1 available, 5 requested"):
        ledger_reverse(entry=receipt, actor=officer_a)
    assert not GadgetMove.objects.filter(reverses=receipt).exists()
    assert stock(gadget) == Decimal("1")


# -- concurrency (PostgreSQL) ------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_concurrent_receipts_and_issues_never_go_negative(school_a):
    """50 writers at once against one balance row that does not exist yet: 15 receipts of 2 and
    35 issues of 3 (demand 105 > supply 30). Whatever the interleaving, the balance is exactly
    receipts − successful issues, never below zero, and equals the sum of the ledger."""
    if connection.vendor != "postgresql":
        pytest.skip("row-level locking is proven on PostgreSQL (DATABASE_URL)")
    gadget = Gadget.objects.create(organisation=school_a, name="乙醇")
    amounts = [Decimal("2")] * 15 + [Decimal("-3")] * 35
    barrier = threading.Barrier(len(amounts))
    done, refused, errors = [], [], []

    def write(qty):
        try:
            barrier.wait(timeout=30)
            post(gadget, qty)
            done.append(qty)
        except InsufficientBalance:
            refused.append(qty)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(q,)) for q in amounts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    receipts = sum(q for q in done if q > 0)
    issued = -sum(q for q in done if q < 0)
    assert receipts == Decimal("30")  # a receipt is never refused, also when it created the row
    assert refused and all(q < 0 for q in refused)
    final = stock(gadget)
    assert final == receipts - issued >= 0
    assert final == sum(GadgetMove.objects.filter(gadget=gadget).values_list("quantity", flat=True))
    assert GadgetStock.objects.filter(gadget=gadget).count() == 1
    assert GadgetMove.objects.filter(gadget=gadget).count() == len(done)
