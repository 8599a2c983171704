"""Expiry and disposal (issue 8 §8, the expiry and licence reminders of §9): expired or deteriorated
containers are listed for scrap; an expired controlled chemical opens a hazard once; waste leaves in
batches to a contractor whose licence covers the hand-over date; handing over books every
container's remaining quantity out as scrap (controlled chemicals through the two-person path);
reminders are sent once; the administrator imports and exports the contractor list."""
import datetime
from decimal import Decimal

import pytest
import tablib
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaign_site.generic import twoperson
from campaign_site.generic.errors import DomainError
from campaign_site.generic.models import AuditEvent, PendingAction, PendingStatus
from campaign_site.notifications.models import Notice
from chemicals import disposal, services
from chemicals.admin import ContractorResource
from chemicals.models import (
    ContainerStatus,
    ContainerStock,
    DisposalStatus,
    Movement,
    MovementKind,
    WasteContractor,
)
from hazards.models import Hazard
from tests import factories as f

from . import disposal_factories as df
from . import factories as cf

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def left(container):
    stock = ContainerStock.objects.filter(container=container).first()
    return stock.quantity if stock else Decimal("0")


def expired_bottle(school, cas=cf.SALT, **kwargs):
    return cf.container(school, cas, received_on=TODAY - 400 * DAY, expires_on=TODAY - 20 * DAY, **kwargs)


@pytest.fixture
def first(school_a):
    return cf.trained_custodian(school_a, username="first", full_name="保管员张", language="en")


@pytest.fixture
def second(school_a):
    return cf.trained_custodian(school_a, username="second", full_name="保管员李", language="en")


@pytest.fixture
def acid(school_a, first, second):
    """500 mL of hydrochloric acid (a drug precursor: two-person control), received by two custodians."""
    cabinet = cf.cabinet(school_a, controlled=True, holders=(first, second), kind="precursor")
    bottle = services.container_create(organisation=school_a, actor=first, chemical=cf.chem(cf.HCL),
                                       cabinet=cabinet, unit="mL", size=Decimal("500"),
                                       received_on=TODAY - 400 * DAY, expires_on=TODAY - 10 * DAY)
    twoperson.pending_action_confirm(action=PendingAction.objects.get(object_id=bottle.pk,
                                                                      status=PendingStatus.PENDING),
                                     user=second, password=f.PASSWORD)
    bottle.refresh_from_db()
    return bottle


# Listed for scrap ---------------------------------------------------------------------------------


def test_expired_and_deteriorated_containers_are_listed_for_scrap(school_a, school_b, client_for, custodian_a,
                                                                  custodian_b):
    expired = expired_bottle(school_a)
    fresh = cf.container(school_a, cf.CAUSTIC, expires_on=TODAY + 300 * DAY)
    other_school = expired_bottle(school_b)
    url = reverse("chemicals:disposal_candidates")

    page = client_for(custodian_a).get(url)
    shown = {row.record.pk for row in page.context["table"].paginated_rows}
    assert shown == {expired.pk}
    assert (TODAY - 20 * DAY).isoformat() in page.content.decode()  # the reason: expired on that day

    # the custodian finds the caustic soda caked and records it: now it is listed too, with the reason
    client = client_for(custodian_a)
    response = client.post(reverse("chemicals:container_deteriorated", args=[fresh.pk]),
                           {"found_on": TODAY.isoformat(), "reason": "受潮结块"})
    assert response.status_code == 302
    page = client.get(url)
    assert {row.record.pk for row in page.context["table"].paginated_rows} == {expired.pk, fresh.pk}
    assert "受潮结块" in page.content.decode()
    with pytest.raises(DomainError, match="already recorded"):
        disposal.container_mark_deteriorated(container=fresh, actor=custodian_a, reason="again")

    # school B's custodian sees only school B's bottle and cannot mark school A's
    page = client_for(custodian_b).get(url)
    assert {row.record.pk for row in page.context["table"].paginated_rows} == {other_school.pk}
    assert client_for(custodian_b).get(reverse("chemicals:container_deteriorated",
                                               args=[expired.pk])).status_code == 404


def test_a_deterioration_needs_a_reason(school_a, custodian_a):
    bottle = cf.container(school_a)
    with pytest.raises(DomainError, match="Say what was found"):
        disposal.container_mark_deteriorated(container=bottle, actor=custodian_a, reason="  ")


