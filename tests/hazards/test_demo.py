"""The demo district's hazards: every status, major and listed, overdue, recurring; built once."""
import io

import pytest

from campaign_site.generic import demo
from hazards.models import Hazard, HazardStatus, Inspection


@pytest.fixture
def demo_built(db, monkeypatch):
    from hazards import demo as hazards_demo

    monkeypatch.setattr(hazards_demo, "MAX_SCHOOLS", 6)  # the full district (30 schools) takes ~20 s
    out = io.StringIO()
    for _order, name, fn in demo.builders():
        if name in ("accounts", "campaigns", "hazards"):
            fn(out)
    return out.getvalue()


def test_demo_hazards(demo_built):
    assert "hazards:" in demo_built
    qs = Hazard.objects.all()
    assert 60 <= qs.count() <= 75  # about ten per school
    assert set(qs.values_list("status", flat=True)) == set(HazardStatus.values)
    assert qs.filter(level="major", is_listed=True).exists()
    assert qs.overdue().exists()
    assert qs.filter(is_recurring=True).exists()
    assert Inspection.objects.filter(kind="unannounced", status="planned").exists()
    # idempotent
    count = qs.count()
    for _order, name, fn in demo.builders():
        if name == "hazards":
            fn(io.StringIO())
    assert Hazard.objects.count() == count
