"""Gate duty (a leader or duty officer at arrival and dismissal, signed in on a phone, missed duty
shown to the principal and counted) and reports of unlicensed vehicles (黑车) to the bureau."""
import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from campaign_site.accounts.models import Person, Role
from campaign_site.generic.attachments import attachments_for
from campaign_site.generic.errors import DomainError
from campaign_site.notifications.models import Notice
from schoolbus import selectors, services
from schoolbus.models import GateDuty, VehicleReport
from tests import factories as f

from . import factories as bf

pytestmark = pytest.mark.django_db
SH = zoneinfo.ZoneInfo("Asia/Shanghai")
MONDAY = dt.date(2026, 3, 2)


def at(day, hh, mm=0):
    return dt.datetime(day.year, day.month, day.day, hh, mm, tzinfo=SH)


@pytest.fixture
def teacher_a(school_a):
    return f.member(school_a, Role.TEACHER, username="teacher_a", full_name="值班教师甲")


def person(user):
    return Person.objects.get(user=user)


def roster(school, who, *, day=MONDAY, **kw):
    with time_machine.travel(at(day, 6), tick=False):
        return services.gate_roster(organisation=school, actor=None, person=who, slot=kw.pop("slot", "arrival"),
                                    first_date=day, weekdays_only=kw.pop("weekdays_only", False), **kw)


def test_roster_covers_school_days_only_and_never_twice(school_a, officer_a, teacher_a):
    with time_machine.travel(at(MONDAY, 6), tick=False):
        made = services.gate_roster(organisation=school_a, actor=officer_a, person=person(teacher_a), slot="arrival",
                                    first_date=MONDAY, last_date=MONDAY + dt.timedelta(days=13))
        again = services.gate_roster(organisation=school_a, actor=officer_a, person=person(teacher_a),
                                     slot="arrival", first_date=MONDAY, last_date=MONDAY + dt.timedelta(days=6))
    assert len(made) == 10 and all(d.date.weekday() < 5 for d in made)
    assert again == [] and GateDuty.objects.count() == 10
    assert made[0].starts_at == dt.time(7, 0) and made[0].ends_at == dt.time(8, 0)


def test_roster_is_kept_by_the_safety_officer_or_principal_with_the_school_s_own_staff(
        school_a, school_b, teacher_a, officer_b):
    with time_machine.travel(at(MONDAY, 6), tick=False):
        with pytest.raises(DomainError, match="safety officer or principal"):
            services.gate_roster(organisation=school_a, actor=teacher_a, person=person(teacher_a), slot="arrival",
                                 first_date=MONDAY)
        with pytest.raises(DomainError, match="another school"):
            services.gate_roster(organisation=school_b, actor=officer_b, person=person(teacher_a), slot="arrival",
                                 first_date=MONDAY)
        with pytest.raises(DomainError, match="past day"):
            services.gate_roster(organisation=school_a, actor=None, person=person(teacher_a), slot="arrival",
                                 first_date=MONDAY - dt.timedelta(days=1))


def test_the_rostered_person_signs_in_during_the_slot_and_the_time_is_recorded(school_a, teacher_a):
    duty = roster(school_a, person(teacher_a))[0]
    with pytest.raises(DomainError, match="opens at 06:30"):
        services.gate_sign_in(duty=duty, actor=teacher_a, now=at(MONDAY, 6, 29))
    signed = services.gate_sign_in(duty=duty, actor=teacher_a, now=at(MONDAY, 7, 4))
    assert signed.signed_in_at == at(MONDAY, 7, 4) and signed.signed_in_by == teacher_a
    assert signed.on_behalf_reason == ""
    with pytest.raises(DomainError, match="Already signed in at 07:04"):
        services.gate_sign_in(duty=duty, actor=teacher_a, now=at(MONDAY, 7, 10))


