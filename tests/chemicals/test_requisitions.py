"""Requisitions (领用审批单): a teacher asks for amounts for a class, the head of laboratories or the
principal approves (never the requester), custodians issue through the books, leftovers come back or
are booked as consumed within CHEMICAL_LEFTOVER_HOURS; an hourly check reminds, then flags overdue."""
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign_site.accounts.models import Role
from campaign_site.generic import periodic, twoperson
from campaign_site.generic.errors import DomainError
from campaign_site.generic.models import PendingAction
from campaign_site.notifications.models import Notice
from chemicals import selectors, services
from chemicals.models import ContainerStock, Movement, MovementKind, RequisitionStatus
from tests import factories as f

from . import factories as cf


def left(container):
    return ContainerStock.objects.get(container=container).quantity


def account(requisition, chemical):
    return next(a for a in selectors.requisition_accounts(requisition) if a.line.chemical_id == chemical.pk)


@pytest.fixture
def teacher(school_a):
    return cf.teacher(school_a, username="teacher_a", full_name="化学教师甲", language="en")


@pytest.fixture
def lab_head(school_a):
    return f.member(school_a, Role.LAB_HEAD, username="labhead_a", full_name="实验室主任甲", language="en")


@pytest.fixture
def bottle(school_a):
    """500 g of sodium chloride (no flag) in school A."""
    return cf.container(school_a, cf.SALT, size="500")


@pytest.fixture
def approved(school_a, teacher, principal_a, bottle):
    req = cf.requisition(school_a, requester=teacher, lines=[(cf.chem(cf.SALT), Decimal("50"), "g")])
    return services.requisition_approve(requisition=req, actor=principal_a)


def test_the_requester_never_approves_their_own_requisition(school_a, lab_head, principal_a, client_for):
    req = cf.requisition(school_a, requester=lab_head)
    assert req.status == RequisitionStatus.SUBMITTED
    with pytest.raises(DomainError, match="You asked for these chemicals yourself"):
        services.requisition_approve(requisition=req, actor=lab_head)
    page = client_for(lab_head).get(req.get_absolute_url()).content.decode()
    assert 'data-testid="step-approve"' not in page
    # Another approver (the principal) does it, and is named on the requisition.
    req = services.requisition_approve(requisition=req, actor=principal_a)
    assert req.status == RequisitionStatus.APPROVED and req.approved_by == principal_a


def test_a_teacher_neither_approves_nor_issues(school_a, teacher, principal_a, bottle, client_for):
    other_teacher = cf.teacher(school_a)
    req = cf.requisition(school_a, requester=teacher)
    with pytest.raises(DomainError, match="head of laboratories or principal approves"):
        services.requisition_approve(requisition=req, actor=other_teacher)
    services.requisition_approve(requisition=req, actor=principal_a)
    line = req.lines.get()
    with pytest.raises(DomainError, match="Only the school's lab custodians issue"):
        services.requisition_issue(requisition=req, actor=teacher, line=line, container=bottle, quantity="10")
    page = client_for(other_teacher).get(req.get_absolute_url()).content.decode()
    assert 'data-testid="step-issue"' not in page
    # Posting the step anyway is refused by the service, and nothing leaves the bottle.
    response = client_for(other_teacher).post(reverse("chemicals:requisition_step", args=[req.pk, "issue"]),
                                              {"line": line.pk, "container": bottle.pk, "quantity": "10"})
    assert response.status_code == 200 and left(bottle) == Decimal("500")


def test_approving_and_rejecting_ask_the_same_decider_check(school_a, lab_head, teacher, client_for):
    """One rule for both steps, in the service: the requester and a teacher are refused either one,
    called directly or posted on the page (where the form shows the refusal)."""
    req = cf.requisition(school_a, requester=lab_head)
    for service, own, not_decider in (
            (services.requisition_approve, "approves the requisition", "principal approves a requisition"),
            (services.requisition_reject, "decides on the requisition", "principal rejects a requisition")):
        with pytest.raises(DomainError, match=own):
            service(requisition=req, actor=lab_head, note="用量过大")
        with pytest.raises(DomainError, match=not_decider):
            service(requisition=req, actor=teacher, note="用量过大")
    for user in (lab_head, teacher):
        for step in ("approve", "reject"):
            response = client_for(user).post(reverse("chemicals:requisition_step", args=[req.pk, step]),
                                             {"note": "用量过大"})
            assert response.status_code == 200 and "head of laboratories or" in response.content.decode()
    req.refresh_from_db()
    assert req.status == RequisitionStatus.SUBMITTED and req.approved_by is None