def test_an_expired_controlled_chemical_opens_one_hazard(school_a, acid):
    expired_bottle(school_a)  # an expired bottle of salt: listed for scrap, but no hazard
    assert disposal.expired_controlled_hazards() == 1
    assert disposal.expired_controlled_hazards() == 0  # the next day's run: nothing new
    disposal.disposal_daily_check(today=TODAY + DAY)
    hazards = Hazard.objects.filter(finding_key__startswith="chem:expired:")
    assert hazards.count() == 1
    hazard = hazards.get()
    assert hazard.organisation == school_a and "盐酸" in hazard.title
    assert hazard.finding_key == f"chem:expired:{acid.pk}"


# Contractors and licences -------------------------------------------------------------------------


def test_contractors_are_kept_by_the_bureau_and_seen_by_schools_below(district, other_district, school_a,
                                                                      client_for, bureau_staff, officer_a,
                                                                      outsider):
    kept = df.contractor(district, name="郑州危废处置有限公司")
    df.contractor(other_district, name="邻区处置公司")
    with pytest.raises(DomainError, match="kept by a bureau"):
        df.contractor(school_a)
    with pytest.raises(DomainError, match="valid until a day before"):
        df.contractor(district, valid_from=TODAY, valid_until=TODAY - DAY)
    with pytest.raises(DomainError, match="already on this bureau's list"):
        df.contractor(district, licence_number=kept.licence_number)
    with pytest.raises(DomainError, match="safety staff"):
        disposal.contractor_create(organisation=district, actor=officer_a, name="x", licence_number="1",
                                   licence_scope="HW49", licence_authority="省厅", licence_valid_from=TODAY,
                                   licence_valid_until=TODAY)

    url = reverse("chemicals:contractor_list")
    for user in (bureau_staff, officer_a):
        names = {row.record.name for row in client_for(user).get(url).context["table"].paginated_rows}
        assert names == {"郑州危废处置有限公司"}
    assert client_for(outsider).get(kept.get_absolute_url()).status_code == 404
    # only the bureau's staff correct it
    assert client_for(officer_a).get(reverse("chemicals:contractor_edit", args=[kept.pk])).status_code == 403
    response = client_for(bureau_staff).post(reverse("chemicals:contractor_edit", args=[kept.pk]), {
        "name": kept.name, "licence_number": kept.licence_number, "licence_scope": kept.licence_scope,
        "licence_authority": kept.licence_authority, "licence_valid_from": kept.licence_valid_from.isoformat(),
        "licence_valid_until": (TODAY + 700 * DAY).isoformat(), "is_active": "on"})
    assert response.status_code == 302
    kept.refresh_from_db()
    assert kept.licence_valid_until == TODAY + 700 * DAY


def test_a_batch_to_a_contractor_whose_licence_has_expired_is_refused(school_a, district, custodian_a):
    contractor = df.contractor(district, valid_from=TODAY - 400 * DAY, valid_until=TODAY - 3 * DAY)
    # valid exactly on the last day of the licence
    on_last_day = disposal.disposal_create(organisation=school_a, actor=custodian_a, contractor=contractor,
                                           handover_on=TODAY - 3 * DAY, manifest_number="410100000001")
    assert on_last_day.status == DisposalStatus.DRAFT
    with pytest.raises(DomainError, match=r"expired on .*does not cover the hand-over on") as refused:
        disposal.disposal_create(organisation=school_a, actor=custodian_a, contractor=contractor,
                                 handover_on=TODAY - 2 * DAY)
    assert refused.value.code == "licence_not_valid"
    with pytest.raises(DomainError, match="valid only from"):
        disposal.disposal_create(organisation=school_a, actor=custodian_a, contractor=contractor,
                                 handover_on=TODAY - 401 * DAY)


def test_a_batch_refused_on_the_create_page_for_the_licence_is_audited(school_a, district, custodian_a, client_for):
    contractor = df.contractor(district, valid_until=TODAY + 10 * DAY)
    response = client_for(custodian_a).post(reverse("chemicals:disposal_create"), {
        "organisation": school_a.pk, "contractor": contractor.pk, "handover_on": (TODAY + 11 * DAY).isoformat()})
    assert response.status_code == 200 and contractor.licence_number in response.content.decode()
    event = AuditEvent.objects.get(action="disposal_refused")
    assert event.result == "denied" and event.user == custodian_a
    assert (event.content_type.model, event.object_id) == ("wastecontractor", str(contractor.pk))
    # a refusal for another reason (no such contractor chosen) is not a licence refusal
    client_for(custodian_a).post(reverse("chemicals:disposal_create"), {"organisation": school_a.pk})
    assert AuditEvent.objects.filter(action="disposal_refused").count() == 1