def test_after_the_slot_no_sign_in_is_taken_the_duty_is_missed(school_a, teacher_a):
    duty = roster(school_a, person(teacher_a))[0]
    assert duty.state_at(at(MONDAY, 8, 0)) == "due"  # exactly at the end: still open
    services_error = pytest.raises(DomainError, match="counts as missed")
    with services_error:
        services.gate_sign_in(duty=duty, actor=teacher_a, now=at(MONDAY, 8, 1))
    duty.refresh_from_db()
    assert duty.signed_in_at is None and duty.state_at(at(MONDAY, 8, 1)) == "missed"


def test_the_safety_officer_signs_in_on_someone_s_behalf_only_with_a_reason(school_a, officer_a, teacher_a):
    other = f.member(school_a, Role.TEACHER, username="teacher_a2", full_name="另一教师")
    duty = roster(school_a, person(teacher_a))[0]
    with pytest.raises(DomainError, match="Only 值班教师甲"):
        services.gate_sign_in(duty=duty, actor=other, reason="代签", now=at(MONDAY, 7, 5))
    with pytest.raises(DomainError, match="Say why"):
        services.gate_sign_in(duty=duty, actor=officer_a, now=at(MONDAY, 7, 5))
    signed = services.gate_sign_in(duty=duty, actor=officer_a, reason="手机没电，本人在岗", now=at(MONDAY, 7, 5))
    assert signed.signed_in_by == officer_a and signed.on_behalf_reason == "手机没电，本人在岗"
    assert signed.history.first().history_change_reason == "手机没电，本人在岗"


def test_teacher_signs_in_on_the_phone_page(client, school_a, teacher_a):
    roster(school_a, person(teacher_a))
    client.force_login(teacher_a)
    with time_machine.travel(at(MONDAY, 7, 2), tick=False):
        page = client.get(reverse("schoolbus:gate_today")).content.decode()
        assert 'data-testid="sign-in"' in page and "sign-in-behalf" not in page
        duty = GateDuty.objects.get()
        response = client.post(reverse("schoolbus:gate_sign_in", args=[duty.pk]), {"next": "today"}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("schoolbus:gate_today")
    assert "07:02" in page and 'data-state="signed"' in page


def test_someone_else_cannot_sign_in_through_the_page(client, school_a, teacher_a):
    other = f.member(school_a, Role.TEACHER, username="teacher_a2", full_name="另一教师")
    duty = roster(school_a, person(teacher_a))[0]
    client.force_login(other)
    with time_machine.travel(at(MONDAY, 7, 2), tick=False):
        response = client.post(reverse("schoolbus:gate_sign_in", args=[duty.pk]), {"reason": "代签"})
    assert response.status_code == 403
    duty.refresh_from_db()
    assert duty.signed_in_at is None


def test_principal_sees_missed_duties(client, school_a, principal_a, officer_a, teacher_a):
    signed_person = Person.objects.create(organisation=school_a, name="按时到岗")
    missed = roster(school_a, person(teacher_a))[0]
    kept = roster(school_a, signed_person)[0]
    services.gate_sign_in(duty=kept, actor=officer_a, reason="本人无账号", now=at(MONDAY, 7, 0))
    client.force_login(principal_a)
    with time_machine.travel(at(MONDAY, 9), tick=False):
        page = client.get(reverse("schoolbus:gate_list") + "?state=missed").content.decode()
        detail = client.get(missed.get_absolute_url()).content.decode()
    assert "值班教师甲" in page and "按时到岗" not in page
    assert 'data-state="missed"' in page
    assert 'data-testid="gate-state"' in detail and "sign-in" not in detail.split('data-testid="gate-state"')[1]


def test_missed_duties_are_counted_per_school_and_month(school_a, school_b, teacher_a, bureau_staff):
    a1 = Person.objects.create(organisation=school_a, name="甲一")
    b1 = Person.objects.create(organisation=school_b, name="乙一")
    for day in (dt.date(2026, 3, 2), dt.date(2026, 3, 31)):
        roster(school_a, a1, day=day)
        roster(school_a, a1, day=day, slot="dismissal")
    roster(school_a, a1, day=dt.date(2026, 4, 1))  # next month
    roster(school_b, b1, day=dt.date(2026, 3, 3))
    signed = roster(school_a, person(teacher_a), day=dt.date(2026, 3, 3))[0]
    services.gate_sign_in(duty=signed, actor=teacher_a, now=at(dt.date(2026, 3, 3), 7, 1))
    # 31 March 16:00: the dismissal duty of that day is not over yet, so not missed.
    counts = selectors.missed_gate_duty_counts(year=2026, month=3, user=bureau_staff, now=at(dt.date(2026, 3, 31), 16))
    assert counts == {school_a.pk: 3, school_b.pk: 1}
    later = selectors.missed_gate_duty_counts(year=2026, month=3, organisation=school_a.parent,
                                              now=at(dt.date(2026, 4, 5), 12))
    assert later == {school_a.pk: 4, school_b.pk: 1}


def _png():
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 40, 180)).save(buf, format="PNG")
    return SimpleUploadedFile("van.png", buf.getvalue(), content_type="image/png")


