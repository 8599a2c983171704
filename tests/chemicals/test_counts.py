"""Stock counts (盘点) every half month per cabinet: starting a count lists what the books expect,
custodians enter what they find (and whether each container is there, sealed and labelled),
completing it books every difference as a count adjustment through the books (a controlled
chemical's waits for a second trained custodian), and a controlled difference or an overdue count
opens a hazard once. A daily check reminds (once a day each)."""
import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from campaign_site.accounts.models import Organisation
from campaign_site.generic import twoperson
from campaign_site.generic.errors import DomainError
from campaign_site.generic.models import PendingAction, PendingStatus
from campaign_site.notifications.models import Notice
from chemicals import selectors, services
from chemicals.models import (
    ContainerStatus,
    ContainerStock,
    Movement,
    MovementKind,
    StockCount,
    StockCountStatus,
)
from hazards.models import Hazard
from tests import factories as f

from . import factories as cf


def left(container):
    return ContainerStock.objects.get(container=container).quantity


def confirm(action, user):
    return twoperson.pending_action_confirm(action=action, user=user, password=f.PASSWORD)


def entries(count, found: dict, **flags):
    """{line pk: entry} for `found` = {container: quantity}; flags per container: missing=[...], unsealed=[...]."""
    out = {}
    for line in count.lines.all():
        c = line.container
        out[line.pk] = {"found": found.get(c.pk, line.expected), "present": c not in flags.get("missing", ()),
                        "sealed": c not in flags.get("unsealed", ()), "labelled": c not in flags.get("unlabelled", ()),
                        "note": ""}
    return out


def entry_post(count, values: dict) -> dict:
    """The POST of the entry form: `values` = {container: (found, present, sealed, labelled)}."""
    data = {}
    for line in count.lines.all():
        found, present, sealed, labelled = values.get(line.container, (line.expected, True, True, True))
        data[f"found_{line.pk}"] = "" if found is None else str(found)
        for name, on in (("present", present), ("sealed", sealed), ("labelled", labelled)):
            if on:
                data[f"{name}_{line.pk}"] = "on"
        data[f"note_{line.pk}"] = ""
    return data


@pytest.fixture(autouse=True)
def _english_pages(custodian_a, principal_a):
    """The named users read the pages in English (the service messages are English in tests)."""
    for user in (custodian_a, principal_a):
        user.language = "en"
        user.save(update_fields=["language"])


@pytest.fixture
def cabinet(school_a):
    return cf.cabinet(school_a, code="A1")


@pytest.fixture
def salt(school_a, cabinet):
    """500 g of sodium chloride, 100 g issued: 400 g on the books."""
    bottle = cf.container(school_a, cf.SALT, in_cabinet=cabinet, size="500", position="1-1")
    services.movement_record(container=bottle, kind=MovementKind.ISSUE, quantity=Decimal("100"), actor=None)
    return bottle


@pytest.fixture
def caustic(school_a, cabinet):
    return cf.container(school_a, cf.CAUSTIC, in_cabinet=cabinet, size="250", position="1-2")


@pytest.fixture
def first(school_a):
    return cf.trained_custodian(school_a, username="first", full_name="保管员张", language="en")


@pytest.fixture
def second(school_a):
    return cf.trained_custodian(school_a, username="second", full_name="保管员李", language="en")


@pytest.fixture
def cyanide(school_a, first, second):
    """500 g of potassium cyanide (highly toxic) in a two-lock safe, received by two custodians."""
    safe = cf.cabinet(school_a, controlled=True, holders=(first, second), kind="toxic", code="S1")
    bottle = services.container_create(organisation=school_a, actor=first, chemical=cf.chem(cf.KCN), cabinet=safe,
                                       unit="g", size=Decimal("500"), received_on=timezone.localdate())
    confirm(PendingAction.objects.get(object_id=bottle.pk, status=PendingStatus.PENDING), second)
    bottle.refresh_from_db()
    return bottle


