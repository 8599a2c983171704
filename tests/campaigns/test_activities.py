import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from campaign_site.campaigns import services
from campaign_site.campaigns.models import Activity, ActivityKind
from campaign_site.generic.errors import DomainError
from campaign_site.generic.models import Attachment

from . import factories as cf


def test_record_drill_with_photo_and_sign_in_sheet(client_for, school_a, officer_a, district):
    campaign = cf.campaign(district, start=dt.date(2020, 1, 1), end=dt.date(2099, 1, 1))
    client = client_for(officer_a)
    response = client.post(reverse("campaigns:activity_create"), {
        "kind": ActivityKind.DRILL, "date": timezone.localdate().isoformat(), "topic": "全校疏散演练",
        "participants": 860, "campaign": campaign.pk, "notes": "",
        "photos": [cf.photo_upload("a.jpg"), cf.photo_upload("b.jpg")],
        "sign_in_sheet": cf.docx_upload(["签到表"], name="签到表.docx"),
    })
    activity = Activity.objects.get()
    assert response.status_code == 302 and response.url == activity.get_absolute_url()
    assert activity.organisation == school_a and activity.campaign == campaign
    kinds = sorted(Attachment.objects.filter(object_id=activity.pk).values_list("kind", flat=True))
    assert kinds == ["photo", "photo", "sign_in"]
    page = client.get(activity.get_absolute_url()).content.decode()
    assert "全校疏散演练" in page and 'data-testid="attachments"' in page
    listing = client.get(reverse("campaigns:activity_list")).content.decode()
    assert "全校疏散演练" in listing


def test_future_date_and_missing_participants_refused(school_a, officer_a):
    with pytest.raises(DomainError):
        services.activity_record(organisation=school_a, actor=officer_a, kind=ActivityKind.TRAINING,
                                 date=timezone.localdate() + dt.timedelta(days=1), topic="消防培训", participants=30)
    with pytest.raises(DomainError):
        services.activity_record(organisation=school_a, actor=officer_a, kind=ActivityKind.TRAINING,
                                 date=timezone.localdate(), topic="消防培训", participants=0)


def test_custodian_cannot_record_and_other_school_gets_404(client_for, school_a, officer_a, custodian_a, officer_b):
    with pytest.raises(DomainError):
        services.activity_record(organisation=school_a, actor=custodian_a, kind=ActivityKind.TRAINING,
                                 date=timezone.localdate(), topic="消防培训", participants=30)
    activity = services.activity_record(organisation=school_a, actor=officer_a, kind=ActivityKind.TRAINING,
                                        date=timezone.localdate(), topic="消防培训", participants=30)
    client = client_for(officer_b)
    assert client.get(activity.get_absolute_url()).status_code == 404
    assert client.get(reverse("campaigns:activity_edit", args=[activity.pk])).status_code == 404
    assert "消防培训" not in client.get(reverse("campaigns:activity_list")).content.decode()


def test_bureau_sees_school_activities_and_edit(client_for, school_a, officer_a, bureau_staff):
    activity = services.activity_record(organisation=school_a, actor=officer_a, kind=ActivityKind.TRAINING,
                                        date=timezone.localdate(), topic="危化品管理培训", participants=12)
    assert "危化品管理培训" in client_for(bureau_staff).get(reverse("campaigns:activity_list")).content.decode()
    client = client_for(officer_a)
    client.post(reverse("campaigns:activity_edit", args=[activity.pk]), {
        "kind": ActivityKind.TRAINING, "date": timezone.localdate().isoformat(), "topic": "危化品管理培训（补充）",
        "participants": 14, "campaign": "", "notes": ""})
    activity.refresh_from_db()
    assert activity.participants == 14 and activity.topic.endswith("（补充）")