def test_school_reports_an_unlicensed_vehicle_and_the_bureau_is_told_and_lists_it(
        client, school_a, teacher_a, bureau_staff, officer_b):
    client.force_login(teacher_a)
    response = client.post(reverse("schoolbus:report_create"), {
        "organisation": school_a.pk, "plate": "豫A 7K3 21", "vehicle_description": "白色面包车",
        "seen_at": "2026-03-02T16:40", "place": "校门东侧路口", "pupils_seen": 9, "note": "车内站满学生",
        "photo": _png()})
    report = VehicleReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert report.plate == "豫A7K321" and report.reported_by == teacher_a
    assert attachments_for(report).count() == 1
    notice = Notice.objects.get(recipient=bureau_staff)
    assert "豫A7K321" in notice.title and notice.url == report.get_absolute_url()
    client.force_login(bureau_staff)
    page = client.get(reverse("schoolbus:report_list")).content.decode()
    assert "豫A7K321" in page and "实验小学" in page
    client.force_login(officer_b)
    assert client.get(report.get_absolute_url()).status_code == 404
    assert "豫A7K321" not in client.get(reverse("schoolbus:report_list")).content.decode()


def test_report_refuses_a_time_in_the_future(school_a, teacher_a):
    from django.utils import timezone

    with pytest.raises(DomainError, match="future"):
        bf.vehicle_report(school_a, seen_at=timezone.now() + dt.timedelta(hours=2))


QUERIES = {"gate_duty": 13, "vehicle_report": 11}  # gate duty: 13 until its sign-in window ends (the sign-in form), 11 after


@pytest.mark.parametrize("make", [bf.gate_duty, bf.vehicle_report], ids=["gate_duty", "vehicle_report"])
@pytest.mark.parametrize("hour", [0, 7, 12, 18], ids=["night", "arrival", "noon", "evening"])
def test_detail_pages_pin_their_queries(client, school_a, principal_a, make, hour, django_assert_max_num_queries):
    """Pinned at fixed times of a school day: what the page asks depends on where the duty's
    sign-in window stands (the test failed after midnight in Shanghai when it used the real clock)."""
    with time_machine.travel(at(MONDAY, hour), tick=False):
        obj = make(school_a)
        client.force_login(principal_a)
        client.get(obj.get_absolute_url())
        with django_assert_max_num_queries(QUERIES[make.__name__]):
            assert client.get(obj.get_absolute_url()).status_code == 200


def test_principal_home_page_counts_this_month_s_missed_duties(client, school_a, principal_a, teacher_a):
    roster(school_a, person(teacher_a))
    roster(school_a, person(teacher_a), slot="dismissal")
    client.force_login(principal_a)
    with time_machine.travel(at(MONDAY, 12), tick=False):
        page = client.get("/").content.decode()
    block = page.split('data-testid="home-gate"')[1]
    assert 'data-testid="gate-missed"' in block
    assert block.split('data-testid="gate-missed"')[1].split("</div>")[0].strip().endswith(">1")
