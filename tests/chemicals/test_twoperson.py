"""Two-person control of controlled chemicals (双人收发、双人记账): nothing enters the books until a
second, different custodian of the school with valid custodian training confirms with their own
password; both names on the entry; one person is never both, through any entry point."""
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from campaign_site.accounts.models import Role
from campaign_site.generic import twoperson
from campaign_site.generic.errors import DomainError
from campaign_site.generic.models import PendingAction, PendingStatus
from chemicals import services
from chemicals.models import ContainerStatus, ContainerStock, Movement, MovementKind
from tests import factories as f

from . import factories as cf


def left(container):
    stock = ContainerStock.objects.filter(container=container).first()
    return stock.quantity if stock else Decimal("0")


def confirm(action, user):
    return twoperson.pending_action_confirm(action=action, user=user, password=f.PASSWORD)


@pytest.fixture
def first(school_a):
    return cf.trained_custodian(school_a, username="first", full_name="保管员张", language="en")


@pytest.fixture
def second(school_a):
    return cf.trained_custodian(school_a, username="second", full_name="保管员李", language="en")


@pytest.fixture
def cyanide(school_a, first, second):
    """500 g of potassium cyanide on the books of school A, received by two custodians."""
    safe = cf.cabinet(school_a, controlled=True, holders=(first, second), kind="toxic")
    bottle = services.container_create(organisation=school_a, actor=first, chemical=cf.chem(cf.KCN), cabinet=safe,
                                       unit="g", size=Decimal("500"), received_on=timezone.localdate())
    confirm(PendingAction.objects.get(object_id=bottle.pk, status=PendingStatus.PENDING), second)
    bottle.refresh_from_db()
    return bottle


def test_receipt_of_a_controlled_chemical_waits_for_the_second_custodian(school_a, first, second):
    safe = cf.cabinet(school_a, controlled=True, holders=(first, second), kind="toxic")
    bottle = services.container_create(organisation=school_a, actor=first, chemical=cf.chem(cf.KCN), cabinet=safe,
                                       unit="g", size=Decimal("500"), received_on=timezone.localdate(),
                                       supplier="国药集团", reference="RK-001")
    assert bottle.status == ContainerStatus.AWAITING
    assert not Movement.objects.filter(container=bottle).exists() and left(bottle) == 0
    with pytest.raises(DomainError, match="awaits a second custodian"):
        services.movement_record(container=bottle, kind=MovementKind.ISSUE, quantity=Decimal("1"), actor=first)
    action = PendingAction.objects.get(kind=services.MOVEMENT_KIND, object_id=bottle.pk)
    assert "500 g" in action.summary and "氰化钾" in action.summary
    receipt = confirm(action, second)
    assert receipt.kind == MovementKind.RECEIPT and left(bottle) == Decimal("500")
    assert (receipt.created_by, receipt.second_person, receipt.pending_action) == (first, second, action)
    assert receipt.controlled and receipt.reference == "RK-001" and receipt.counterparty_name == "国药集团"
    bottle.refresh_from_db()
    assert bottle.status == ContainerStatus.IN_STOCK


def test_a_controlled_issue_is_pending_and_the_balance_unchanged_until_confirmed(cyanide, first, second):
    action = services.movement_record(container=cyanide, kind=MovementKind.ISSUE, quantity=Decimal("20"),
                                      actor=first, counterparty_name="王老师", reason="初三化学演示")
    assert isinstance(action, PendingAction) and action.status == PendingStatus.PENDING
    assert left(cyanide) == Decimal("500")
    assert not Movement.objects.filter(container=cyanide, kind=MovementKind.ISSUE).exists()
    issue = confirm(action, second)
    assert left(cyanide) == Decimal("480")
    assert (issue.created_by, issue.second_person) == (first, second)
    assert issue.counterparty_name == "王老师" and issue.reason == "初三化学演示"
    action.refresh_from_db()
    assert action.status == PendingStatus.CONFIRMED and action.confirmed_by == second