def test_starting_a_count_lists_every_container_in_stock_with_what_the_books_say(
        school_a, cabinet, salt, caustic, custodian_a, client_for):
    used_up = cf.container(school_a, cf.SALT, in_cabinet=cabinet, size="50")
    services.movement_record(container=used_up, kind=MovementKind.CONSUMPTION, quantity=Decimal("50"), actor=None)
    client = client_for(custodian_a)
    page = client.get(cabinet.get_absolute_url()).content.decode()
    assert 'data-testid="start-count"' in page
    response = client.post(reverse("chemicals:count_start", args=[cabinet.pk]))
    count = StockCount.objects.get(cabinet=cabinet)
    assert response.status_code == 302 and response.url == count.get_absolute_url()
    assert count.status == StockCountStatus.OPEN and count.started_by == custodian_a
    assert {(line.container_id, line.expected) for line in count.lines.all()} == {
        (salt.pk, Decimal("400")), (caustic.pk, Decimal("250"))}  # the used-up bottle is not counted
    detail = client.get(count.get_absolute_url()).content.decode()
    assert 'data-testid="count-entry-form"' in detail and f'data-testid="entry-{salt.pk}"' in detail
    assert 'inputmode="decimal"' in detail  # the phone keyboard for numbers
    # The cabinet now shows the count in progress and offers no second one.
    page = client.get(cabinet.get_absolute_url()).content.decode()
    assert count.number in page and 'data-testid="start-count"' not in page


def test_differences_become_count_adjustments_in_both_directions(school_a, cabinet, salt, caustic, custodian_a,
                                                                 principal_a, client_for):
    count = services.stock_count_start(cabinet=cabinet, actor=custodian_a)
    client = client_for(custodian_a)
    response = client.post(reverse("chemicals:count_enter", args=[count.pk]), entry_post(count, {
        salt: ("390", True, True, True), caustic: ("255.5", True, False, True)}))
    assert response.status_code == 302
    # The confirmation step says what completing does.
    step = reverse("chemicals:count_step", args=[count.pk, "complete"])
    summary = client.get(step).content.decode()
    assert "400 → 390 g (-10)" in summary and "250 → 255.5 g (+5.5)" in summary
    assert left(salt) == Decimal("400")  # nothing booked before completion
    response = client.post(step, {"note": "月中盘点"})
    assert response.status_code == 302
    count.refresh_from_db()
    assert count.status == StockCountStatus.COMPLETED and count.counted_on == timezone.localdate()
    assert (count.differences, count.findings) == (2, 1)
    assert left(salt) == Decimal("390") and left(caustic) == Decimal("255.5")
    adjustments = Movement.objects.filter(kind=MovementKind.COUNT, reference=count.number)
    assert sorted(adjustments.values_list("quantity", flat=True)) == [Decimal("-10"), Decimal("5.5")]
    assert set(adjustments.values_list("created_by", flat=True)) == {custodian_a.pk}
    # A non-controlled difference opens no hazard; the leaders hear of the differences.
    assert not Hazard.objects.filter(finding_key__startswith=f"chem:count:{count.pk}").exists()
    assert Notice.objects.filter(key=f"chemicals:count-completed:{count.pk}", recipient=principal_a).exists()
    page = client.get(count.get_absolute_url()).content.decode()
    assert 'data-testid="count-entry-form"' not in page and "not sealed" in page
    # The principal reads the count and its sheet, but does not count.
    principal = client_for(principal_a)
    assert principal.get(count.get_absolute_url()).status_code == 200
    sheet = principal.get(reverse("chemicals:count_print", args=[count.pk])).content.decode()
    assert 'data-testid="count-sheet"' in sheet and "255.5" in sheet
    # Completing twice is refused.
    with pytest.raises(DomainError, match="cannot be completed again"):
        services.stock_count_complete(count=count, actor=custodian_a)


