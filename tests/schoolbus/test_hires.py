"""Events with hired coaches: vetted on the event date, approved by the principal only when every
check passes; one failed check refuses the approval and names it."""
import datetime as dt

import pytest
from django.urls import reverse

from campaign_site.generic.errors import DomainError
from schoolbus import services
from schoolbus.models import HireStatus, LicenceClass

pytestmark = pytest.mark.django_db
EVENT = dt.date(2026, 5, 20)


def hire(school, **kw):
    fields = dict(title="春季研学", event_date=EVENT, destination="郑州博物馆", pupils=40, company="中原旅游客运公司",
                  company_licence="豫交运管许可郑字410100000123号", company_licence_valid_until=dt.date(2027, 1, 1))
    fields.update(kw)
    return services.hire_create(organisation=school, actor=None, **fields)


def coach(event, **kw):
    fields = dict(plate="豫A88888", seats=45, transport_permit_valid_until=dt.date(2027, 1, 1),
                  inspection_valid_until=dt.date(2026, 8, 1), insurance_valid_until=dt.date(2027, 1, 1),
                  condition_ok=True, driver_name="赵师傅", driver_licence_class=LicenceClass.A1,
                  driver_licence_valid_until=dt.date(2030, 1, 1), driver_records_clean=True)
    fields.update(kw)
    return services.hire_coach_add(event=event, actor=None, **fields)


def test_principal_approves_when_every_check_passes(school_a, principal_a):
    event = hire(school_a)
    coach(event)
    assert all(ok for ok, _t in services.hire_checks(event))
    event = services.hire_approve(event=event, actor=principal_a)
    assert event.status == HireStatus.APPROVED and event.approved_by == principal_a
    with pytest.raises(DomainError, match="approved"):
        coach(event, plate="豫A77777")


@pytest.mark.parametrize("field, value, words", [
    ("inspection_valid_until", EVENT - dt.timedelta(days=1), "inspection valid until 2026-05-19"),
    ("transport_permit_valid_until", EVENT - dt.timedelta(days=1), "road transport permit"),
    ("insurance_valid_until", EVENT - dt.timedelta(days=1), "carrier liability insurance"),
    ("condition_ok", False, "condition checked"),
    ("driver_licence_class", LicenceClass.C1, "valid C1 licence"),
    ("driver_licence_valid_until", EVENT - dt.timedelta(days=1), "valid A1 licence"),
    ("driver_records_clean", False, "clean record"),
    ("seats", 39, "39 seats on 1 coaches for 40 pupils"),
])
def test_one_failed_check_refuses_approval(school_a, principal_a, field, value, words):
    event = hire(school_a)
    coach(event, **{field: value})
    with pytest.raises(DomainError) as exc:
        services.hire_approve(event=event, actor=principal_a)
    assert "1 checks fail" in exc.value.message and words in exc.value.message
    event.refresh_from_db()
    assert event.status == HireStatus.DRAFT


def test_company_licence_expired_before_the_event(school_a, principal_a):
    event = hire(school_a, company_licence_valid_until=EVENT - dt.timedelta(days=1))
    coach(event)
    with pytest.raises(DomainError, match="passenger transport licence"):
        services.hire_approve(event=event, actor=principal_a)


def test_valid_on_the_event_date_itself_passes(school_a, principal_a):
    event = hire(school_a, company_licence_valid_until=EVENT)
    coach(event, inspection_valid_until=EVENT)
    services.hire_approve(event=event, actor=principal_a)


def test_only_the_principal_approves(school_a, officer_a):
    event = hire(school_a)
    coach(event)
    with pytest.raises(DomainError, match="principal"):
        services.hire_approve(event=event, actor=officer_a)


def test_pages_show_failed_checks_and_bureau_sees_upcoming_events(client, school_a, principal_a, bureau_staff):
    event = hire(school_a, event_date=dt.date.today() + dt.timedelta(days=5))
    coach(event, condition_ok=False)
    client.force_login(principal_a)
    response = client.post(reverse("schoolbus:hire_approve", args=[event.pk]))
    assert response.status_code == 302
    page = client.get(event.get_absolute_url()).content.decode()
    assert 'data-ok="0"' in page
    event.refresh_from_db()
    assert event.status == HireStatus.DRAFT
    client.force_login(bureau_staff)
    listing = client.get(reverse("schoolbus:hire_list") + "?upcoming=true").content.decode()
    assert "春季研学" in listing