@pytest.mark.parametrize("kind,quantity,expected", [
    (MovementKind.ISSUE, "120", "380"),
    (MovementKind.RETURN, "5", "505"),
    (MovementKind.CONSUMPTION, "20.5", "479.5"),
    (MovementKind.WASTE, "3", "497"),
    (MovementKind.SCRAP, "100", "400"),
    (MovementKind.TRANSFER_OUT, "250", "250"),
    (MovementKind.COUNT, "-1.25", "498.75"),
])
def test_every_movement_type_of_a_controlled_chemical_needs_two(cyanide, first, second, kind, quantity, expected):
    action = services.movement_record(container=cyanide, kind=kind, quantity=Decimal(quantity), actor=first)
    assert isinstance(action, PendingAction) and left(cyanide) == Decimal("500")
    confirm(action, second)
    assert left(cyanide) == Decimal(expected)


def test_a_reversal_of_a_controlled_entry_needs_two(cyanide, first, second):
    issue = confirm(services.movement_record(container=cyanide, kind=MovementKind.ISSUE, quantity=Decimal("50"),
                                             actor=first), second)
    action = services.movement_reverse(movement=issue, actor=second, note="称量错误")
    assert isinstance(action, PendingAction) and left(cyanide) == Decimal("450")
    with pytest.raises(DomainError, match="already awaits a second custodian"):
        services.movement_reverse(movement=issue, actor=first, note="称量错误")
    reversal = confirm(action, first)
    assert left(cyanide) == Decimal("500")
    assert (reversal.reverses, reversal.created_by, reversal.second_person) == (issue, second, first)


def test_the_same_custodian_can_never_confirm_their_own(cyanide, first):
    action = services.movement_record(container=cyanide, kind=MovementKind.ISSUE, quantity=Decimal("20"), actor=first)
    with pytest.raises(DomainError, match="a second person must confirm it"):
        confirm(action, first)
    with pytest.raises(DomainError, match="a second person must confirm it"):
        services.confirmer_eligible(first, action)
    assert not twoperson.can_confirm(first, action)
    assert left(cyanide) == Decimal("500")


def test_the_same_custodian_cannot_confirm_on_the_page(cyanide, first, client_for):
    action = services.movement_record(container=cyanide, kind=MovementKind.ISSUE, quantity=Decimal("20"), actor=first)
    client = client_for(first)
    response = client.post(reverse("generic:pending_detail", args=[action.pk]), {"password": f.PASSWORD})
    assert response.status_code == 200
    assert "a second person must confirm it" in response.content.decode()
    assert left(cyanide) == Decimal("500")
    action.refresh_from_db()
    assert action.status == PendingStatus.PENDING


def test_an_untrained_custodian_cannot_confirm(school_a, cyanide, first, custodian_a):
    action = services.movement_record(container=cyanide, kind=MovementKind.ISSUE, quantity=Decimal("20"), actor=first)
    with pytest.raises(DomainError, match="no custodian training valid today"):
        confirm(action, custodian_a)
    today = timezone.localdate()
    cf.training(school_a, custodian_a, trained_on=today - datetime.timedelta(days=400),
                valid_until=today - datetime.timedelta(days=1))
    with pytest.raises(DomainError, match="no custodian training valid today"):
        confirm(action, custodian_a)
    assert custodian_a not in twoperson.eligible_confirmers(action)
    assert left(cyanide) == Decimal("500")


def test_only_a_custodian_of_that_school_confirms(school_a, school_b, cyanide, first, principal_a, custodian_b):
    cf.training(school_b, custodian_b)
    action = services.movement_record(container=cyanide, kind=MovementKind.ISSUE, quantity=Decimal("20"), actor=first)
    for outsider in (principal_a, custodian_b):
        with pytest.raises(DomainError, match="may confirm this request"):
            confirm(action, outsider)
    assert left(cyanide) == Decimal("500")