def test_a_controlled_difference_waits_for_a_second_custodian_and_opens_one_hazard(school_a, cyanide, first,
                                                                                   second):
    count = services.stock_count_start(cabinet=cyanide.cabinet, actor=first)
    services.stock_count_enter(count=count, actor=first, entries=entries(count, {cyanide.pk: Decimal("490")}))
    count = services.stock_count_complete(count=count, actor=first)
    assert count.waiting == 1 and count.status == StockCountStatus.COMPLETED
    assert left(cyanide) == Decimal("500")  # nothing moves until the second custodian signs
    line = count.lines.get()
    action = line.pending_action
    assert action.status == PendingStatus.PENDING and action.payload["kind"] == MovementKind.COUNT
    with pytest.raises(DomainError, match="a second person must confirm"):
        confirm(action, first)
    adjustment = confirm(action, second)
    assert left(cyanide) == Decimal("490")
    assert (adjustment.kind, adjustment.quantity, adjustment.created_by, adjustment.second_person) == \
        (MovementKind.COUNT, Decimal("-10"), first, second)
    assert adjustment.reference == count.number
    hazards = Hazard.objects.filter(organisation=school_a, finding_key=f"chem:count:{count.pk}:controlled")
    assert hazards.count() == 1
    hazard = hazards.get()
    assert "氰化钾" in hazard.description and hazard.evidence_url == count.get_absolute_url()
    assert hazard.focus_area is None or hazard.focus_area.code == "hazchem"
    # Re-running the check (or the daily task) opens nothing more.
    count.refresh_from_db()
    assert services.stock_count_hazard(count=count) == hazard
    assert Hazard.objects.filter(finding_key__startswith=f"chem:count:{count.pk}").count() == 1
    with pytest.raises(DomainError):
        services.stock_count_complete(count=count, actor=first)
    assert Hazard.objects.filter(finding_key__startswith=f"chem:count:{count.pk}").count() == 1


@pytest.mark.parametrize("how", ["expired", "withdrawn"])
def test_a_lapsed_controlled_adjustment_is_told_once_and_the_books_stay(school_a, cyanide, first, second, how):
    count = services.stock_count_start(cabinet=cyanide.cabinet, actor=first)
    services.stock_count_enter(count=count, actor=first, entries=entries(count, {cyanide.pk: Decimal("490")}))
    count = services.stock_count_complete(count=count, actor=first)
    action = count.lines.get().pending_action
    if how == "expired":
        assert twoperson.pending_actions_expire(now=action.expires_at + datetime.timedelta(minutes=1)) == 1
        assert twoperson.pending_actions_expire(now=action.expires_at + datetime.timedelta(hours=2)) == 0
    else:
        twoperson.pending_action_cancel(action=action, user=first)
    assert left(cyanide) == Decimal("500")
    told = Notice.objects.filter(key=f"chem:count-lapsed:{action.pk}")
    assert {first, second} <= {n.recipient for n in told}  # every custodian of the school
    notice = told.get(recipient=second)
    assert count.number in notice.title and ("expired" in notice.title if how == "expired" else "withdrawn" in
                                             notice.title)
    assert "-10 g" in notice.body and notice.url == count.get_absolute_url()


def test_a_controlled_count_needs_a_trained_custodian_to_complete(school_a, cyanide, first, client_for):
    untrained = cf.custodian(school_a, username="untrained", language="en")
    count = services.stock_count_start(cabinet=cyanide.cabinet, actor=untrained)
    services.stock_count_enter(count=count, actor=untrained, entries=entries(count, {cyanide.pk: Decimal("480")}))
    response = client_for(untrained).post(reverse("chemicals:count_step", args=[count.pk, "complete"]), {})
    assert response.status_code == 200 and "no custodian training valid today" in response.content.decode()
    count.refresh_from_db()
    assert count.status == StockCountStatus.OPEN and left(cyanide) == Decimal("500")
    assert not Hazard.objects.filter(finding_key__startswith="chem:count:").exists()


def test_missing_unsealed_and_unlabelled_containers_are_recorded_and_shown(school_a, cabinet, salt, caustic,
                                                                         custodian_a, client_for):
    count = services.stock_count_start(cabinet=cabinet, actor=custodian_a)
    client = client_for(custodian_a)
    client.post(reverse("chemicals:count_enter", args=[count.pk]), entry_post(count, {
        salt: ("", False, False, False), caustic: ("250", True, True, False)}))
    lines = {line.container_id: line for line in count.lines.all()}
    assert (lines[salt.pk].present, lines[salt.pk].found) == (False, Decimal("0"))  # missing: found nothing
    assert lines[caustic.pk].problems == ["not labelled"]
    page = client.get(count.get_absolute_url()).content.decode()
    assert "missing" in page and "not labelled" in page
    count = services.stock_count_complete(count=count, actor=custodian_a)
    assert (count.differences, count.findings) == (1, 2)
    assert left(salt) == 0
    salt.refresh_from_db()
    assert salt.status == ContainerStatus.EMPTY