def test_hand_over_is_refused_when_the_licence_no_longer_covers_the_day(school_a, district, custodian_a,
                                                                        bureau_staff, client_for):
    contractor = df.contractor(district)
    batch = df.batch(school_a, to=contractor)
    disposal.disposal_add_container(batch=batch, actor=custodian_a, container=expired_bottle(school_a))
    # the bureau learns the licence was revoked early: it ran out the day before the hand-over
    disposal.contractor_update(contractor=contractor, actor=bureau_staff, licence_valid_until=TODAY - DAY)
    response = client_for(custodian_a).post(reverse("chemicals:disposal_step", args=[batch.pk, "hand_over"]))
    assert response.status_code == 200
    assert "涵盖" in response.content.decode()  # the refusal, in the custodian's language
    assert contractor.licence_number in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == DisposalStatus.DRAFT
    assert not Movement.objects.filter(kind=MovementKind.SCRAP).exists()
    event = AuditEvent.objects.get(action="disposal_refused", result="denied")
    assert (event.content_type.model, event.object_id) == ("disposalbatch", str(batch.pk))  # about the batch


def test_the_database_refuses_a_handed_over_batch_outside_its_licence(school_a, district):
    from django.db import IntegrityError, transaction

    from chemicals.models import DisposalBatch

    batch = df.batch(school_a, to=df.contractor(district))
    with pytest.raises(IntegrityError), transaction.atomic():
        DisposalBatch.objects.filter(pk=batch.pk).update(
            status=DisposalStatus.HANDED_OVER, licence_valid_from=TODAY - 10 * DAY,
            licence_valid_until=TODAY - DAY)


# Hand-over: the books ----------------------------------------------------------------------------


def test_handing_over_books_the_rest_out_as_scrap_and_the_balance_is_zero(school_a, district, custodian_a,
                                                                          client_for):
    bottle = expired_bottle(school_a, size="500")
    services.movement_record(container=bottle, kind=MovementKind.ISSUE, quantity=Decimal("120"), actor=custodian_a)
    empty = cf.container(school_a, cf.CAUSTIC, size="100")
    services.movement_record(container=empty, kind=MovementKind.CONSUMPTION, quantity=Decimal("100"),
                             actor=custodian_a)
    client = client_for(custodian_a)
    contractor = df.contractor(district, name="郑州危废处置有限公司")
    response = client.post(reverse("chemicals:disposal_create"), {
        "organisation": school_a.pk, "contractor": contractor.pk, "handover_on": TODAY.isoformat(),
        "manifest_number": "410100009999"})
    assert response.status_code == 302
    batch = contractor.batches.get()
    step = reverse("chemicals:disposal_step", args=[batch.pk, "add_container"])
    assert client.post(step, {"container": bottle.pk}).status_code == 302
    assert client.post(step, {"container": empty.pk}).status_code == 302
    client.post(reverse("chemicals:disposal_step", args=[batch.pk, "add_waste"]),
                {"description": "废酸液", "quantity": "2.5", "unit": "L"})
    # the expired bottle is on a batch now: no longer waiting on the list for scrap
    listed = client.get(reverse("chemicals:disposal_candidates")).context["table"].paginated_rows
    assert bottle.pk not in {row.record.pk for row in listed}
    # a container goes on one batch only
    with pytest.raises(DomainError, match="already on a disposal batch"):
        disposal.disposal_add_container(batch=df.batch(school_a, to=contractor), actor=custodian_a, container=bottle)

    assert client.post(reverse("chemicals:disposal_step", args=[batch.pk, "hand_over"])).status_code == 302
    batch.refresh_from_db()
    assert batch.status == DisposalStatus.HANDED_OVER and batch.handed_over_by == custodian_a
    assert batch.licence_number == contractor.licence_number
    scrap = Movement.objects.get(container=bottle, kind=MovementKind.SCRAP)
    assert scrap.quantity == Decimal("-380") and scrap.reference == "410100009999"
    assert scrap.counterparty_name == "郑州危废处置有限公司"
    bottle.refresh_from_db()
    empty.refresh_from_db()
    assert left(bottle) == 0 and bottle.status == ContainerStatus.SCRAPPED
    assert empty.status == ContainerStatus.SCRAPPED
    assert not Movement.objects.filter(container=empty, kind=MovementKind.SCRAP).exists()  # nothing left to book

    page = client.get(batch.get_absolute_url()).content.decode()
    assert "410100009999" in page and "废酸液" in page and "2.5 L" in page
    printed = client.get(reverse("chemicals:disposal_print", args=[batch.pk])).content.decode()
    assert "410100009999" in printed and "380 g" in printed
    with pytest.raises(DomainError, match="no longer change"):
        disposal.disposal_add_waste(batch=batch, actor=custodian_a, description="废液", quantity=1, unit="L")


