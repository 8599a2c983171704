"""The client address behind a reverse proxy (issue 11 point 16): X-Forwarded-For is believed only
from a configured trusted proxy; rate limits and the login lock-out use it."""
import pytest
from django.test import RequestFactory
from django.urls import reverse

from campaign_site.generic.net import client_ip


def _req(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(_req("10.0.0.5", "203.0.113.7")) == "10.0.0.5"


def test_a_trusted_proxy_passes_on_the_real_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(_req("10.0.0.5", "203.0.113.7")) == "203.0.113.7"
    # a client cannot pick its own address: the right-most untrusted entry counts
    assert client_ip(_req("10.0.0.5", "1.2.3.4, 203.0.113.7, 10.0.0.9")) == "203.0.113.7"
    # a connection that does not come from the proxy keeps its own address
    assert client_ip(_req("198.51.100.3", "203.0.113.7")) == "198.51.100.3"


@pytest.mark.django_db
def test_tip_rate_limit_separates_citizens_behind_the_proxy(client, school_a, settings):
    settings.TIP_SUBMIT_RATE = "1/h"
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    data = {"school": school_a.pk, "description": "操场东侧围墙有裂缝，随时可能倒塌", "location": "操场东侧围墙",
            "contact_name": "王先生", "contact_phone": "13800138000", "website": ""}

    def submit(citizen):
        return client.post(reverse("tips_public:create"), data, REMOTE_ADDR="127.0.0.1",
                           HTTP_X_FORWARDED_FOR=citizen)

    assert submit("203.0.113.1").status_code == 302
    assert submit("203.0.113.2").status_code == 302  # a second citizen behind the same proxy
    assert submit("203.0.113.1").status_code == 429


@pytest.mark.django_db
def test_the_login_lock_out_counts_the_real_client_address(client, settings, officer_a):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    for n in range(3):
        client.post(reverse("accounts:login"), {"username": f"guess{n}", "password": "x"},
                    REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    from tests.factories import PASSWORD
    ok = client.post(reverse("accounts:login"), {"username": "officer_a", "password": PASSWORD},
                     REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.10")
    assert ok.status_code == 302  # another citizen behind the same proxy is not locked out
