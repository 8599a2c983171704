"""Issue 11 point 2: a ledger row may carry history, but the import never closes a major hazard
behind the bureau's back, never closes a hazard nobody else re-inspected, and never dates a
closing before the finding. The rules are in hazard_import_ledger (whoever calls it)."""
import datetime

import pytest
from django.urls import reverse

from campaign_site.accounts.models import Department
from campaign_site.generic.errors import DomainError
from campaign_site.notifications.models import Notice
from hazards.ledger import hazard_import_ledger
from hazards.models import Hazard, HazardLevel, HazardStatus

from .test_ledger_files import HEADERS, ledger_bytes, upload

pytestmark = pytest.mark.django_db
D = datetime.date
HISTORY_HEADERS = [*HEADERS, "复查时间", "摘牌销号时间"]
FOUND, DEADLINE = D(2019, 7, 15), D(2019, 7, 30)


@pytest.fixture
def school_setup(school_a, officer_a, responsible_a, principal_a, bureau_staff):
    Department.objects.create(organisation=school_a, name="总务处")
    return school_a


def row(title, *, level="一般", person="责任人甲", reinspector="", result="", reinspected=None, delisted=None,
        found=FOUND, deadline=DEADLINE):
    return [1, found, "安全员甲", f"{title}的位置", title, level, "整改", deadline, "总务处", person,
            reinspector, result, reinspected or "", delisted or ""]


def preview(client, school, rows):
    data = ledger_bytes(rows, headers=HISTORY_HEADERS)
    return client.post(reverse("hazards:ledger_import"), {"file": upload(data), "school": school.pk})


def service_row(title, **kw):
    values = dict(zip(["seq", "found_on", "found_by", "location", "title", "level", "measures", "deadline",
                       "department", "person", "reinspector", "result", "reinspected_on", "delisted_on"],
                      row(title, **kw), strict=True))
    values["level"] = HazardLevel.MAJOR if kw.get("level") == "重大" else HazardLevel.GENERAL
    return {k: (None if v == "" else v) for k, v in values.items()}


def test_an_open_major_hazard_goes_to_the_bureau_like_one_registered_in_the_app(
        client_for, school_setup, officer_a, bureau_staff):
    client = client_for(officer_a)
    response = preview(client, school_setup, [row("配电箱裸露", level="重大")])
    client.post(reverse("hazards:ledger_import"), {"confirm_token": response.context["token"]})
    hazard = Hazard.objects.get(title="配电箱裸露")
    assert hazard.level == HazardLevel.MAJOR and hazard.status == HazardStatus.RECTIFYING
    notice = Notice.objects.get(recipient=bureau_staff)
    assert notice.url == hazard.get_absolute_url() and "配电箱裸露" in notice.title
    assert client_for(bureau_staff).get(notice.url).status_code == 200


def test_a_closed_major_hazard_without_the_bureaus_delisting_awaits_the_bureau(
        client_for, school_setup, officer_a, bureau_staff):
    client = client_for(officer_a)
    response = preview(client, school_setup, [
        row("楼梯扶手断裂", level="重大", reinspector="校长甲", result="合格", reinspected=D(2019, 7, 28)),
    ])
    assert not response.context["result"].error_rows
    client.post(reverse("hazards:ledger_import"), {"confirm_token": response.context["token"]})
    hazard = Hazard.objects.get(title="楼梯扶手断裂")
    assert hazard.status == HazardStatus.AWAITING_DELISTING and hazard.closed_at is None
    notice = Notice.objects.get(recipient=bureau_staff)
    assert notice.url == hazard.get_absolute_url()


def test_a_closed_major_hazard_with_the_bureaus_delisting_in_the_file_is_closed_at_that_date(school_setup):
    hazard_import_ledger(organisation=school_setup, actor=None, rows=[
        service_row("围墙开裂", level="重大", reinspector="校长甲", result="合格", reinspected=D(2019, 7, 28),
                    delisted=D(2019, 8, 5)),
    ])
    hazard = Hazard.objects.get(title="围墙开裂")
    assert hazard.status == HazardStatus.CLOSED
    assert hazard.closed_at.date() == D(2019, 8, 5) and hazard.delisted_at.date() == D(2019, 8, 5)


def test_a_closed_general_hazard_keeps_its_history(school_setup):
    hazard_import_ledger(organisation=school_setup, actor=None, rows=[
        service_row("灯管损坏", reinspector="校长甲", result="合格", reinspected=D(2019, 7, 20)),
    ])
    hazard = Hazard.objects.get(title="灯管损坏")
    assert hazard.status == HazardStatus.CLOSED and hazard.closed_at.date() == D(2019, 7, 20)
    assert hazard.reinspected_by.name == "校长甲"