def test_hand_over_needs_the_manifest_number_and_something_on_the_batch(school_a, district, custodian_a):
    batch = df.batch(school_a, to=df.contractor(district), manifest_number="")
    with pytest.raises(DomainError, match="manifest number"):
        disposal.disposal_hand_over(batch=batch, actor=custodian_a)
    batch = df.batch(school_a, to=df.contractor(district))
    with pytest.raises(DomainError, match="at least one"):
        disposal.disposal_hand_over(batch=batch, actor=custodian_a)


def test_controlled_containers_in_a_batch_wait_for_the_second_custodian(school_a, district, acid, first, second):
    batch = df.batch(school_a, to=df.contractor(district))
    disposal.disposal_add_container(batch=batch, actor=first, container=acid)
    disposal.disposal_hand_over(batch=batch, actor=first)
    acid.refresh_from_db()
    assert left(acid) == Decimal("500") and acid.status == ContainerStatus.IN_STOCK  # nothing booked yet
    item = batch.items.get()
    assert item.movement is None and item.pending_action.status == PendingStatus.PENDING
    with pytest.raises(DomainError, match="second person"):
        twoperson.pending_action_confirm(action=item.pending_action, user=first, password=f.PASSWORD)
    twoperson.pending_action_confirm(action=item.pending_action, user=second, password=f.PASSWORD)
    acid.refresh_from_db()
    assert left(acid) == 0 and acid.status == ContainerStatus.SCRAPPED
    scrap = Movement.objects.get(container=acid, kind=MovementKind.SCRAP)
    assert scrap.created_by == first and scrap.second_person == second
    line = disposal.batch_lines(batch)[0]
    assert line.booked == scrap and line.pending is None


def test_an_untrained_custodian_cannot_hand_over_a_controlled_container(school_a, district, acid):
    untrained = cf.custodian(school_a)
    batch = df.batch(school_a, to=df.contractor(district))
    disposal.disposal_add_container(batch=batch, actor=untrained, container=acid)
    with pytest.raises(DomainError, match="no custodian training"):
        disposal.disposal_hand_over(batch=batch, actor=untrained)
    batch.refresh_from_db()
    assert batch.status == DisposalStatus.DRAFT


# Reminders ----------------------------------------------------------------------------------------


def test_reminders_are_sent_once(school_a, district, custodian_a, bureau_staff):
    soon = cf.container(school_a, expires_on=TODAY + 10 * DAY)
    cf.container(school_a, cf.CAUSTIC, expires_on=TODAY + 90 * DAY)  # not yet
    expiring = df.contractor(district, name="将到期处置公司", valid_until=TODAY + 40 * DAY)
    df.contractor(district, name="长期有效处置公司", valid_until=TODAY + 400 * DAY)
    df.batch(school_a, to=expiring)
    first_run = disposal.disposal_daily_check()
    assert first_run["expiring"] >= 1 and first_run["licences"] >= 2
    assert disposal.disposal_daily_check() == {"hazards": 0, "expiring": 0, "licences": 0}
    assert disposal.disposal_daily_check(today=TODAY + DAY) == {"hazards": 0, "expiring": 0, "licences": 0}

    custodian_notices = Notice.objects.filter(recipient=custodian_a)
    assert custodian_notices.filter(key__startswith=f"chemicals:container-expiring:{soon.pk}:").count() == 1
    assert custodian_notices.filter(key__startswith=f"chemicals:licence-expiring:{expiring.pk}:").count() == 1
    bureau = Notice.objects.filter(recipient=bureau_staff, key__startswith="chemicals:licence-expiring:")
    assert [n.title for n in bureau] == [f"The licence of 将到期处置公司 runs out on {expiring.licence_valid_until}"]