def test_an_untrained_custodian_cannot_ask(school_a, cyanide, custodian_a):
    with pytest.raises(DomainError, match="no custodian training valid today"):
        services.movement_record(container=cyanide, kind=MovementKind.ISSUE, quantity=Decimal("20"),
                                 actor=custodian_a)
    assert not PendingAction.objects.filter(requested_by=custodian_a).exists()


def test_the_system_alone_never_books_a_controlled_chemical(school_a, cyanide, first, second):
    with pytest.raises(DomainError, match="never the system alone"):
        services.movement_record(container=cyanide, kind=MovementKind.ISSUE, quantity=Decimal("20"), actor=None)
    safe = cf.cabinet(school_a, controlled=True, holders=(first, second))
    with pytest.raises(DomainError, match="never the system alone"):
        cf.container(school_a, cf.ETHANOL, in_cabinet=safe, unit="mL")


def test_a_second_trained_custodian_may_be_the_head_of_laboratories(school_a, cyanide, first):
    head = f.member(school_a, Role.LAB_HEAD, username="labhead", full_name="实验室主任")
    cf.training(school_a, head)
    confirm(services.movement_record(container=cyanide, kind=MovementKind.ISSUE, quantity=Decimal("20"),
                                     actor=first), head)
    assert left(cyanide) == Decimal("480")


def test_an_uncontrolled_chemical_posts_directly(school_a, first):
    salt = cf.container(school_a, cf.SALT, size="500")
    m = services.movement_record(container=salt, kind=MovementKind.ISSUE, quantity=Decimal("20"), actor=first)
    assert isinstance(m, Movement) and m.second_person is None and not m.controlled
    assert left(salt) == Decimal("480")
    assert not PendingAction.objects.exists()


def test_a_bureau_addition_puts_movements_under_two_person_control_below_it_only(
        district, school_a, other_school, bureau_staff, first, second):
    services.control_add(organisation=district, chemical=cf.chem(cf.CAUSTIC), actor=bureau_staff)
    safe = cf.cabinet(school_a, controlled=True, holders=(first, second))
    bottle = services.container_create(organisation=school_a, actor=first, chemical=cf.chem(cf.CAUSTIC),
                                       cabinet=safe, unit="g", size=Decimal("500"), received_on=timezone.localdate())
    assert bottle.status == ContainerStatus.AWAITING and left(bottle) == 0
    confirm(PendingAction.objects.get(object_id=bottle.pk), second)
    action = services.movement_record(container=bottle, kind=MovementKind.ISSUE, quantity=Decimal("20"), actor=first)
    assert isinstance(action, PendingAction) and left(bottle) == Decimal("500")
    # the neighbouring district's school books it directly
    keeper = cf.custodian(other_school)
    there = cf.container(other_school, cf.CAUSTIC, size="500")
    m = services.movement_record(container=there, kind=MovementKind.ISSUE, quantity=Decimal("20"), actor=keeper)
    assert isinstance(m, Movement) and left(there) == Decimal("480")


def test_a_withdrawn_receipt_never_enters_the_books(school_a, first, second):
    safe = cf.cabinet(school_a, controlled=True, holders=(first, second))
    bottle = services.container_create(organisation=school_a, actor=first, chemical=cf.chem(cf.KCN), cabinet=safe,
                                       unit="g", size=Decimal("100"), received_on=timezone.localdate())
    action = PendingAction.objects.get(object_id=bottle.pk)
    twoperson.pending_action_cancel(action=action, user=first, note="送错了")
    bottle.refresh_from_db()
    assert bottle.status == ContainerStatus.NOT_RECEIVED and left(bottle) == 0
    with pytest.raises(DomainError, match="nothing moves in or out"):
        services.movement_record(container=bottle, kind=MovementKind.ISSUE, quantity=Decimal("1"), actor=first)


