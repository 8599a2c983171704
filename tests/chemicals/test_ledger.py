"""The books: every movement type, unit conversion, reversing corrections, never negative (also
under 50 concurrent issues on PostgreSQL), the general and detail ledgers as pages and Excel."""
import datetime
import io
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from campaign_site.generic.errors import DomainError
from campaign_site.generic.ledger import InsufficientBalance, LedgerImmutable
from chemicals import selectors, services
from chemicals.models import ContainerStatus, ContainerStock, Movement, MovementKind

from . import factories as cf


def left(container):
    return ContainerStock.objects.get(container=container).quantity


def at(year, month, day, hour=10):
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


@pytest.fixture
def bottle(school_a):
    return cf.container(school_a, cf.CAUSTIC, size="500", unit="g")


def test_receipt_is_booked_when_the_container_is_put_on_file(bottle):
    receipt = Movement.objects.get(container=bottle)
    assert receipt.kind == MovementKind.RECEIPT and receipt.quantity == Decimal("500")
    assert left(bottle) == Decimal("500")


@pytest.mark.parametrize("kind,quantity,expected", [
    (MovementKind.ISSUE, "120", "380"),
    (MovementKind.CONSUMPTION, "20.5", "479.5"),
    (MovementKind.WASTE, "3", "497"),
    (MovementKind.SCRAP, "100", "400"),
    (MovementKind.TRANSFER_OUT, "250", "250"),
    (MovementKind.COUNT, "-1.25", "498.75"),
    (MovementKind.COUNT, "2", "502"),
])
def test_every_movement_type_moves_the_balance_its_way(bottle, custodian_a, kind, quantity, expected):
    m = services.movement_record(container=bottle, kind=kind, quantity=Decimal(quantity), actor=custodian_a,
                                 reason="化学实验", reference="LY-001", equipment="电子天平 0.01 g")
    assert left(bottle) == Decimal(expected)
    assert m.created_by == custodian_a and m.equipment == "电子天平 0.01 g" and m.reference == "LY-001"


def test_issue_then_return_of_leftover(bottle, custodian_a):
    services.movement_record(container=bottle, kind=MovementKind.ISSUE, quantity=Decimal("200"), actor=custodian_a,
                             counterparty_name="王老师", reason="初三(2)班 中和反应")
    services.movement_record(container=bottle, kind=MovementKind.RETURN, quantity=Decimal("35"), actor=custodian_a,
                             counterparty_name="王老师")
    assert left(bottle) == Decimal("335")


def test_units_are_converted_to_the_containers_unit(school_a, custodian_a):
    acid = cf.container(school_a, cf.SALT, size="2.5", unit="kg")
    m = services.movement_record(container=acid, kind=MovementKind.ISSUE, quantity=Decimal("200"), unit="g",
                                 actor=custodian_a)
    assert m.quantity == Decimal("-0.2") and m.entered_quantity == Decimal("200") and m.entered_unit == "g"
    assert m.base_quantity == Decimal("-200") and m.base_unit == "g"
    assert left(acid) == Decimal("2.3")
    with pytest.raises(DomainError, match="cannot be booked"):
        services.movement_record(container=acid, kind=MovementKind.ISSUE, quantity=Decimal("10"), unit="mL",
                                 actor=custodian_a)
    with pytest.raises(DomainError, match="finer than the books"):
        services.movement_record(container=acid, kind=MovementKind.ISSUE, quantity=Decimal("0.1"), unit="g",
                                 actor=custodian_a)


def test_never_below_zero_and_nothing_booked_when_refused(bottle, custodian_a):
    with pytest.raises(InsufficientBalance):
        services.movement_record(container=bottle, kind=MovementKind.ISSUE, quantity=Decimal("500.001"),
                                 actor=custodian_a)
    assert left(bottle) == Decimal("500") and Movement.objects.filter(container=bottle).count() == 1
    with pytest.raises(DomainError, match="positive"):
        services.movement_record(container=bottle, kind=MovementKind.ISSUE, quantity=Decimal("-5"),
                                 actor=custodian_a)
    with pytest.raises(DomainError, match="new container"):
        services.movement_record(container=bottle, kind=MovementKind.RECEIPT, quantity=Decimal("5"),
                                 actor=custodian_a)