def test_issue_only_after_approval_and_never_more_than_approved(school_a, teacher, principal_a, custodian_a, bottle):
    req = cf.requisition(school_a, requester=teacher, lines=[(cf.chem(cf.SALT), Decimal("50"), "g")])
    line = req.lines.get()
    with pytest.raises(DomainError, match="only on an approved requisition"):
        services.requisition_issue(requisition=req, actor=custodian_a, line=line, container=bottle, quantity="10")
    services.requisition_approve(requisition=req, actor=principal_a)
    movement = services.requisition_issue(requisition=req, actor=custodian_a, line=line, container=bottle,
                                          quantity="30", equipment="电子天平 0.01 g")
    req.refresh_from_db()
    assert isinstance(movement, Movement) and movement.kind == MovementKind.ISSUE
    assert movement.reference == req.number and movement.counterparty == teacher
    assert left(bottle) == Decimal("470")
    assert req.status == RequisitionStatus.ISSUED and req.issued_by == custodian_a
    assert req.leftover_due_at == max(req.issued_at, req.use_at) + datetime.timedelta(hours=12)
    with pytest.raises(DomainError, match="more than approved"):
        services.requisition_issue(requisition=req, actor=custodian_a, line=line, container=bottle, quantity="25")
    services.requisition_issue(requisition=req, actor=custodian_a, line=line, container=bottle, quantity="20")
    assert left(bottle) == Decimal("450") and account(req, cf.chem(cf.SALT)).issued == Decimal("50")
    with pytest.raises(DomainError, match="more than approved"):
        services.requisition_issue(requisition=req, actor=custodian_a, line=line, container=bottle, quantity="0.5")


def test_a_container_of_another_chemical_is_refused(school_a, approved, custodian_a):
    caustic = cf.container(school_a, cf.CAUSTIC, size="500")
    with pytest.raises(DomainError, match="not 氯化钠"):
        services.requisition_issue(requisition=approved, actor=custodian_a, line=approved.lines.get(),
                                   container=caustic, quantity="10")


def test_rejection_needs_a_reason_and_ends_it(school_a, teacher, lab_head, bottle, custodian_a):
    req = cf.requisition(school_a, requester=teacher)
    with pytest.raises(DomainError, match="reason"):
        services.requisition_reject(requisition=req, actor=lab_head, note="")
    req = services.requisition_reject(requisition=req, actor=lab_head, note="用量过大，改为演示实验")
    assert req.status == RequisitionStatus.REJECTED and req.review_note == "用量过大，改为演示实验"
    with pytest.raises(DomainError, match="only on an approved requisition"):
        services.requisition_issue(requisition=req, actor=custodian_a, line=req.lines.get(), container=bottle,
                                   quantity="1")
    assert Notice.objects.filter(recipient=teacher, title="Requisition rejected").exists()


def test_returns_and_consumption_close_it(approved, custodian_a, bottle):
    line = approved.lines.get()
    services.requisition_issue(requisition=approved, actor=custodian_a, line=line, container=bottle, quantity="50")
    ret = services.requisition_return(requisition=approved, actor=custodian_a, line=line, container=bottle,
                                      quantity="20")
    assert ret.kind == MovementKind.RETURN and ret.reference == approved.number and left(bottle) == Decimal("470")
    approved.refresh_from_db()
    assert approved.status == RequisitionStatus.ISSUED
    with pytest.raises(DomainError, match="more than is out on this requisition"):
        services.requisition_consume(requisition=approved, actor=custodian_a, line=line, quantity="31")
    with pytest.raises(DomainError, match="Still out"):
        services.requisition_close(requisition=approved, actor=custodian_a)
    services.requisition_consume(requisition=approved, actor=custodian_a, line=line, quantity="30")
    approved.refresh_from_db()
    assert approved.status == RequisitionStatus.CLOSED and approved.closed_at is not None
    a = account(approved, cf.chem(cf.SALT))
    assert (a.issued, a.returned, a.consumed, a.outstanding) == (Decimal("50"), Decimal("20"), Decimal("30"), 0)
    # Consumption is not a second movement: the issue already took it off the bottle.
    assert left(bottle) == Decimal("470")
    with pytest.raises(DomainError, match="only on an approved requisition"):
        services.requisition_issue(requisition=approved, actor=custodian_a, line=line, container=bottle,
                                   quantity="1")


