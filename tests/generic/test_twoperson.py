"""Two-person confirmation: services, the database's own refusal, and the pages.

The kind "coretest.move" (tests/coretest) posts a gadget movement when a principal or another
school leader confirms it; `payload["untrained"]` stands in for an app's eligibility check."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from campaign_site.generic import navigation, twoperson
from campaign_site.generic.errors import DomainError
from campaign_site.generic.models import PendingAction, PendingStatus
from campaign_site.generic.twoperson import (
    awaiting_confirmation,
    can_confirm,
    eligible_confirmers,
    pending_action_cancel,
    pending_action_confirm,
    pending_action_request,
    pending_actions_expire,
)
from campaign_site.generic.workflow import transitions_for
from campaign_site.notifications.models import Notice
from tests.coretest import models as coretest
from tests.coretest.models import Gadget, GadgetMove, GadgetStock
from tests.factories import PASSWORD


@pytest.fixture
def gadget(school_a):
    return Gadget.objects.create(organisation=school_a, name="浓硫酸")


def ask(gadget, user, qty="5", **payload):
    return pending_action_request(
        kind="coretest.move", organisation=gadget.organisation, requested_by=user,
        summary=f"领用{gadget.name} {qty}", payload={"quantity": qty, **payload}, target=gadget, note="实验课用",
    )


def steps(action):
    return [t.name for t in transitions_for(action)]


# -- services ----------------------------------------------------------------------------------

def test_nothing_moves_until_a_second_person_confirms(gadget, officer_a, principal_a):
    action = ask(gadget, officer_a)
    assert action.status == PendingStatus.PENDING
    assert action.expires_at - action.requested_at == timedelta(hours=24)
    assert GadgetMove.objects.count() == 0 and not GadgetStock.objects.exists()
    move = pending_action_confirm(action=action, user=principal_a, password=PASSWORD)
    assert move.quantity == Decimal("5") and move.created_by == principal_a
    action.refresh_from_db()
    assert (action.status, action.confirmed_by, action.requested_by) == ("confirmed", principal_a, officer_a)
    assert GadgetStock.objects.get(gadget=gadget).quantity == Decimal("5")
    assert steps(action) == ["request", "confirm"]
    assert [t.actor for t in transitions_for(action)] == [officer_a, principal_a]


def test_the_requester_can_never_confirm_their_own(gadget, principal_a, leader_a):
    action = ask(gadget, principal_a)  # a principal asks: holds the role, still refused
    with pytest.raises(DomainError, match="a second person must confirm it"):
        pending_action_confirm(action=action, user=principal_a, password=PASSWORD)
    action.refresh_from_db()
    assert action.status == PendingStatus.PENDING and GadgetMove.objects.count() == 0
    assert not can_confirm(principal_a, action)
    assert can_confirm(leader_a, action)


def test_the_database_refuses_the_requester_as_confirmer(gadget, principal_a):
    action = ask(gadget, principal_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        PendingAction.objects.filter(pk=action.pk).update(status="confirmed", confirmed_by=principal_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        PendingAction.objects.filter(pk=action.pk).update(status="confirmed")  # confirmed by nobody


def test_wrong_password_refused_and_nothing_moves(gadget, officer_a, principal_a):
    action = ask(gadget, officer_a)
    for password in ("", "not-my-password"):
        with pytest.raises(DomainError, match="password is not correct"):
            pending_action_confirm(action=action, user=principal_a, password=password)
    action.refresh_from_db()
    assert action.status == PendingStatus.PENDING and GadgetMove.objects.count() == 0
    assert steps(action) == ["request"]


def test_a_role_that_may_not_confirm_is_refused(gadget, officer_a, custodian_a, responsible_a):
    action = ask(gadget, officer_a)
    with pytest.raises(DomainError, match="Only the Other school leader, Principal of 实验小学 may confirm"):
        pending_action_confirm(action=action, user=custodian_a, password=PASSWORD)
    assert not can_confirm(responsible_a, action)
    assert PendingAction.objects.get(pk=action.pk).status == PendingStatus.PENDING


def test_a_principal_of_another_school_is_refused(gadget, officer_a, principal_b):
    action = ask(gadget, officer_a)
    with pytest.raises(DomainError, match="Only the"):
        pending_action_confirm(action=action, user=principal_b, password=PASSWORD)
    assert GadgetMove.objects.count() == 0


def test_the_apps_eligibility_check_refuses(gadget, officer_a, principal_a, leader_a):
    action = ask(gadget, officer_a, untrained=["principal_a"])
    with pytest.raises(DomainError, match="You may not confirm this request"):
        pending_action_confirm(action=action, user=principal_a, password=PASSWORD)
    assert eligible_confirmers(action) == [leader_a]
    pending_action_confirm(action=action, user=leader_a, password=PASSWORD)
    assert GadgetMove.objects.get().created_by == leader_a


def test_expired_request_cannot_be_confirmed_and_is_marked_expired(gadget, officer_a, principal_a):
    action = ask(gadget, officer_a)
    PendingAction.objects.filter(pk=action.pk).update(expires_at=timezone.now() - timedelta(seconds=1),
                                                      requested_at=timezone.now() - timedelta(days=1))
    coretest.RELEASED.clear()
    action.refresh_from_db()
    assert not can_confirm(principal_a, action)
    with pytest.raises(DomainError, match="This request expired at"):
        pending_action_confirm(action=action, user=principal_a, password=PASSWORD)
    action.refresh_from_db()
    assert action.status == PendingStatus.EXPIRED and action.confirmed_by is None
    assert steps(action) == ["request", "expire"]
    assert coretest.RELEASED == [(action.pk, None)]  # the app released what it held
    with pytest.raises(DomainError, match="has expired: ask for it again"):
        pending_action_confirm(action=action, user=principal_a, password=PASSWORD)
    assert GadgetMove.objects.count() == 0


def test_the_periodic_task_expires_overdue_requests_only(gadget, officer_a):
    old = ask(gadget, officer_a)
    fresh = ask(gadget, officer_a)
    PendingAction.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(minutes=1),
                                                   requested_at=timezone.now() - timedelta(days=1))
    assert pending_actions_expire() == 1
    assert PendingAction.objects.get(pk=old.pk).status == PendingStatus.EXPIRED
    assert PendingAction.objects.get(pk=fresh.pk).status == PendingStatus.PENDING
    assert pending_actions_expire() == 0


def test_window_is_configurable(gadget, officer_a, settings):
    settings.TWO_PERSON_WINDOW = timedelta(hours=2)
    action = ask(gadget, officer_a)
    assert action.expires_at - action.requested_at == timedelta(hours=2)


def test_cancel_only_by_the_requester_then_nothing_can_confirm_it(gadget, officer_a, principal_a):
    action = ask(gadget, officer_a)
    with pytest.raises(DomainError, match="Only the person who asked"):
        pending_action_cancel(action=action, user=principal_a)
    coretest.RELEASED.clear()
    pending_action_cancel(action=action, user=officer_a, note="数量填错")
    action.refresh_from_db()
    assert action.status == PendingStatus.CANCELLED and coretest.RELEASED == [(action.pk, officer_a)]
    assert steps(action) == ["request", "cancel"]
    with pytest.raises(DomainError, match="was cancelled"):
        pending_action_confirm(action=action, user=principal_a, password=PASSWORD)
    assert GadgetMove.objects.count() == 0


def test_a_refusing_handler_leaves_the_request_pending(gadget, officer_a, principal_a):
    action = ask(gadget, officer_a, qty="-3")  # an issue from an empty stock
    with pytest.raises(DomainError, match="Not enough left"):
        pending_action_confirm(action=action, user=principal_a, password=PASSWORD)
    action.refresh_from_db()
    assert action.status == PendingStatus.PENDING and steps(action) == ["request"]


def test_confirmed_twice_is_refused(gadget, officer_a, principal_a, leader_a):
    action = ask(gadget, officer_a)
    pending_action_confirm(action=action, user=principal_a, password=PASSWORD)
    with pytest.raises(DomainError, match="already been confirmed"):
        pending_action_confirm(action=action, user=leader_a, password=PASSWORD)
    assert GadgetMove.objects.count() == 1


def test_eligible_confirmers_are_notified_and_the_requester_hears_back(
        gadget, officer_a, principal_a, leader_a, custodian_a, principal_b, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        action = ask(gadget, officer_a)
    notified = set(Notice.objects.filter(key=f"pending:{action.pk}").values_list("recipient__username", flat=True))
    assert notified == {"principal_a", "leader_a"}
    notice = Notice.objects.get(key=f"pending:{action.pk}", recipient=principal_a)
    assert notice.title == "Please confirm: 领用浓硫酸 5"
    assert notice.url == reverse("generic:pending_detail", args=[action.pk])
    assert {m.to[0] for m in mail.outbox} >= {principal_a.email, leader_a.email}
    pending_action_confirm(action=action, user=leader_a, password=PASSWORD)
    assert Notice.objects.get(key=f"pending:{action.pk}:confirmed").recipient == officer_a


def test_unknown_kind_is_refused(gadget, officer_a):
    with pytest.raises(DomainError, match="not known"):
        pending_action_request(kind="nope", organisation=gadget.organisation, requested_by=officer_a, summary="x")


def test_awaiting_confirmation_is_the_users_own_worklist(gadget, school_b, officer_a, officer_b, principal_a,
                                                         principal_b, bureau_staff):
    mine = ask(gadget, officer_a)
    other = ask(Gadget.objects.create(organisation=school_b, name="乙醇"), officer_b)
    by_principal = ask(gadget, principal_a)
    assert list(awaiting_confirmation(principal_a)) == [mine]  # not their own, not school B's
    assert list(awaiting_confirmation(principal_b)) == [other]
    assert list(awaiting_confirmation(officer_a)) == []  # no confirming role
    assert list(awaiting_confirmation(bureau_staff)) == []
    assert by_principal not in awaiting_confirmation(principal_a)


def test_navigation_entry_is_for_the_confirming_roles():
    item = next(i for i in navigation._registry if i.url_name == "generic:pending_list")
    assert item.roles == twoperson.confirming_roles() >= {"principal", "other_leader"}


# -- pages ------------------------------------------------------------------------------------

def test_confirm_page_with_password(gadget, officer_a, principal_a, client_for):
    action = ask(gadget, officer_a)
    client = client_for(principal_a)
    page = client.get(reverse("generic:pending_detail", args=[action.pk]))
    assert page.status_code == 200
    assert "领用浓硫酸 5" in page.text and 'type="password"' in page.text and 'data-testid="confirm"' in page.text
    wrong = client.post(reverse("generic:pending_detail", args=[action.pk]), {"password": "guess"})
    assert wrong.status_code == 200 and "密码不正确" in wrong.text
    assert GadgetMove.objects.count() == 0
    ok = client.post(reverse("generic:pending_detail", args=[action.pk]), {"password": PASSWORD})
    assert ok.status_code == 302
    assert GadgetMove.objects.get().created_by == principal_a
    done = client.get(reverse("generic:pending_detail", args=[action.pk]))
    assert 'data-testid="confirm"' not in done.text and "已确认" in done.text


def test_repeated_wrong_passwords_make_the_person_wait(gadget, officer_a, principal_a, client_for):
    from django.core.cache import cache

    cache.clear()  # the counter lives in the cache, which outlives a test's transaction
    action = ask(gadget, officer_a)
    client = client_for(principal_a)
    url = reverse("generic:pending_detail", args=[action.pk])
    for _i in range(6):
        assert "密码不正确" in client.post(url, {"password": "guess"}).text
    blocked = client.post(url, {"password": PASSWORD})
    assert "密码错误次数过多" in blocked.text
    assert PendingAction.objects.get(pk=action.pk).status == PendingStatus.PENDING
    assert GadgetMove.objects.count() == 0


def test_requester_sees_cancel_not_confirm_and_cannot_confirm_by_post(gadget, officer_a, client_for):
    action = ask(gadget, officer_a)
    client = client_for(officer_a)
    page = client.get(reverse("generic:pending_detail", args=[action.pk]))
    assert 'data-testid="confirm"' not in page.text and 'data-testid="cancel"' in page.text
    forced = client.post(reverse("generic:pending_detail", args=[action.pk]), {"password": PASSWORD})
    assert forced.status_code == 200 and "须由另一人确认" in forced.text
    assert PendingAction.objects.get(pk=action.pk).status == PendingStatus.PENDING
    client.post(reverse("generic:pending_cancel", args=[action.pk]), {"note": "不需要了"})
    assert PendingAction.objects.get(pk=action.pk).status == PendingStatus.CANCELLED


def test_cancel_by_someone_else_is_refused(gadget, officer_a, principal_a, client_for):
    action = ask(gadget, officer_a)
    response = client_for(principal_a).post(reverse("generic:pending_cancel", args=[action.pk]), follow=True)
    assert "只有提出申请的人才能撤销" in response.text
    assert PendingAction.objects.get(pk=action.pk).status == PendingStatus.PENDING


def test_another_schools_request_is_404(gadget, officer_a, principal_b, outsider, client_for):
    action = ask(gadget, officer_a)
    for user in (principal_b, outsider):
        client = client_for(user)
        assert client.get(reverse("generic:pending_detail", args=[action.pk])).status_code == 404
        assert client.post(reverse("generic:pending_detail", args=[action.pk]),
                           {"password": PASSWORD}).status_code == 404
        assert client.post(reverse("generic:pending_cancel", args=[action.pk])).status_code == 404
    action.refresh_from_db()
    assert action.status == PendingStatus.PENDING and GadgetMove.objects.count() == 0


def test_list_page_shows_awaiting_and_my_requests(gadget, school_b, officer_a, officer_b, principal_a, client_for):
    ask(gadget, officer_a)
    ask(Gadget.objects.create(organisation=school_b, name="乙校乙醇"), officer_b)
    ask(gadget, principal_a, qty="7")
    client = client_for(principal_a)
    page = client.get(reverse("generic:pending_list"))
    assert page.status_code == 200
    awaiting, mine = page.text.split('data-testid="awaiting"')[1].split('data-testid="mine"')
    assert "领用浓硫酸 5" in awaiting and "领用浓硫酸 7" not in awaiting
    assert "领用浓硫酸 7" in mine
    assert "乙校乙醇" not in page.text


def test_list_page_query_count_does_not_grow_with_requests(gadget, officer_a, principal_a, client_for):
    client = client_for(principal_a)
    ask(gadget, officer_a)
    client.get(reverse("generic:pending_list"))  # warm the session
    one = _count(client)
    for _i in range(5):
        ask(gadget, officer_a)
        ask(gadget, principal_a)
    assert _count(client) == one


def _count(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("generic:pending_list")).status_code == 200
    return len(ctx.captured_queries)