def test_scrapped_container_is_closed(bottle, custodian_a):
    services.movement_record(container=bottle, kind=MovementKind.SCRAP, quantity=Decimal("500"), actor=custodian_a,
                             reason="过期变质")
    bottle.refresh_from_db()
    assert bottle.status == ContainerStatus.SCRAPPED
    with pytest.raises(DomainError, match="nothing moves"):
        services.movement_record(container=bottle, kind=MovementKind.ISSUE, quantity=Decimal("1"), actor=custodian_a)


def test_only_the_schools_custodians_book(bottle, officer_a, custodian_b):
    for user in (officer_a, custodian_b):
        with pytest.raises(DomainError, match="lab custodians"):
            services.movement_record(container=bottle, kind=MovementKind.ISSUE, quantity=Decimal("1"), actor=user)


def test_reversing_entry_corrects_and_rows_never_change(bottle, custodian_a):
    wrong = services.movement_record(container=bottle, kind=MovementKind.ISSUE, quantity=Decimal("50"),
                                     actor=custodian_a)
    with pytest.raises(LedgerImmutable):
        Movement.objects.filter(pk=wrong.pk).update(quantity=Decimal("-5"))
    with pytest.raises(DomainError, match="why"):
        services.movement_reverse(movement=wrong, actor=custodian_a, note=" ")
    fix = services.movement_reverse(movement=wrong, actor=custodian_a, note="称量错误")
    assert fix.reverses == wrong and fix.quantity == Decimal("50") and fix.kind == MovementKind.ISSUE
    assert fix.base_quantity == Decimal("50")
    assert left(bottle) == Decimal("500")
    with pytest.raises(DomainError, match="already been reversed"):
        services.movement_reverse(movement=wrong, actor=custodian_a, note="again")
    with pytest.raises(DomainError, match="cannot itself be reversed"):
        services.movement_reverse(movement=fix, actor=custodian_a, note="undo")