def test_a_controlled_chemical_is_issued_and_returned_through_two_person_control(school_a, teacher, principal_a):
    first = cf.trained_custodian(school_a, language="en")
    second = cf.trained_custodian(school_a, language="en")
    cabinet = cf.cabinet(school_a, controlled=True, holders=(first, second), kind="flammable")
    ethanol = services.container_create(organisation=school_a, actor=first, chemical=cf.chem(cf.ETHANOL),
                                        cabinet=cabinet, unit="mL", size=Decimal("500"),
                                        received_on=timezone.localdate())
    twoperson.pending_action_confirm(action=PendingAction.objects.get(object_id=ethanol.pk), user=second,
                                     password=f.PASSWORD)
    req = cf.requisition(school_a, requester=teacher, lines=[(cf.chem(cf.ETHANOL), Decimal("0.1"), "L")])
    services.requisition_approve(requisition=req, actor=principal_a)
    line = req.lines.get()
    action = services.requisition_issue(requisition=req, actor=first, line=line, container=ethanol, quantity="0.1")
    assert isinstance(action, PendingAction) and left(ethanol) == Decimal("500")
    assert account(req, cf.chem(cf.ETHANOL)).pending_issue == Decimal("0.1")
    with pytest.raises(DomainError, match="more than approved"):
        services.requisition_issue(requisition=req, actor=first, line=line, container=ethanol, quantity="0.01")
    with pytest.raises(DomainError, match="a second person must confirm it"):
        twoperson.pending_action_confirm(action=action, user=first, password=f.PASSWORD)
    issue = twoperson.pending_action_confirm(action=action, user=second, password=f.PASSWORD)
    assert left(ethanol) == Decimal("400") and issue.reference == req.number and issue.second_person == second
    back = services.requisition_return(requisition=req, actor=second, line=line, container=ethanol, quantity="0.04")
    assert isinstance(back, PendingAction)
    services.requisition_consume(requisition=req, actor=second, line=line, quantity="0.06")
    req.refresh_from_db()
    assert req.status == RequisitionStatus.ISSUED  # the return still awaits a second custodian
    with pytest.raises(DomainError, match="Still awaiting a second custodian"):
        services.requisition_close(requisition=req, actor=second)
    twoperson.pending_action_confirm(action=back, user=first, password=f.PASSWORD)
    assert left(ethanol) == Decimal("440")
    req = services.requisition_close(requisition=req, actor=first)
    assert req.status == RequisitionStatus.CLOSED


def test_the_overdue_check_reminds_once_then_flags_once(school_a, approved, teacher, custodian_a, principal_a,
                                                        client_for):
    line = approved.lines.get()
    services.requisition_issue(requisition=approved, actor=custodian_a, line=line,
                               container=line.chemical.containers.get(), quantity="50")
    approved.refresh_from_db()
    due = approved.leftover_due_at
    assert services.requisition_leftover_check(now=due - datetime.timedelta(hours=3)) == \
        {"closed": 0, "reminded": 0, "overdue": 0}
    assert services.requisition_leftover_check(now=due - datetime.timedelta(hours=1)) == \
        {"closed": 0, "reminded": 1, "overdue": 0}
    reminders = Notice.objects.filter(key=f"chemicals:requisition-leftover-reminder:{approved.pk}")
    assert set(reminders.values_list("recipient", flat=True)) == {teacher.pk, custodian_a.pk}
    assert services.requisition_leftover_check(now=due - datetime.timedelta(minutes=30))["reminded"] == 0
    assert services.requisition_leftover_check(now=due + datetime.timedelta(minutes=5)) == \
        {"closed": 0, "reminded": 0, "overdue": 1}
    assert services.requisition_leftover_check(now=due + datetime.timedelta(hours=1)) == \
        {"closed": 0, "reminded": 0, "overdue": 0}
    assert reminders.count() == 2
    overdue = Notice.objects.filter(key=f"chemicals:requisition-leftover-overdue:{approved.pk}")
    assert list(overdue.values_list("recipient", flat=True)) == [principal_a.pk]
    approved.refresh_from_db()
    assert approved.is_overdue
    # The principal sees it: the list's overdue filter and the home page.
    client = client_for(principal_a)
    listed = client.get(reverse("chemicals:requisition_list") + "?overdue=true").content.decode()
    assert approved.number in listed and 'data-testid="overdue"' in listed
    assert approved.number not in client.get(reverse("chemicals:requisition_list") + "?overdue=false").content.decode()
    assert 'data-testid="requisitions-overdue"' in client.get(reverse("home")).content.decode()
    # Booking the rest as consumed closes it and clears the flag from the filter.
    services.requisition_consume(requisition=approved, actor=custodian_a, line=line, quantity="50")
    assert approved.number not in client.get(reverse("chemicals:requisition_list") + "?overdue=true").content.decode()


