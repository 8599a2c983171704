"""Notices: once per key, e-mail once, the bell in the layout, the list, opening a notice."""
import threading

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaign_site.accounts.models import Role
from campaign_site.notifications.models import Delivery, Notice
from campaign_site.notifications.services import delivery_send, notify
from campaign_site.notifications.tasks import deliver_notice


def _english(client, user):
    user.language = "en"
    user.save(update_fields=["language"])
    client.force_login(user)
    return client


# -- notify() ------------------------------------------------------------------------------------

def test_same_key_twice_gives_one_notice(officer_a):
    first = notify(key="hazard:1:due-soon:2026-11-25", title="隐患整改即将到期", users=[officer_a])
    second = notify(key="hazard:1:due-soon:2026-11-25", title="隐患整改即将到期", users=[officer_a])
    assert len(first) == 1 and second == []
    assert Notice.objects.filter(recipient=officer_a).count() == 1
    # the next day's reminder carries another date in its key, so it is sent
    notify(key="hazard:1:due-soon:2026-11-26", title="隐患整改即将到期", users=[officer_a])
    assert Notice.objects.filter(recipient=officer_a).count() == 2


def test_roles_at_an_organisation(school_a, officer_a, principal_a, custodian_a, officer_b):
    created = notify(key="plan:7:submitted", title="实施方案已提交", organisation=school_a,
                     roles=[Role.PRINCIPAL, Role.SAFETY_OFFICER])
    assert sorted(n.recipient.username for n in created) == ["officer_a", "principal_a"]
    assert all(n.organisation == school_a for n in created)


def test_inactive_users_get_nothing(officer_a):
    officer_a.is_active = False
    officer_a.save()
    assert notify(key="k", title="t", users=[officer_a]) == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_concurrent_notify_with_the_same_key_gives_one_notice(school_a, officer_a):
    if connection.vendor != "postgresql":
        pytest.skip("row-level concurrency is proven on PostgreSQL (DATABASE_URL)")
    barrier = threading.Barrier(4)
    results, errors = [], []

    def send():
        try:
            barrier.wait(timeout=10)
            results.append(len(notify(key="drill:3:reminder:2026-11-25", title="应急演练提醒", users=[officer_a])))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(results) == [0, 0, 0, 1]
    assert Notice.objects.filter(recipient=officer_a, key="drill:3:reminder:2026-11-25").count() == 1


# -- e-mail ------------------------------------------------------------------------------------

