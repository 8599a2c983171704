"""Public tips: anonymous submission, tracking by code, rate limit, uploads, bureau triage."""
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from campaign_site.generic.attachments import attachments_for
from campaign_site.generic.models import TransitionLog
from campaign_site.notifications.models import Notice
from hazards.models import Hazard, HazardSource, Tip, TipStatus
from hazards.tips import CODE_ALPHABET, CODE_LENGTH, tip_reject, tip_submit, tracking_code_display

pytestmark = pytest.mark.django_db


def png(name="hazard.png", size=(64, 48)):
    buf = io.BytesIO()
    Image.new("RGB", size, (180, 40, 40)).save(buf, format="PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def submit(client, school, **extra):
    data = {"school": school.pk, "description": "操场东侧围墙有裂缝，随时可能倒塌", "location": "操场东侧围墙",
            "contact_name": "王先生", "contact_phone": "13800138000", "website": ""}
    data.update(extra)
    return client.post(reverse("tips_public:create"), data)


def make_tip(school, **kw):
    kw.setdefault("description", "实验室门口堆放纸箱，堵塞安全出口")
    kw.setdefault("location", "实验楼一楼")
    return tip_submit(organisation=school, **kw)


# -- public side ------------------------------------------------------------------------------


def test_the_public_form_lists_active_schools_grouped_by_district(client, school_a, school_b, other_school):
    response = client.get(reverse("tips_public:create"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'optgroup label="测试区教育局"' in html and 'optgroup label="邻区教育局"' in html
    assert "实验小学" in html and "邻区小学" in html
    assert 'capture="environment"' in html and 'accept="image/*"' in html


def test_anonymous_submission_gives_a_code_and_tells_the_bureau_above(client, school_a, bureau_staff, officer_a,
                                                                      outsider):
    response = submit(client, school_a, photo=png())
    assert response.status_code == 302 and response.url == reverse("tips_public:done")
    tip = Tip.objects.get()
    assert tip.organisation == school_a and tip.status == TipStatus.RECEIVED
    assert len(tip.tracking_code) == CODE_LENGTH and set(tip.tracking_code) <= set(CODE_ALPHABET)
    assert not set("0O1I") & set(tip.tracking_code)

    done = client.get(response.url)
    assert tracking_code_display(tip.tracking_code) in done.content.decode()
    assert 'data-testid="tracking-code"' in done.content.decode()

    photo = attachments_for(tip).get()
    assert photo.organisation == school_a and photo.uploaded_by is None and photo.mime_type.startswith("image/")
    assert Notice.objects.filter(recipient=bureau_staff, key=f"tip:{tip.pk}:received").exists()
    assert not Notice.objects.filter(recipient__in=[officer_a, outsider]).exists()


def test_done_page_without_a_submission_goes_back_to_the_form(client):
    response = client.get(reverse("tips_public:done"))
    assert response.status_code == 302 and response.url == reverse("tips_public:create")


def test_status_page_shows_the_status_only(client, school_a, bureau_staff):
    tip = make_tip(school_a, contact_name="李女士", contact_phone="13900000000")
    code = tracking_code_display(tip.tracking_code).lower()  # typed in lower case with the dash
    response = client.get(reverse("tips_public:status"), {"code": code})
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="tip-status"' in html
    with translation.override("zh-hans"):  # the public page speaks Chinese
        assert tip.get_status_display() in html
    for secret in ("实验室门口堆放纸箱", "李女士", "13900000000", "实验楼一楼", "实验小学"):
        assert secret not in html

    tip_reject(tip=tip, actor=bureau_staff, reason="内部核查：已于上周处理，附件见内网")
    html = client.get(reverse("tips_public:status"), {"code": tip.tracking_code}).content.decode()
    with translation.override("zh-hans"):
        assert str(TipStatus.REJECTED.label) in html
    assert "内部核查" not in html


def test_an_unknown_code_says_so(client, school_a):
    response = client.get(reverse("tips_public:status"), {"code": "ABCDE-FGHJK"})
    assert response.status_code == 404 and 'data-testid="tip-not-found"' in response.content.decode()


def test_rate_limit_answers_429_with_a_message(client, school_a, settings):
    settings.TIP_SUBMIT_RATE = "2/h"
    assert submit(client, school_a).status_code == 302
    assert submit(client, school_a).status_code == 302
    response = submit(client, school_a)
    assert response.status_code == 429
    assert 'data-testid="rate-limited"' in response.content.decode()
    assert Tip.objects.count() == 2


def test_status_lookups_are_rate_limited_too(client, settings):
    settings.TIP_LOOKUP_RATE = "3/h"
    for _i in range(3):
        client.get(reverse("tips_public:status"), {"code": "ABCDEFGHJK"})
    assert client.get(reverse("tips_public:status"), {"code": "ABCDEFGHJK"}).status_code == 429


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_kept(client, school_a, bureau_staff):
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a photo at all", content_type="image/jpeg")
    response = submit(client, school_a, photo=fake)
    assert response.status_code == 400
    assert "photo.jpg" in response.content.decode()
    assert not Tip.objects.exists() and not Notice.objects.exists()


def test_an_oversized_photo_is_refused(client, school_a, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    response = submit(client, school_a, photo=png(size=(400, 400)))
    assert response.status_code == 400 and not Tip.objects.exists()


def test_the_honeypot_field_stops_bots(client, school_a):
    response = submit(client, school_a, website="http://spam.example")
    assert response.status_code == 400 and not Tip.objects.exists()


def test_a_bureau_cannot_be_chosen_as_the_school(client, district):
    response = submit(client, district)
    assert response.status_code == 400 and not Tip.objects.exists()


# -- triage -----------------------------------------------------------------------------------


def test_bureau_staff_see_tips_of_their_schools_only(client_for, school_a, other_school, bureau_staff):
    mine, theirs = make_tip(school_a), make_tip(other_school, description="邻区的举报内容很长很长")
    html = client_for(bureau_staff).get(reverse("hazards:tip_list")).content.decode()
    assert tracking_code_display(mine.tracking_code) in html
    assert tracking_code_display(theirs.tracking_code) not in html


def test_school_staff_never_see_tips_about_their_school(client_for, school_a, officer_a):
    tip = make_tip(school_a, contact_name="举报人")
    client = client_for(officer_a)
    assert tracking_code_display(tip.tracking_code) not in client.get(reverse("hazards:tip_list")).content.decode()
    assert client.get(reverse("hazards:tip_detail", args=[tip.pk])).status_code == 404


def test_accept_turns_the_tip_into_a_hazard_of_that_school(client_for, school_a, bureau_staff):
    tip = make_tip(school_a, photo=png())
    client = client_for(bureau_staff)
    form = client.get(reverse("hazards:tip_accept", args=[tip.pk]))
    assert form.status_code == 200
    assert "实验室门口堆放纸箱" in form.content.decode()  # pre-filled from the tip

    response = client.post(reverse("hazards:tip_accept", args=[tip.pk]), {
        "title": "安全出口堵塞", "location": "实验楼一楼", "level": "general",
        "found_on": tip.created_at.date().isoformat(), "deadline": "2099-01-01", "description": tip.description,
        "measures": "立即清理纸箱",
    })
    assert response.status_code == 302
    tip.refresh_from_db()
    hazard = Hazard.objects.get()
    assert tip.status == TipStatus.ACCEPTED and tip.hazard == hazard and tip.triaged_by == bureau_staff
    assert hazard.organisation == school_a and hazard.source == HazardSource.TIP and hazard.title == "安全出口堵塞"
    assert attachments_for(hazard).count() == 1  # the photo went with it
    assert TransitionLog.objects.filter(object_id=tip.pk, name="accept", to_state=TipStatus.ACCEPTED).exists()
    detail = client.get(reverse("hazards:tip_detail", args=[tip.pk])).content.decode()
    assert hazard.number in detail and 'data-testid="tip-accept"' not in detail


def test_accept_refuses_a_deadline_before_the_date_found(client_for, school_a, bureau_staff):
    tip = make_tip(school_a)
    response = client_for(bureau_staff).post(reverse("hazards:tip_accept", args=[tip.pk]), {
        "title": "安全出口堵塞", "location": "实验楼一楼", "level": "general",
        "found_on": "2024-05-10", "deadline": "2024-05-01",
    })
    assert response.status_code == 200 and not Hazard.objects.exists()
    tip.refresh_from_db()
    assert tip.status == TipStatus.RECEIVED


def test_reject_needs_a_reason(client_for, school_a, bureau_staff):
    tip = make_tip(school_a)
    client = client_for(bureau_staff)
    response = client.post(reverse("hazards:tip_reject", args=[tip.pk]), {"reason": "  "})
    assert response.status_code == 200
    tip.refresh_from_db()
    assert tip.status == TipStatus.RECEIVED

    response = client.post(reverse("hazards:tip_reject", args=[tip.pk]), {"reason": "经现场核实，围墙已于上月加固"})
    assert response.status_code == 302
    tip.refresh_from_db()
    assert tip.status == TipStatus.REJECTED and tip.reject_reason == "经现场核实，围墙已于上月加固"
    assert not Hazard.objects.exists()
    # a triaged tip cannot be triaged again
    again = client.post(reverse("hazards:tip_accept", args=[tip.pk]), {"title": "x"})
    assert again.status_code == 302 and not Hazard.objects.exists()


def test_another_district_gets_404(client_for, school_a, outsider):
    tip = make_tip(school_a)
    client = client_for(outsider)
    for name in ("hazards:tip_detail", "hazards:tip_accept", "hazards:tip_reject"):
        assert client.get(reverse(name, args=[tip.pk])).status_code == 404
    assert client.post(reverse("hazards:tip_reject", args=[tip.pk]), {"reason": "无"}).status_code == 404
    tip.refresh_from_db()
    assert tip.status == TipStatus.RECEIVED


def test_a_bureau_leader_reads_but_does_not_triage(client_for, school_a, bureau_leader):
    tip = make_tip(school_a)
    client = client_for(bureau_leader)
    detail = client.get(reverse("hazards:tip_detail", args=[tip.pk]))
    assert detail.status_code == 200 and 'data-testid="tip-accept"' not in detail.content.decode()
    assert client.get(reverse("hazards:tip_accept", args=[tip.pk])).status_code == 403


def test_tracking_codes_are_unique_and_readable(school_a):
    codes = {make_tip(school_a).tracking_code for _i in range(30)}
    assert len(codes) == 30
    assert all(re.fullmatch(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}", c) for c in codes)