def test_refusals_say_why(school_a, cabinet, salt, caustic, custodian_a, principal_a, client_for):
    empty = cf.cabinet(school_a, code="E1")
    with pytest.raises(DomainError, match="holds nothing in stock"):
        services.stock_count_start(cabinet=empty, actor=custodian_a)
    with pytest.raises(DomainError, match="keep its chemicals"):
        services.stock_count_start(cabinet=cabinet, actor=principal_a)
    count = services.stock_count_start(cabinet=cabinet, actor=custodian_a)
    # A second count of the same cabinet while one runs: refused, shown on the cabinet page.
    client = client_for(custodian_a)
    response = client.post(reverse("chemicals:count_start", args=[cabinet.pk]), follow=True)
    assert f"already being counted ({count.number})" in response.content.decode()
    with pytest.raises(DomainError, match="Enter what was found for every container first"):
        services.stock_count_complete(count=count, actor=custodian_a)
    with pytest.raises(DomainError, match="marked missing but 5 g were found"):
        services.stock_count_enter(count=count, actor=custodian_a, entries={
            count.lines.get(container=salt).pk: {"found": "5", "present": False}})
    with pytest.raises(DomainError, match="zero or more"):
        services.stock_count_enter(count=count, actor=custodian_a, entries={
            count.lines.get(container=salt).pk: {"found": "-1"}})
    with pytest.raises(DomainError, match="finer than the books keep"):
        services.stock_count_enter(count=count, actor=custodian_a, entries={
            count.lines.get(container=salt).pk: {"found": "1.00001"}})
    # The principal reads the count but may not enter it.
    assert client_for(principal_a).get(reverse("chemicals:count_enter", args=[count.pk])).status_code == 403
    with pytest.raises(DomainError, match="count its chemicals"):
        services.stock_count_enter(count=count, actor=principal_a, entries=entries(count, {}))
    # The books moved after the count started: completing is refused, the count may be cancelled.
    services.stock_count_enter(count=count, actor=custodian_a, entries=entries(count, {}))
    services.movement_record(container=salt, kind=MovementKind.ISSUE, quantity=Decimal("20"), actor=custodian_a)
    with pytest.raises(DomainError, match="changed since the count started"):
        services.stock_count_complete(count=count, actor=custodian_a)
    with pytest.raises(DomainError, match="Please give a reason"):
        services.stock_count_cancel(count=count, actor=custodian_a, note="")
    services.stock_count_cancel(count=count, actor=custodian_a, note="盘点期间有领用，重新盘点")
    count.refresh_from_db()
    assert count.status == StockCountStatus.CANCELLED
    assert not Movement.objects.filter(kind=MovementKind.COUNT).exists()
    again = services.stock_count_start(cabinet=cabinet, actor=custodian_a)
    assert again.lines.get(container=salt).expected == Decimal("380")


def _received(school, cabinet, days_ago, cas=cf.SALT):
    return cf.container(school, cas, in_cabinet=cabinet, size="100",
                        received_on=timezone.localdate() - datetime.timedelta(days=days_ago))


def test_a_count_due_soon_reminds_the_custodians_once_a_day(school_a, cabinet, custodian_a, principal_a, settings):
    settings.CHEMICAL_COUNT_INTERVAL_DAYS, settings.CHEMICAL_COUNT_REMINDER_DAYS = 15, 3
    today = timezone.localdate()
    _received(school_a, cabinet, 10)  # due in 5 days: not yet
    assert services.stock_count_check(today=today) == {"due": 0, "overdue": 0, "hazards": 0}
    tomorrow_plus = today + datetime.timedelta(days=3)  # due in 2 days
    assert services.stock_count_check(today=tomorrow_plus) == {"due": 1, "overdue": 0, "hazards": 0}
    assert services.stock_count_check(today=tomorrow_plus) == {"due": 0, "overdue": 0, "hazards": 0}
    notices = Notice.objects.filter(key__startswith=f"chemicals:count-due:{cabinet.pk}:")
    assert list(notices.values_list("recipient", flat=True)) == [custodian_a.pk]
    assert services.stock_count_check(today=tomorrow_plus + datetime.timedelta(days=1))["due"] == 1
    assert notices.count() == 2
    # A count in progress: no reminder to start one.
    services.stock_count_start(cabinet=cabinet, actor=custodian_a)
    assert services.stock_count_check(today=tomorrow_plus + datetime.timedelta(days=2))["due"] == 0