def test_email_is_sent_once_after_commit(officer_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notice = notify(key="k1", title="隐患已逾期", body="请尽快整改", url="/hazards/1/", users=[officer_a])[0]
        assert mail.outbox == []  # nothing leaves before the transaction commits
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "隐患已逾期"
    assert message.to == [officer_a.email]
    assert "请尽快整改" in message.body and "/hazards/1/" in message.body
    delivery = Delivery.objects.get(notice=notice)
    assert (delivery.status, delivery.attempts) == ("sent", 1)

    # a retried task (or a second worker) does not send it again
    assert deliver_notice(delivery.pk) == "sent"
    assert delivery_send(delivery_id=delivery.pk) == "sent"
    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 1


def test_failed_send_stays_pending_and_the_retry_sends(officer_a, monkeypatch, django_capture_on_commit_callbacks):
    from campaign_site.notifications import channels

    calls = {"n": 0}
    real = channels.send_mail

    def flaky(**kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionError("SMTP down")
        return real(**kwargs)

    monkeypatch.setattr(channels, "send_mail", flaky)
    notice = notify(key="k2", title="复查提醒", users=[officer_a])[0]
    delivery = Delivery.objects.get(notice=notice)
    with pytest.raises(ConnectionError):
        delivery_send(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "pending" and mail.outbox == []
    assert delivery_send(delivery_id=delivery.pk) == "sent"
    assert len(mail.outbox) == 1


def test_no_email_address_no_delivery(officer_a):
    officer_a.email = ""
    officer_a.save()
    notice = notify(key="k3", title="t", users=[officer_a])[0]
    assert not Delivery.objects.filter(notice=notice).exists()


# -- pages -------------------------------------------------------------------------------------

def test_bell_shows_the_unread_count(client, officer_a):
    notify(key="a", title="第一条", users=[officer_a])
    notify(key="b", title="第二条", users=[officer_a])
    _english(client, officer_a)
    body = client.get(reverse("notifications:list")).content.decode()
    assert 'data-testid="unread-count">2<' in body


def test_list_shows_own_notices_only_and_filters_unread(client, officer_a, officer_b):
    notify(key="a", title="给甲的通知", users=[officer_a])
    read = notify(key="b", title="已读通知", users=[officer_a])[0]
    notify(key="c", title="给乙的通知", users=[officer_b])
    Notice.objects.filter(pk=read.pk).update(read_at="2026-01-01T00:00:00Z")
    _english(client, officer_a)
    body = client.get(reverse("notifications:list")).content.decode()
    assert "给甲的通知" in body and "已读通知" in body and "给乙的通知" not in body
    body = client.get(reverse("notifications:list"), {"unread": "1"}).content.decode()
    assert "给甲的通知" in body and "已读通知" not in body


def test_empty_list_says_so(client, officer_a):
    body = _english(client, officer_a).get(reverse("notifications:list")).content.decode()
    assert "No notices." in body


def test_mark_all_read(client, officer_a, officer_b):
    notify(key="a", title="一", users=[officer_a])
    notify(key="b", title="二", users=[officer_a])
    notify(key="c", title="三", users=[officer_b])
    _english(client, officer_a)
    response = client.post(reverse("notifications:read_all"), follow=True)
    body = response.content.decode()
    assert "2 notices marked as read." in body
    assert 'data-testid="unread-count"' not in body
    assert Notice.objects.filter(recipient=officer_b, read_at__isnull=True).count() == 1


def test_opening_marks_read_and_follows_a_local_link(client, officer_a):
    notice = notify(key="a", title="隐患待复查", url="/hazards/42/", users=[officer_a])[0]
    client.force_login(officer_a)
    response = client.get(reverse("notifications:open", args=[notice.pk]))
    assert response.status_code == 302 and response.url == "/hazards/42/"
    notice.refresh_from_db()
    assert notice.read_at is not None


@pytest.mark.parametrize("url", ["https://evil.example/phish", "//evil.example/x", "javascript:alert(1)"])
def test_opening_never_redirects_off_site(client, officer_a, url):
    notice = notify(key="a", title="t", url=url, users=[officer_a])[0]
    client.force_login(officer_a)
    response = client.get(reverse("notifications:open", args=[notice.pk]))
    assert response.status_code == 302 and response.url == reverse("notifications:list")


def test_another_persons_notice_is_404(client, officer_a, principal_a, bureau_staff):
    notice = notify(key="a", title="t", users=[officer_a])[0]
    for user in (principal_a, bureau_staff):
        client.force_login(user)
        assert client.get(reverse("notifications:open", args=[notice.pk])).status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_list_query_count_does_not_grow(client, officer_a):
    client.force_login(officer_a)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("notifications:list")).status_code == 200
        return len(ctx)

    for i in range(5):
        notify(key=f"q{i}", title=f"通知{i}", users=[officer_a])
    few = count()
    for i in range(5, 50):
        notify(key=f"q{i}", title=f"通知{i}", users=[officer_a])
    assert count() == few


def test_a_resent_email_carries_the_same_message_id(officer_a, principal_a, settings):
    """A worker killed after the mail server accepted the message but before the commit leaves the
    delivery pending: the retry sends again, with the Message-ID of the first send, so the mail
    server or client that de-duplicates by it shows one message."""
    settings.SITE_URL = "https://safety.example.edu.cn"
    notice = notify(key="k-mid", title="复查提醒", users=[officer_a])[0]
    other = notify(key="k-mid", title="复查提醒", users=[principal_a])[0]
    delivery = Delivery.objects.get(notice=notice)
    delivery_send(delivery_id=delivery.pk)
    Delivery.objects.filter(pk=delivery.pk).update(status="pending")  # the commit that never happened
    delivery_send(delivery_id=delivery.pk)
    delivery_send(delivery_id=Delivery.objects.get(notice=other).pk)
    ids = [m.extra_headers.get("Message-ID") or m.message()["Message-ID"] for m in mail.outbox]
    assert ids[0] == ids[1] == f"<delivery-{delivery.pk}.notice-{notice.pk}@safety.example.edu.cn>"
    assert mail.outbox[0].message()["Message-ID"] == ids[0]  # the header actually sent
    assert ids[2] != ids[0]