# Admin: import and export of the contractor list --------------------------------------------------


def test_admin_imports_and_exports_the_contractor_list(district, school_a, client, superuser):
    headers = ["organisation", "name", "licence_number", "licence_scope", "licence_authority",
               "licence_valid_from", "licence_valid_until", "is_active"]
    data = tablib.Dataset(headers=headers)
    data.append([district.code, "郑州危废处置有限公司", "豫危废经许00001", "HW49 实验室废物", "河南省生态环境厅",
                 "2026-01-01", "2028-12-31", "1"])
    result = ContractorResource().import_data(data, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    contractor = WasteContractor.objects.get(licence_number="豫危废经许00001")
    assert contractor.organisation == district and contractor.licence_valid_until == datetime.date(2028, 12, 31)

    bad = tablib.Dataset(headers=headers)
    bad.append([district.code, "合格的处置公司", "X-0", "HW49", "省厅", "2026-01-01", "2027-01-01", "1"])
    bad.append([school_a.code, "学校自建处置点", "X-1", "HW49", "无", "2026-01-01", "2027-01-01", "1"])
    bad.append([district.code, "日期颠倒公司", "X-2", "HW49", "省厅", "2027-01-01", "2026-01-01", "1"])
    refused = ContractorResource().import_data(bad, dry_run=False)
    assert refused.has_validation_errors() or refused.has_errors()
    # all or nothing: the good first row is not written either
    assert not WasteContractor.objects.filter(licence_number__startswith="X-").exists()
    # a row updating a contractor goes through the same service (history says who)
    data = tablib.Dataset(headers=headers)
    data.append([district.code, "郑州危废处置有限公司", "豫危废经许00001", "HW49 实验室废物", "河南省生态环境厅",
                 "2026-01-01", "2029-06-30", "1"])
    assert not ContractorResource().import_data(data, dry_run=False, user=superuser).has_errors()
    contractor.refresh_from_db()
    assert contractor.licence_valid_until == datetime.date(2029, 6, 30)
    assert contractor.history.first().history_user == superuser

    exported = ContractorResource().export()
    assert "豫危废经许00001" in exported.csv and district.code in exported.csv
    client.force_login(superuser)
    assert client.get(reverse("admin:chemicals_wastecontractor_import")).status_code == 200
    assert client.get(reverse("admin:chemicals_wastecontractor_changelist")).status_code == 200


# Pages: queries do not grow with the lines --------------------------------------------------------


def test_batch_page_queries_do_not_grow_with_its_lines(school_a, district, custodian_a, client_for):
    batch = df.batch(school_a, to=df.contractor(district))
    client = client_for(custodian_a)

    def count():
        client.get(batch.get_absolute_url())  # warm
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(batch.get_absolute_url()).status_code == 200
        return len(ctx)

    for _ in range(2):
        disposal.disposal_add_container(batch=batch, actor=custodian_a, container=expired_bottle(school_a))
    few = count()
    for _ in range(8):
        disposal.disposal_add_container(batch=batch, actor=custodian_a, container=expired_bottle(school_a))
        disposal.disposal_add_waste(batch=batch, actor=custodian_a, description="废液", quantity=1, unit="L")
    assert count() == few


# Demo data ----------------------------------------------------------------------------------------


def test_demo_disposal(db):
    import io

    from campaign_site.generic import demo
    from chemicals.models import Container, DisposalBatch

    out = io.StringIO()
    for _round in range(2):  # the second run changes nothing
        for _order, name, fn in demo.builders():
            if name in ("accounts", "campaigns", "chemicals", "chemicals disposal"):
                fn(out)
    assert WasteContractor.objects.count() == 2
    assert WasteContractor.objects.filter(licence_valid_until__lte=TODAY + 60 * DAY).count() == 1
    done = DisposalBatch.objects.get(status=DisposalStatus.HANDED_OVER)
    assert done.manifest_number and done.items.count() == 2
    copper = done.items.get(container__isnull=False).container
    assert copper.status == ContainerStatus.SCRAPPED and left(copper) == 0
    assert DisposalBatch.objects.filter(status=DisposalStatus.DRAFT).count() == 1
    # the expired bottles of the chemical books are still listed for scrap
    assert disposal.disposal_candidates(Container.objects.all()).count() == 2
