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


def test_container_page_gives_the_unit_in_chinese_and_its_movements_fit_a_phone(client, school_a, custodian_a):
    bottle = cf.container(school_a, cf.CAUSTIC, size="500", unit="g")
    client.force_login(custodian_a)
    page = client.get(bottle.get_absolute_url()).content.decode()
    # The balance box and the movements say 克 like the 计量单位 row above them, not "g".
    assert 'data-testid="container-left">500 克<' in page
    table = page[page.index('data-testid="container-movements"'):]
    table = table[:table.index("</table>")]
    assert ">500 克<" in table and " g<" not in table
    # On a phone: time, movement and quantity; the custodians and who received it on a PC (as the movement list).
    header = table[table.index("<thead"):table.index("</thead>")]
    assert header.startswith('<thead class="text-nowrap">')
    assert re.findall(r"<th>([^<]*)</th>", header) == ["时间", "收发类型", "数量"]
    assert header.count('<th class="d-none d-md-table-cell">') == 3 and "保管员" in header


def test_container_list_dates_read_year_month_day(client, school_a, custodian_a):
    cf.container(school_a, cf.CAUSTIC, expires_on=datetime.date(2026, 10, 4))
    client.force_login(custodian_a)
    page = client.get(reverse("chemicals:container_list")).content.decode()
    assert ">2026-10-04<" in page and "2026年10月4日" not in page
    export = client.get(reverse("chemicals:container_list") + "?export=csv").content.decode("utf-8-sig")
    assert "2026-10-04" in export


def test_bureau_page_is_the_active_tab_for_bureau_staff_only(client, school_a, bureau_staff, custodian_a):
    client.force_login(bureau_staff)
    page = client.get(reverse("chemicals:bureau")).content.decode()
    tabs = page[page.index('data-testid="chemicals-tabs"'):]
    tabs = tabs[:tabs.index("</ul>")]
    assert re.findall(r'class="nav-link[^"]* active"[^>]*>([^<]*)<', tabs) == ["按学校"]
    page = client.get(reverse("chemicals:container_list")).content.decode()
    assert 'data-testid="chemicals-tab-bureau"' in page  # on the other tabs too, not active there
    client.force_login(custodian_a)
    page = client.get(reverse("chemicals:container_list")).content.decode()
    assert 'data-testid="chemicals-tab-bureau"' not in page
