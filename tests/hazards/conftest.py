import pytest

from campaign_site.campaigns.models import Campaign, CampaignStatus, CheckItem, FocusArea


@pytest.fixture
def campaign(district):
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    return Campaign.objects.create(organisation=district, title="防风险除隐患保平安攻坚行动", start=today - datetime.timedelta(days=60),
                                   end=today + datetime.timedelta(days=60), status=CampaignStatus.ACTIVE)


@pytest.fixture
def focus_area(campaign):
    return FocusArea.objects.create(campaign=campaign, code="fire", order=2, name="消防安全")


@pytest.fixture
def check_item(focus_area):
    return CheckItem.objects.create(focus_area=focus_area, number="1", order=1,
                                    text="消防设施器材是否完好有效，疏散通道是否畅通")


@pytest.fixture
def check_item_2(focus_area):
    return CheckItem.objects.create(focus_area=focus_area, number="2", order=2, text="电气线路是否老化")