@pytest.mark.parametrize(("kw", "words"), [
    ({"result": "合格"}, "nobody is named in 复查人"),
    ({"result": "合格", "reinspector": "责任人甲"}, "someone else"),
    ({"result": "合格", "reinspector": "校长甲", "reinspected": D(2019, 7, 1)}, "复查时间 is before"),
    ({"result": "合格", "reinspector": "校长甲", "delisted": D(2019, 8, 1)}, "Only a major hazard"),
    ({"level": "重大", "result": "合格", "reinspector": "校长甲", "delisted": D(2019, 7, 1)}, "摘牌销号时间 is before"),
    ({"level": "重大", "result": "未整改", "delisted": D(2019, 8, 1)}, "does not say the re-inspection passed"),
])
def test_the_service_refuses_history_that_bypasses_the_loop(school_setup, kw, words):
    with pytest.raises(DomainError) as exc:
        hazard_import_ledger(organisation=school_setup, actor=None, rows=[service_row("窗户玻璃破损", **kw)])
    assert words in exc.value.message and "Row 1" in exc.value.message
    assert not Hazard.objects.exists()


def test_the_preview_shows_the_same_rules_as_row_errors(client_for, school_setup, officer_a):
    response = preview(client_for(officer_a), school_setup, [
        row("消防通道堵塞", result="合格"),
        row("插座老化", reinspector="校长甲", result="合格", reinspected=D(2019, 7, 1)),
    ])
    errors = response.context["result"].error_rows
    assert [r.number for r in errors] == [3, 4]
    assert "复查人" in errors[0].errors[0] and "复查时间" in errors[1].errors[0]


# -- issue 7 §7: the end of the data, formulas ------------------------------------------------------

def footer_ledger(*footer_rows):
    import io

    from openpyxl import load_workbook

    data = ledger_bytes([row("门窗锈蚀"), row("黑板松动")], headers=HISTORY_HEADERS)
    wb = load_workbook(io.BytesIO(data))
    ws = wb.active
    ws.append([])
    for values in footer_rows:
        ws.append(values)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


SIGNATURES = (["负责人签字：", None, None, "制表人：", "张三"], ["填报日期：", "2019年7月31日"])


def test_a_signature_footer_is_ignored_and_the_preview_says_so(client_for, school_setup, officer_a):
    client = client_for(officer_a)
    response = client.post(reverse("hazards:ledger_import"),
                           {"file": upload(footer_ledger(*SIGNATURES)), "school": school_setup.pk})
    result = response.context["result"]
    assert not result.error_rows and result.new_count == 2
    assert [n for n, _text in result.footer] == [6, 7]
    html = response.content.decode()
    assert 'data-testid="footer"' in html and "负责人签字：" in html and "填报日期： 2019年7月31日" in html
    client.post(reverse("hazards:ledger_import"), {"confirm_token": response.context["token"]})
    assert Hazard.objects.count() == 2


def test_the_import_command_reads_a_ledger_with_a_footer(tmp_path, school_setup):
    import io

    from django.core.management import call_command

    path = tmp_path / "台账.xlsx"
    path.write_bytes(footer_ledger(*SIGNATURES))
    out = io.StringIO()
    call_command("import_hazards", str(path), "--school", school_setup.code, stdout=out)
    assert Hazard.objects.count() == 2
    assert "Row 6" in out.getvalue() and "负责人签字" in out.getvalue()


def test_a_note_line_followed_by_data_is_still_a_row_to_fix(client_for, school_setup, officer_a):
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(footer_ledger(["制表人：", "张三"])))
    wb.active.append([None, *row("地面湿滑")])
    buf = io.BytesIO()
    wb.save(buf)
    response = client_for(officer_a).post(reverse("hazards:ledger_import"),
                                          {"file": upload(buf.getvalue()), "school": school_setup.pk})
    result = response.context["result"]
    assert [r.number for r in result.error_rows] == [6] and not result.footer


def test_a_formula_in_a_text_cell_asks_for_plain_text(client_for, school_setup, officer_a):
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(ledger_bytes([row("门窗锈蚀")], headers=HISTORY_HEADERS)))
    ws = wb.active
    title_column = HISTORY_HEADERS.index("隐患名称") + 2  # after the extra 备注 column
    ws.cell(row=3, column=title_column).value = '=HYPERLINK("http://example.org","门窗锈蚀")'
    buf = io.BytesIO()
    wb.save(buf)  # openpyxl stores the formula without a cached value, as scripts do
    response = client_for(officer_a).post(reverse("hazards:ledger_import"),
                                          {"file": upload(buf.getvalue()), "school": school_setup.pk})
    [error] = response.context["result"].error_rows[0].errors
    assert "公式" in error and "HYPERLINK" in error and "必填" not in error
