"""Two-person control in a real browser: a custodian issues a highly toxic chemical -> pending and
the balance unchanged; the same custodian is offered no way to confirm it; a second trained
custodian confirms with their own password -> the balance changes; both names on the ledger; the
QR label of the bottle opens it for a custodian and answers 404 for a custodian of another school."""
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from campaign_site.generic import twoperson
from campaign_site.generic.models import PendingAction, PendingStatus
from chemicals import services
from chemicals.models import ContainerStock, Movement, MovementKind
from tests import factories as f
from tests.chemicals import factories as cf

from .conftest import login, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def left(container):
    return ContainerStock.objects.get(container=container).quantity


def test_a_highly_toxic_issue_needs_a_second_trained_custodian(new_page, school_a, school_b):
    first = cf.trained_custodian(school_a, username="keeper_zhang", full_name="保管员张")
    second = cf.trained_custodian(school_a, username="keeper_li", full_name="保管员李")
    safe = cf.cabinet(school_a, controlled=True, holders=(first, second), kind="toxic")
    bottle = services.container_create(organisation=school_a, actor=first, chemical=cf.chem(cf.KCN), cabinet=safe,
                                       unit="g", size=Decimal("500"),
                                       received_on=timezone.localdate() - datetime.timedelta(days=1))
    twoperson.pending_action_confirm(action=PendingAction.objects.get(), user=second, password=f.PASSWORD)

    page = login(new_page(width=390, height=844), "keeper_zhang")
    page.goto(reverse("chemicals:movement_create", args=[bottle.pk]))
    page.select_option("select[name=kind]", MovementKind.ISSUE.value)
    page.fill("input[name=quantity]", "20")
    page.select_option("select[name=unit]", "g")
    page.fill("input[name=counterparty_name]", "王老师")
    page.fill("input[name=reason]", "初三化学演示实验")
    page.click("[data-testid=save]")
    page.wait_for_url(f"**{bottle.get_absolute_url()}")
    assert page.locator("[data-testid=container-left]").inner_text().startswith("500 ")
    pending = page.locator("[data-testid=container-pending] a")
    assert pending.count() == 1 and "20 g" in pending.inner_text()
    assert left(bottle) == Decimal("500")
    screenshot(page, "chemicals-issue-pending")

    # the requester opens it: no confirm form, only withdrawing
    pending.click()
    page.wait_for_load_state()
    assert page.locator("[data-testid=confirm]").count() == 0
    assert page.locator("[data-testid=cancel]").count() == 1
    action = PendingAction.objects.get(status=PendingStatus.PENDING)

    # the second trained custodian confirms with their own password
    other = login(new_page(width=390, height=844), "keeper_li")
    other.goto(reverse("generic:pending_detail", args=[action.pk]))
    other.fill("input[name=password]", f.PASSWORD)
    other.click("[data-testid=confirm]")
    # wait for the redirect itself: wait_for_load_state() can return before a slow machine navigates
    other.wait_for_url(f"**{bottle.get_absolute_url()}")
    assert other.locator("[data-testid=container-left]").inner_text().startswith("480 ")
    assert other.locator("[data-testid=container-pending]").count() == 0
    issue = Movement.objects.get(kind=MovementKind.ISSUE)
    assert (issue.created_by, issue.second_person) == (first, second) and left(bottle) == Decimal("480")

    other.goto(f"{reverse('chemicals:detail_ledger')}?year={timezone.localdate().year}&chemical={bottle.chemical_id}")
    row = other.locator("tr", has_text="王老师")
    assert "保管员张" in row.inner_text() and "保管员李" in row.inner_text()
    screenshot(other, "chemicals-detail-ledger-two-names")

    # the cabinet's label sheet: the safe's label, then the bottle's, each with the address its QR
    # code carries printed under it; that address opens the bottle on a custodian's phone
    other.goto(reverse("chemicals:cabinet_labels", args=[safe.pk]))
    labels = other.locator("[data-testid=label]")
    assert labels.count() == 2 and labels.nth(1).locator("svg.label-qr").count() == 1
    assert "氰化钾" in labels.nth(1).inner_text() and "剧毒" in labels.nth(1).inner_text()
    url = labels.nth(1).get_attribute("data-label-url")
    assert url.endswith(bottle.get_absolute_url()) and labels.nth(1).locator("[data-testid=label-url]").inner_text() == url
    other.emulate_media(media="print")
    screenshot(other, "chemicals-label-sheet-print")
    other.emulate_media(media="screen")
    # printed on the 60 x 40 mm label printer: one page a label, no blank page between them
    other.goto(reverse("chemicals:cabinet_labels", args=[safe.pk]) + "?size=60x40")
    other.emulate_media(media="print")  # page.pdf() prints with the emulated media
    pages = PdfReader(io.BytesIO(other.pdf(prefer_css_page_size=True, print_background=True))).pages
    other.emulate_media(media="screen")
    assert len(pages) == 2 and "氰化钾" in pages[1].extract_text() and "打印" not in pages[0].extract_text()
    assert [round(float(v) * 25.4 / 72) for v in pages[0].mediabox.upper_right] == [60, 40]
    phone = login(new_page(width=390, height=844), "keeper_zhang")
    phone.goto(url)
    assert phone.locator("[data-testid=container-left]").inner_text().startswith("480 ")

    cf.trained_custodian(school_b, username="keeper_wang", full_name="保管员王")
    stranger = login(new_page(width=390, height=844), "keeper_wang")
    assert stranger.goto(url).status == 404