def test_the_check_closes_what_was_settled_meanwhile_and_is_registered_hourly(approved, custodian_a):
    spec = next(s for s in periodic.specs() if s.task == "chemicals.tasks.check_requisition_leftovers")
    assert spec.every_seconds == 3600
    from chemicals.tasks import check_requisition_leftovers

    assert check_requisition_leftovers() == {"closed": 0, "reminded": 0, "overdue": 0}


def test_the_pages_from_request_to_printed_form(school_a, school_b, teacher, principal_a, custodian_a, bottle,
                                                client_for):
    client = client_for(teacher)
    use_at = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("chemicals:requisition_create"), {
        "organisation": school_a.pk, "class_name": "初二(3)班", "purpose": "粗盐提纯", "use_at": use_at,
        "chemical_1": cf.chem(cf.SALT).pk, "quantity_1": "20", "unit_1": "g"})
    assert response.status_code == 302
    req = teacher.chemical_requisitions.get()
    assert req.status == RequisitionStatus.DRAFT and str(req.lines.get()) == "氯化钠 20 g"
    client.post(reverse("chemicals:requisition_step", args=[req.pk, "submit"]))
    client = client_for(principal_a)
    assert 'data-testid="step-approve"' in client.get(req.get_absolute_url()).content.decode()
    client.post(reverse("chemicals:requisition_step", args=[req.pk, "approve"]))
    client = client_for(custodian_a)
    response = client.post(reverse("chemicals:requisition_step", args=[req.pk, "issue"]),
                           {"line": req.lines.get().pk, "container": bottle.pk, "quantity": "20"})
    assert response.status_code == 302 and left(bottle) == Decimal("480")
    printed = client.get(reverse("chemicals:requisition_print", args=[req.pk])).content.decode()
    assert 'data-testid="requisition-form"' in printed
    for text in (school_a.name, "化学教师甲", "初二(3)班", "粗盐提纯", "校长甲", "保管员甲", req.number):
        assert text in printed
    # Another school's custodian never sees it.
    other = cf.custodian(school_b)
    for name in ("chemicals:requisition_detail", "chemicals:requisition_print"):
        assert client_for(other).get(reverse(name, args=[req.pk])).status_code == 404


def test_the_issue_form_offers_the_lines_and_the_bottles_in_stock(approved, custodian_a, bottle, client_for):
    page = client_for(custodian_a).get(reverse("chemicals:requisition_step", args=[approved.pk, "issue"]))
    text = page.content.decode()
    assert page.status_code == 200 and "氯化钠" in text and f'value="{bottle.pk}"' in text
    assert "500" in text  # what is left in the bottle is shown beside it
    # A teacher is sent back to the requisition instead of being shown the form.
    teacher = approved.requester
    assert client_for(teacher).get(reverse("chemicals:requisition_step", args=[approved.pk, "issue"])) \
        .status_code == 302


def test_a_requisition_number_typed_on_the_movement_page_is_refused(approved, custodian_a, bottle):
    with pytest.raises(DomainError, match="book its issues and returns on the requisition's page"):
        services.movement_book(container=bottle, actor=custodian_a, kind=MovementKind.ISSUE, quantity=Decimal("80"),
                               reference=approved.number)
    assert left(bottle) == Decimal("500")
    # Any other reference is booked as before.
    services.movement_book(container=bottle, actor=custodian_a, kind=MovementKind.ISSUE, quantity=Decimal("8"),
                           reference="LY-纸质单 12")
    assert left(bottle) == Decimal("492")


def test_demo_requisitions(db):
    import io

    from campaign_site.generic import demo
    from chemicals.models import Requisition

    out = io.StringIO()
    for _order, name, fn in demo.builders():
        if name in ("accounts", "campaigns", "chemicals", "chemicals requisitions"):
            fn(out)
    assert "chemicals requisitions: 6" in out.getvalue()
    statuses = sorted(Requisition.objects.values_list("status", flat=True))
    assert statuses == ["closed", "closed", "issued", "issued", "submitted", "submitted"]
    for _order, name, fn in demo.builders():  # idempotent
        if name == "chemicals requisitions":
            fn(io.StringIO())
    assert Requisition.objects.count() == 6