def test_an_overdue_count_opens_one_hazard_and_tells_the_leaders_once_a_day(school_a, school_b, cabinet,
                                                                          custodian_a, principal_a):
    today = timezone.localdate()
    bottle = _received(school_a, cabinet, 30)  # due 15 days ago, grace 3 days: overdue
    cf.container(school_b, cf.SALT, size="100", received_on=today)  # school B: due in 15 days
    assert selectors.overdue_counts_by_school(Organisation.objects.schools()) == {school_a.pk: 1}
    assert services.stock_count_check(today=today) == {"due": 0, "overdue": 2, "hazards": 1}
    assert services.stock_count_check(today=today) == {"due": 0, "overdue": 0, "hazards": 0}
    overdue = Notice.objects.filter(key=f"chemicals:count-overdue:{cabinet.pk}:{today.isoformat()}")
    assert set(overdue.values_list("recipient", flat=True)) == {custodian_a.pk, principal_a.pk}
    hazards = Hazard.objects.filter(organisation=school_a, finding_key__startswith=f"chem:count-overdue:{cabinet.pk}:")
    assert hazards.count() == 1 and cabinet.code in hazards.get().title
    # The next day: the notices again, the hazard not again.
    assert services.stock_count_check(today=today + datetime.timedelta(days=1)) == \
        {"due": 0, "overdue": 2, "hazards": 0}
    assert hazards.count() == 1
    # Once counted, the cabinet is no longer overdue (next due in 15 days).
    count = services.stock_count_start(cabinet=cabinet, actor=custodian_a)
    services.stock_count_enter(count=count, actor=custodian_a, entries=entries(count, {}))
    services.stock_count_complete(count=count, actor=custodian_a)
    assert count.lines.get().container == bottle and count.lines.get().movement is None  # no difference
    assert selectors.overdue_counts_by_school(Organisation.objects.schools()) == {}
    assert services.stock_count_check(today=today + datetime.timedelta(days=2))["overdue"] == 0
    schedule = selectors.count_schedule(cabinet)
    assert schedule.last_counted == today and schedule.due_on == today + datetime.timedelta(days=15)
    assert not schedule.overdue


def test_overdue_counts_by_school_takes_one_query(school_a, school_b, custodian_a, django_assert_num_queries):
    for school in (school_a, school_b):
        for n in range(3):
            _received(school, cf.cabinet(school), 40 + n)
    schools = Organisation.objects.schools()
    with django_assert_num_queries(1):
        assert selectors.overdue_counts_by_school(schools) == {school_a.pk: 3, school_b.pk: 3}


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_count_pages_take_a_constant_number_of_queries(school_a, custodian_a, client_for):
    """The list, the count's page and its sheet: the same number of queries for 2 lines and 12."""
    client = client_for(custodian_a)

    def counted(n):
        cabinet = cf.cabinet(school_a)
        for i in range(n):
            cf.container(school_a, cf.SALT if i % 2 else cf.CAUSTIC, in_cabinet=cabinet, size="100")
        count = services.stock_count_start(cabinet=cabinet, actor=custodian_a)
        services.stock_count_enter(count=count, actor=custodian_a,
                                   entries=entries(count, {line.container_id: Decimal("99")
                                                           for line in count.lines.all()}))
        return count

    small, large = counted(2), counted(12)
    for name in ("chemicals:count_detail", "chemicals:count_print", "chemicals:count_enter"):
        assert _queries(client, reverse(name, args=[small.pk])) == _queries(client, reverse(name, args=[large.pk])), name
    step = "chemicals:count_step"
    assert _queries(client, reverse(step, args=[small.pk, "complete"])) == \
        _queries(client, reverse(step, args=[large.pk, "complete"]))
    list_url = reverse("chemicals:count_list")
    few = _queries(client, list_url)
    for _ in range(4):
        counted(1)
    assert _queries(client, list_url) == few