def test_database_refuses_one_person_as_both_signatures(bottle, custodian_a):
    m = services.movement_record(container=bottle, kind=MovementKind.ISSUE, quantity=Decimal("1"), actor=custodian_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Movement.objects.bulk_create([Movement(
            organisation=m.organisation, container=bottle, chemical=m.chemical, kind="issue",
            quantity=Decimal("-1"), entered_quantity=1, entered_unit="g", base_quantity=Decimal("-1"), base_unit="g",
            occurred_at=timezone.now(), created_by=custodian_a, second_person=custodian_a, controlled=True)])
    with pytest.raises(IntegrityError), transaction.atomic():
        Movement.objects.bulk_create([Movement(
            organisation=m.organisation, container=bottle, chemical=m.chemical, kind="issue",
            quantity=Decimal("-1"), entered_quantity=1, entered_unit="g", base_quantity=Decimal("-1"), base_unit="g",
            occurred_at=timezone.now(), created_by=custodian_a, controlled=True)])


def test_general_ledger_by_month(school_a, custodian_a):
    old = cf.container(school_a, cf.SALT, size="1", unit="kg", received_on=datetime.date(2025, 11, 3))
    new = cf.container(school_a, cf.SALT, size="500", unit="g", received_on=datetime.date(2026, 2, 10))
    services.movement_record(container=old, kind=MovementKind.ISSUE, quantity=Decimal("0.3"), actor=custodian_a,
                             occurred_at=at(2026, 1, 5))
    services.movement_record(container=old, kind=MovementKind.RETURN, quantity=Decimal("100"), unit="g",
                             actor=custodian_a, occurred_at=at(2026, 1, 5, 15))
    services.movement_record(container=new, kind=MovementKind.CONSUMPTION, quantity=Decimal("50"), actor=custodian_a,
                             occurred_at=at(2026, 2, 20))
    ledgers = selectors.general_ledger(organisation=school_a, year=2026)
    assert len(ledgers) == 1
    salt = ledgers[0]
    assert salt.chemical.cas == cf.SALT and salt.unit == "g" and salt.opening == Decimal("1000")
    jan, feb = salt.months
    assert (jan.month.month, jan.opening, jan.received, jan.issued, jan.closing) == (
        1, Decimal("1000"), Decimal("100"), Decimal("300"), Decimal("800"))
    assert (feb.month.month, feb.opening, feb.received, feb.issued, feb.closing) == (
        2, Decimal("800"), Decimal("500"), Decimal("50"), Decimal("1250"))
    assert salt.closing == left(old) * 1000 + left(new)


def test_ledger_pages_and_excel(client, school_a, custodian_a, custodian_b):
    bottle = cf.container(school_a, cf.CAUSTIC, size="500", unit="g", received_on=datetime.date(2026, 3, 1))
    services.movement_record(container=bottle, kind=MovementKind.ISSUE, quantity=Decimal("200"), actor=custodian_a,
                             counterparty_name="王老师", equipment="托盘天平", occurred_at=at(2026, 3, 2))
    client.force_login(custodian_a)
    page = client.get(reverse("chemicals:general_ledger"), {"year": 2026}).content.decode()
    assert "氢氧化钠" in page and "300" in page
    url = reverse("chemicals:detail_ledger")
    query = {"year": 2026, "chemical": bottle.chemical_id}
    page = client.get(url, query).content.decode()
    assert "王老师" in page and "托盘天平" in page and "保管员甲" in page
    response = client.get(url, {**query, "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert "氢氧化钠" in rows[0][0] and school_a.name in rows[0][0]
    assert rows[-1][4:7] == [None, "200", "300"]
    assert "保管员甲" in rows[-1]
    response = client.get(reverse("chemicals:general_ledger"), {"year": 2026, "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert any("300" in [c.value for c in row] for row in sheet.iter_rows())
    # Another school's custodian cannot ask for school A's books.
    client.force_login(custodian_b)
    assert client.get(url, {**query, "school": school_a.pk}).status_code == 404


def test_custodian_books_and_reverses_through_the_pages(client, bottle, custodian_a):
    custodian_a.language = "en"
    custodian_a.save(update_fields=["language"])
    client.force_login(custodian_a)
    response = client.post(reverse("chemicals:movement_create", args=[bottle.pk]), {
        "kind": "issue", "quantity": "0.2", "unit": "kg", "counterparty_name": "李老师", "reason": "实验",
        "equipment": "电子天平"})
    assert response.status_code == 302
    assert left(bottle) == Decimal("300")
    m = Movement.objects.get(kind="issue")
    page = client.get(bottle.get_absolute_url()).content.decode()
    assert "300 g" in page and "李老师" in page
    response = client.post(reverse("chemicals:movement_reverse", args=[m.pk]), {"note": "记错了"})
    assert response.status_code == 302 and left(bottle) == Decimal("500")
    response = client.post(reverse("chemicals:movement_create", args=[bottle.pk]), {
        "kind": "issue", "quantity": "900", "unit": "g"})
    assert response.status_code == 200 and "Not enough left: 500 available, 900 requested." in response.content.decode()
    assert left(bottle) == Decimal("500")


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_fifty_concurrent_issues_against_one_bottle(school_a):
    """50 custodians' issues of 30 mL at the same moment against a 1000 mL bottle: exactly 33 pass,
    the balance is receipts − successful issues, never below zero, equal to the sum of the books."""
    if connection.vendor != "postgresql":
        pytest.skip("row-level locking is proven on PostgreSQL (DATABASE_URL)")
    keeper = cf.custodian(school_a)
    bottle = cf.container(school_a, cf.SALT, size="1000", unit="g")
    barrier = threading.Barrier(50)
    done, refused, errors = [], [], []

    def issue():
        try:
            barrier.wait(timeout=30)
            services.movement_record(container=bottle, kind=MovementKind.ISSUE, quantity=Decimal("30"), actor=keeper)
            done.append(1)
        except InsufficientBalance:
            refused.append(1)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(done) == 33 and len(refused) == 17
    assert left(bottle) == Decimal("1000") - 30 * len(done) == Decimal("10")
    assert left(bottle) == sum(Movement.objects.filter(container=bottle).values_list("quantity", flat=True))