def test_what_is_asked_for_cannot_exceed_what_is_left_when_confirmed(cyanide, first, second):
    one = services.movement_record(container=cyanide, kind=MovementKind.ISSUE, quantity=Decimal("300"), actor=first)
    two = services.movement_record(container=cyanide, kind=MovementKind.ISSUE, quantity=Decimal("300"), actor=first)
    with pytest.raises(DomainError, match="Not enough left"):
        services.movement_record(container=cyanide, kind=MovementKind.ISSUE, quantity=Decimal("501"), actor=first)
    confirm(one, second)
    with pytest.raises(DomainError, match="Not enough left: 200 available, 300 requested."):
        confirm(two, second)
    two.refresh_from_db()
    assert two.status == PendingStatus.PENDING and left(cyanide) == Decimal("200")


def test_through_the_pages_both_names_reach_the_ledgers(school_a, cyanide, first, second, client_for):
    year = timezone.localdate().year
    client = client_for(first)
    response = client.post(reverse("chemicals:movement_create", args=[cyanide.pk]), {
        "kind": "issue", "quantity": "15", "unit": "g", "counterparty_name": "王老师", "reason": "演示实验"},
        follow=True)
    page = response.content.decode()
    assert "Nothing is booked yet: a second custodian must confirm it." in page
    assert "The movement was booked." not in page
    assert left(cyanide) == Decimal("500")
    assert 'data-testid="container-pending"' in client.get(cyanide.get_absolute_url()).content.decode()
    action = PendingAction.objects.get(kind=services.MOVEMENT_KIND, status=PendingStatus.PENDING)
    # the second custodian confirms with their own password
    client = client_for(second)
    response = client.post(reverse("generic:pending_detail", args=[action.pk]), {"password": f.PASSWORD})
    assert response.status_code == 302 and response["Location"] == cyanide.get_absolute_url()
    assert left(cyanide) == Decimal("485")
    issue = Movement.objects.get(kind=MovementKind.ISSUE)
    page = client.get(issue.get_absolute_url()).content.decode()
    assert 'data-testid="two-person"' in page and "保管员张" in page and "保管员李" in page
    query = {"year": year, "chemical": cyanide.chemical_id}
    page = client.get(reverse("chemicals:detail_ledger"), query).content.decode()
    assert "保管员张" in page and "保管员李" in page
    response = client.get(reverse("chemicals:detail_ledger"), {**query, "export": "xlsx"})
    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows()]
    assert ["保管员张", "保管员李"] == rows[-1][7:9]
    page = client.get(reverse("chemicals:movement_list")).content.decode()
    assert "保管员张" in page and "保管员李" in page


def test_the_container_page_offers_no_booking_while_its_receipt_waits(school_a, first, second, client_for):
    safe = cf.cabinet(school_a, controlled=True, holders=(first, second))
    client = client_for(first)
    response = client.post(reverse("chemicals:container_create"), {
        "organisation": school_a.pk, "chemical": cf.chem(cf.KCN).pk, "cabinet": safe.pk, "unit": "g", "size": "250",
        "received_on": timezone.localdate().isoformat()}, follow=True)
    page = response.content.decode()
    assert "its receipt enters the books when a second custodian confirms it" in page
    assert 'data-testid="book-movement"' not in page and 'data-testid="container-pending"' in page
    assert not Movement.objects.exists()


def test_no_back_office_door_onto_the_books():
    """The admin offers no way to add or change movements, stock or containers (which would skip
    the two-person services): the books are written by chemicals.services only."""
    from django.contrib import admin
    from django.test import RequestFactory

    from chemicals.models import Container

    request = RequestFactory().get("/admin/")
    request.user = f.UserFactory.build(is_superuser=True, is_staff=True)
    for model in (Movement, ContainerStock, Container, PendingAction):
        model_admin = admin.site._registry.get(model)
        if model_admin is None:
            continue
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