def test_count_pages_speak_chinese(school_a, cabinet, salt, custodian_a, client_for):
    count = services.stock_count_start(cabinet=cabinet, actor=custodian_a)
    custodian_a.language = "zh-hans"
    custodian_a.save(update_fields=["language"])
    client = client_for(custodian_a)
    with translation.override("zh-hans"):
        page = client.get(count.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        listed = client.get(reverse("chemicals:count_list"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "完成盘点" in page and "盘点中" in page
    assert "盘点" in listed and count.number in listed


def test_other_schools_and_the_bureau(school_a, cabinet, salt, custodian_a, custodian_b, bureau_staff, client_for):
    count = services.stock_count_start(cabinet=cabinet, actor=custodian_a)
    other = client_for(custodian_b)
    assert other.get(count.get_absolute_url()).status_code == 404
    assert count.number not in other.get(reverse("chemicals:count_list")).content.decode()
    bureau = client_for(bureau_staff)
    assert count.number in bureau.get(reverse("chemicals:count_list")).content.decode()
    page = bureau.get(count.get_absolute_url()).content.decode()
    assert 'data-testid="count-entry-form"' not in page and 'data-testid="step-complete"' not in page
    assert bureau.post(reverse("chemicals:count_start", args=[cabinet.pk])).status_code == 403


def test_demo_counts(db):
    import io

    from campaign_site.generic import demo

    out = io.StringIO()
    for _order, name, fn in demo.builders():
        if name in ("accounts", "campaigns", "chemicals", "chemicals requisitions", "chemicals counts"):
            fn(out)
    assert "chemicals counts: 6 completed" in out.getvalue()
    completed = StockCount.objects.filter(status=StockCountStatus.COMPLETED)
    assert sorted(completed.values_list("differences", flat=True)) == [0, 0, 0, 0, 1, 1]
    adjustments = Movement.objects.filter(kind=MovementKind.COUNT)
    assert sorted(adjustments.values_list("quantity", flat=True)) == [Decimal("-2.5"), Decimal("-2.5")]
    # The drug-precursor cabinet of each demo school was never counted: overdue, one hazard each.
    overdue = selectors.overdue_counts_by_school(Organisation.objects.schools())
    assert sorted(overdue.values()) == [1, 1]
    assert Hazard.objects.filter(finding_key__startswith="chem:count-overdue:").count() == 2
    for _order, name, fn in demo.builders():  # idempotent
        if name == "chemicals counts":
            fn(io.StringIO())
    assert StockCount.objects.count() == 6


def test_the_cabinet_list_filters_the_cabinets_whose_count_is_overdue(school_a, custodian_a, principal_a,
                                                                     client_for):
    late, fresh = cf.cabinet(school_a, code="L1"), cf.cabinet(school_a, code="F1")
    _received(school_a, late, 30)
    _received(school_a, fresh, 2)
    client = client_for(principal_a)
    listed = client.get(reverse("chemicals:cabinet_list") + "?count_overdue=true").content.decode()
    assert late.get_absolute_url() in listed and fresh.get_absolute_url() not in listed
    page = client.get(late.get_absolute_url()).content.decode()
    assert "overdue" in page and 'data-testid="start-count"' not in page  # the principal reads, does not count
    listed = client.get(reverse("chemicals:cabinet_list") + "?count_overdue=false").content.decode()
    assert fresh.get_absolute_url() in listed and late.get_absolute_url() not in listed
    # The home page of the principal and of the custodians says how many cabinets are late.
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="counts-overdue"' in home
    assert 'data-testid="counts-widget"' in client_for(custodian_a).get(reverse("home")).content.decode()
    services.stock_count_start(cabinet=late, actor=custodian_a)  # counting now, still overdue until completed
    assert 'data-testid="counts-overdue"' in client_for(principal_a).get(reverse("home")).content.decode()
