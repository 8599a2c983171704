import pytest

from campaign_site.accounts.models import Role
from tests import factories as f


@pytest.fixture
def transport_a(school_a):
    return f.member(school_a, Role.TRANSPORT_OFFICER, username="transport_a", full_name="校车管理员甲")
