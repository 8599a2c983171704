"""The demo chemical books: both demo schools with rooms, cabinets, containers and three months of
lessons booked through the services (two-person rule included), one issue waiting for the second
custodian and one expired bottle; built once."""
import io

import pytest
from django.utils import timezone

from campaign_site.generic import demo
from campaign_site.generic.models import PendingAction, PendingStatus
from chemicals.models import Cabinet, Container, Movement


@pytest.fixture
def demo_built(db):
    out = io.StringIO()
    for _order, name, fn in demo.builders():
        if name in ("accounts", "campaigns", "chemicals"):
            fn(out)
    return out.getvalue()


def test_demo_chemical_books(demo_built):
    assert "chemicals:" in demo_built
    assert Cabinet.objects.filter(controlled=True).count() == 4  # two per demo school
    assert Container.objects.filter(status="in_stock").count() == 18
    assert Container.objects.filter(expires_on__lt=timezone.localdate()).count() == 2
    confirmed = Movement.objects.filter(second_person__isnull=False)
    assert confirmed.exists() and all(m.second_person_id != m.created_by_id for m in confirmed)
    waiting = PendingAction.objects.filter(status=PendingStatus.PENDING)
    assert waiting.count() == 2 and all("盐酸" in a.summary for a in waiting)
    for _order, name, fn in demo.builders():  # idempotent
        if name == "chemicals":
            fn(io.StringIO())
    assert Container.objects.count() == 18
