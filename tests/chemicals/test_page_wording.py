"""What a lab custodian reads on the chemicals pages (found walking the pages in a browser): a
container's shelf position is not a person's 职务, its unit of measure is not its 单位 (the school),
its quantities have no trailing zeros, and the general ledger fits a phone: one heading row per chemical, five columns of figures."""
import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from chemicals import services
from chemicals.models import MovementKind

from . import factories as cf

pytestmark = pytest.mark.django_db


def test_container_labels_say_shelf_position_and_unit_of_measure(client, school_a, custodian_a):
    bottle = cf.container(school_a, cf.CAUSTIC, position="2-3")
    client.force_login(custodian_a)
    for url in (bottle.get_absolute_url(), reverse("chemicals:container_list")):
        page = client.get(url).content.decode()
        assert "存放位置" in page and "职务" not in page
        assert "计量单位" in page
    page = client.get(bottle.get_absolute_url()).content.decode()
    assert ">500<" in page and "500.000" not in page  # a quantity as people write it


def test_general_ledger_has_a_heading_row_per_chemical_and_five_columns(client, school_a, custodian_a):
    bottle = cf.container(school_a, cf.CAUSTIC, size="500", unit="g", received_on=datetime.date(2026, 3, 1))
    services.movement_record(container=bottle, kind=MovementKind.ISSUE, quantity=Decimal("200"), actor=custodian_a,
                             occurred_at=timezone.make_aware(datetime.datetime(2026, 3, 2, 10)))
    client.force_login(custodian_a)
    page = client.get(reverse("chemicals:general_ledger"), {"year": 2026}).content.decode()
    table = page[page.index('data-testid="general-ledger"'):page.index("</table>")]
    header = table[table.index("<thead>"):table.index("</thead>")]
    assert len(re.findall(r"<th[ >]", header)) == 5
    assert re.search(r'<th colspan="5" scope="rowgroup"><a [^>]*>氢氧化钠', table)
    assert "计量单位: g" in table and "2026-03" in table
