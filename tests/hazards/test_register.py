import datetime

import pytest
from django.utils import timezone

from campaign_site.generic.errors import DomainError
from campaign_site.notifications.models import Notice
from hazards import services
from hazards.models import Hazard, HazardLevel

from . import factories as hf


def test_numbers_per_school_and_year(school_a, school_b):
    h1 = hf.hazard(school_a)
    h2 = hf.hazard(school_a)
    h3 = hf.hazard(school_b)
    year = timezone.localdate().year
    assert h1.number == f"SCHA0001-{year}-0001"
    assert h2.number == f"SCHA0001-{year}-0002"
    assert h3.number == f"SCHB0001-{year}-0001"
    old = hf.hazard(school_a, found_on=datetime.date(2019, 7, 20), deadline=datetime.date(2019, 8, 1))
    assert old.number == "SCHA0001-2019-0001"


def test_deadline_before_found_refused(school_a, officer_a):
    with pytest.raises(DomainError):
        hf.hazard(school_a, actor=officer_a, found_on=timezone.localdate(),
                  deadline=timezone.localdate() - datetime.timedelta(days=1))
    assert not Hazard.objects.exists()


def test_custodian_cannot_register(school_a, custodian_a):
    with pytest.raises(DomainError):
        hf.hazard(school_a, actor=custodian_a)


def test_other_school_officer_cannot_register(school_a, officer_b):
    with pytest.raises(DomainError):
        hf.hazard(school_a, actor=officer_b)


def test_major_hazard_notifies_bureau_at_once(school_a, officer_a, bureau_staff, outsider):
    h = hf.major_hazard(school_a, actor=officer_a)
    notices = Notice.objects.filter(key=f"hazard:{h.pk}:major")
    assert [n.recipient for n in notices] == [bureau_staff]
    assert h.title in notices[0].title


def test_general_hazard_does_not_notify_bureau(school_a, officer_a, bureau_staff):
    hf.hazard(school_a, actor=officer_a)
    assert not Notice.objects.filter(recipient=bureau_staff).exists()


def test_finding_api_is_idempotent(school_a):
    h1, created1 = services.hazard_open_from_finding(organisation=school_a, finding_key="chem:count:7",
                                                     title="危化品盘点差异", focus_area_code="hazchem")
    h2, created2 = services.hazard_open_from_finding(organisation=school_a, finding_key="chem:count:7",
                                                     title="危化品盘点差异")
    assert created1 and not created2
    assert h1.pk == h2.pk
    assert Hazard.objects.filter(finding_key="chem:count:7").count() == 1
    assert h1.source == "module"


def test_finding_api_major_level_notifies(school_a, bureau_staff):
    h, _ = services.hazard_open_from_finding(organisation=school_a, finding_key="bus:gps:1", title="校车超速",
                                             level=HazardLevel.MAJOR, evidence_url="/schoolbus/trips/1/")
    assert h.evidence_url == "/schoolbus/trips/1/"
    assert Notice.objects.filter(recipient=bureau_staff, key=f"hazard:{h.pk}:major").exists()


def test_finding_raced_by_another_worker_returns_the_winner(school_a, monkeypatch):
    """Another worker commits the same finding between our check and our insert: the unique
    constraint refuses ours and the service hands back the winner."""
    winner = {}

    def other_worker_commits_first(organisation, code):
        # runs after our "already there?" check and before our insert
        winner["h"] = services.hazard_register(organisation=organisation, actor=None, title="校车超速",
                                               location="校车", found_on=timezone.localdate(),
                                               deadline=timezone.localdate(), finding_key="bus:trip:9:speed",
                                               notify=False)
        return None

    monkeypatch.setattr(services, "_focus_area_by_code", other_worker_commits_first)
    hazard, created = services.hazard_open_from_finding(organisation=school_a, finding_key="bus:trip:9:speed",
                                                        title="校车超速", focus_area_code="schoolbus")
    assert created is False and hazard.pk == winner["h"].pk
    assert Hazard.objects.filter(finding_key="bus:trip:9:speed").count() == 1


def test_number_clash_is_retried(school_a, monkeypatch):
    first = hf.hazard(school_a)
    real = services.hazard_next_number
    calls = []

    def stale(**kwargs):
        calls.append(1)
        if len(calls) == 1:  # a concurrent writer took the number we computed
            return first.seq, first.number
        return real(**kwargs)

    monkeypatch.setattr(services, "hazard_next_number", stale)
    second = hf.hazard(school_a)
    assert second.seq == first.seq + 1 and len(calls) == 2


def test_register_checks_people_belong_to_the_school(school_a, school_b):
    with pytest.raises(DomainError):
        hf.hazard(school_a, responsible_person=hf.person(school_b))


def test_future_found_date_refused(school_a):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(DomainError):
        hf.hazard(school_a, found_on=tomorrow, deadline=tomorrow)


def test_bureau_cannot_register_against_itself(district, bureau_staff):
    with pytest.raises(DomainError):
        hf.hazard(district, actor=bureau_staff)


def test_responsible_person_is_told(school_a, officer_a, responsible_a):
    from campaign_site.accounts.models import Person

    h = hf.hazard(school_a, actor=officer_a, responsible_person=Person.objects.get(user=responsible_a))
    assert Notice.objects.filter(recipient=responsible_a, url=h.get_absolute_url()).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_concurrent_findings_and_numbers_on_postgres(school_a):
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("row-level concurrency is proven on PostgreSQL (DATABASE_URL)")
    barrier = threading.Barrier(6)
    results, errors = [], []

    def open_it(n):
        try:
            barrier.wait(timeout=10)
            key = "chem:count:race" if n % 2 else f"chem:count:{n}"
            results.append(services.hazard_open_from_finding(organisation=school_a, finding_key=key,
                                                             title="盘点差异"))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=open_it, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Hazard.objects.filter(finding_key="chem:count:race").count() == 1
    seqs = sorted(Hazard.objects.filter(organisation=school_a).values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1)) and len(seqs) == 4
