"""Excel hazard register: import (preview, all or none, bad files), export, round trip, re-import."""
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from campaign_site.accounts.models import Department, Person
from campaign_site.generic.models import TransitionLog
from hazards.ledger import hazard_import_ledger, result_passed
from hazards.models import Hazard, HazardLevel, HazardSource, HazardStatus

from . import factories as hf
from .test_ledger_files import HEADERS, ledger_bytes, sample_rows, upload

pytestmark = pytest.mark.django_db
URL = "hazards:ledger_import"


@pytest.fixture
def school_setup(school_a, officer_a, responsible_a, principal_a):
    Department.objects.create(organisation=school_a, name="总务处")
    return school_a


def preview(client, school, data, **options):
    payload = {"file": upload(data), "school": school.pk}
    payload.update(options)
    return client.post(reverse(URL), payload)


def confirm(client, response):
    return client.post(reverse(URL), {"confirm_token": response.context["token"]})


def test_import_preview_then_confirm_writes_every_row(client_for, school_setup, officer_a):
    client = client_for(officer_a)
    response = preview(client, school_setup, ledger_bytes(sample_rows()))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="ready"' in html and 'data-testid="row-errors"' not in html
    assert not Hazard.objects.exists()  # the preview writes nothing

    assert confirm(client, response).status_code == 302
    hazards = {h.title: h for h in Hazard.objects.all()}
    assert len(hazards) == 4
    first = hazards["危险化学品未分柜存放"]
    assert first.found_on == datetime.date(2019, 7, 15) and first.deadline == datetime.date(2019, 7, 20)
    assert first.number == f"{school_setup.code}-2019-0001" and first.source == HazardSource.LEDGER
    assert first.status == HazardStatus.RECTIFYING  # names a responsible person
    assert first.responsible_person.name == "责任人甲" and first.responsible_department.name == "总务处"
    assert first.found_by.name == "安全员甲" and first.created_by == officer_a
    stairs = hazards["楼梯扶手松动"]
    assert stairs.level == HazardLevel.MAJOR and stairs.deadline == datetime.date(2019, 8, 16)
    assert stairs.status == HazardStatus.RECTIFYING and stairs.reinspection_result == "未整改"
    extinguisher = hazards["灭火器过期"]
    assert extinguisher.deadline == datetime.date(2019, 8, 1)  # an Excel serial date
    assert extinguisher.status == HazardStatus.REGISTERED  # nobody named yet
    gate = hazards["门卫值守记录缺失"]
    assert gate.status == HazardStatus.CLOSED and gate.closed_at is not None
    assert gate.reinspected_by.name == "校长甲" and gate.reinspection_result == "合格"
    assert sorted(h.seq for h in hazards.values()) == [1, 2, 3, 4]
    logs = TransitionLog.objects.filter(object_id=gate.pk, name="import")
    assert logs.count() == 1 and logs.get().to_state == HazardStatus.CLOSED and logs.get().note
    assert gate.history.count() == 1


def test_numbers_continue_after_hazards_registered_in_the_app(school_setup, officer_a):
    hf.hazard(school_setup, found_on=datetime.date(2019, 7, 1), deadline=datetime.date(2019, 7, 2))
    hazard_import_ledger(organisation=school_setup, actor=officer_a, rows=[{
        "found_on": datetime.date(2019, 7, 3), "title": "电线裸露", "location": "锅炉房",
        "deadline": datetime.date(2019, 7, 9)}])
    assert Hazard.objects.get(title="电线裸露").number == f"{school_setup.code}-2019-0002"


def test_wrong_headers_are_refused_with_a_clear_message(client_for, school_setup, officer_a):
    data = ledger_bytes(sample_rows(), headers=["序号", "日期", "问题", "地点", "措施", "时间", "a", "b", "c", "d",
                                                 "e", "f"])
    html = preview(client_for(officer_a), school_setup, data).content.decode()
    assert 'data-testid="file-error"' in html and "缺少必填列" in html and "排查时间" in html
    assert not Hazard.objects.exists()


def test_bad_dates_are_row_errors_with_row_numbers(client_for, school_setup, officer_a):
    rows = sample_rows()
    rows[1][1] = "2019年13月5日"
    rows[2][7] = "下周"
    rows[3][7] = datetime.date(2019, 7, 1)  # deadline before the date found
    response = preview(client_for(officer_a), school_setup, ledger_bytes(rows))
    result = response.context["result"]
    assert {r.number for r in result.error_rows} == {4, 5, 6}  # title row 1, header row 2
    messages = {r.number: " ".join(r.errors) for r in result.error_rows}
    assert "不存在" in messages[4] and "无法识别" in messages[5] and "排查时间" in messages[6]
    assert 'data-testid="confirm-import"' not in response.content.decode()
    assert not Hazard.objects.exists()


def test_unknown_department_or_person_is_an_error(client_for, school_setup, officer_a):
    rows = sample_rows()
    rows[0][8] = "后勤保卫处"
    rows[1][9] = "赵六"
    response = preview(client_for(officer_a), school_setup, ledger_bytes(rows))
    errors = {r.number: " ".join(r.errors) for r in response.context["result"].error_rows}
    assert set(errors) == {3, 4}
    assert "后勤保卫处" in errors[3] and "赵六" in errors[4]
    assert not Hazard.objects.exists()


def test_people_of_another_school_do_not_count(client_for, school_setup, officer_a, officer_b):
    rows = sample_rows()[:1]
    rows[0][9] = "安全员乙"  # officer_b's name, but school B's staff
    response = preview(client_for(officer_a), school_setup, ledger_bytes(rows))
    assert response.context["result"].error_rows


def test_create_missing_creates_staff_without_login_and_departments(client_for, school_setup, officer_a):
    rows = sample_rows()
    rows[0][8] = "后勤保卫处"
    rows[0][9] = "赵六"
    rows[3][10] = "钱七"
    client = client_for(officer_a)
    response = preview(client, school_setup, ledger_bytes(rows), create_missing="on")
    assert not response.context["result"].error_rows
    confirm(client, response)
    zhao = Person.objects.get(organisation=school_setup, name="赵六")
    assert zhao.user is None and zhao.department.name == "后勤保卫处"
    assert Person.objects.filter(organisation=school_setup, name="钱七", user__isnull=True).exists()
    assert Hazard.objects.get(title="危险化学品未分柜存放").responsible_person == zhao
    assert Hazard.objects.count() == 4


def test_a_non_excel_file_is_refused(client_for, school_setup, officer_a):
    html = preview(client_for(officer_a), school_setup, b"%PDF-1.7\n%binary").content.decode()
    assert 'data-testid="file-error"' in html and "Excel" in html
    assert not Hazard.objects.exists()


def test_an_oversized_file_is_refused(client_for, school_setup, officer_a, settings):
    settings.IMPORT_MAX_BYTES = 2000
    html = preview(client_for(officer_a), school_setup, ledger_bytes(sample_rows())).content.decode()
    assert "文件过大" in html and not Hazard.objects.exists()


def test_formula_strings_import_as_plain_text_and_export_as_text(client_for, school_setup, officer_a):
    rows = sample_rows()[:1]
    rows[0][4] = "=HYPERLINK(\"http://evil.example\",\"点我\")"
    rows[0][6] = "+86 电话通知维修"
    client = client_for(officer_a)
    response = preview(client, school_setup, ledger_bytes(rows, text_cells=(rows[0][4],)))
    assert not response.context["result"].error_rows
    confirm(client, response)
    hazard = Hazard.objects.get()
    assert hazard.title == rows[0][4] and hazard.measures == "+86 电话通知维修"

    exported = client.get(reverse("hazards:ledger_export"), {"school": school_setup.pk})
    ws = load_workbook(io.BytesIO(exported.content)).active
    cells = [c for row in ws.iter_rows() for c in row if c.value == rows[0][4]]
    assert cells and all(c.data_type == "s" for c in cells)  # text, never a formula


def test_reimport_of_the_same_file_skips_every_row(client_for, school_setup, officer_a):
    client = client_for(officer_a)
    data = ledger_bytes(sample_rows())
    confirm(client, preview(client, school_setup, data))
    assert Hazard.objects.count() == 4

    again = preview(client, school_setup, data)
    html = again.content.decode()
    assert 'data-testid="skipped"' in html and 'data-testid="nothing-new"' in html
    assert 'data-testid="confirm-import"' not in html and 'data-testid="row-errors"' not in html
    # a file with one new row: the new row is imported, the others skipped
    rows = sample_rows() + [[5, "2019-07-19", "", "围墙", "围墙裂缝", "一般", "", "2019-07-30", "", "", "", ""]]
    response = preview(client, school_setup, ledger_bytes(rows))
    result = response.context["result"]
    assert result.new_count == 1 and result.skipped_count == 4
    assert 'data-testid="skipped"' in response.content.decode()
    confirm(client, response)
    assert Hazard.objects.count() == 5


def test_the_same_row_twice_in_one_file_is_an_error(client_for, school_setup, officer_a):
    rows = sample_rows()
    rows.append(list(rows[0]))
    response = preview(client_for(officer_a), school_setup, ledger_bytes(rows))
    errors = response.context["result"].error_rows
    assert [r.number for r in errors] == [7] and "3" in errors[0].errors[0]


def test_round_trip_export_then_import_is_unchanged(client_for, school_setup, school_b, officer_a, bureau_staff):
    client = client_for(officer_a)
    confirm(client, preview(client, school_setup, ledger_bytes(sample_rows())))
    # plus one hazard registered in the app, closed through the workflow's fields
    hf.hazard(school_setup, title="配电箱未上锁", location="操场配电箱", found_on=datetime.date(2019, 9, 1),
              deadline=datetime.date(2019, 9, 3), level=HazardLevel.MAJOR)
    first = client.get(reverse("hazards:ledger_export"))  # officer_a acts for school A
    assert first.status_code == 200
    ws = load_workbook(io.BytesIO(first.content)).active
    assert [c.value for c in ws[2]][:12] == HEADERS

    def snapshot(school):
        return sorted(
            (h.found_on, h.title, h.location, h.level, h.measures, h.deadline, h.status, h.reinspection_result,
             getattr(h.responsible_person, "name", ""), getattr(h.responsible_department, "name", ""),
             getattr(h.found_by, "name", ""), getattr(h.reinspected_by, "name", ""))
            for h in Hazard.objects.filter(organisation=school)
        )

    # the exported file re-imports into school A unchanged: every row is already there
    again = preview(client, school_setup, first.content)
    assert again.context["result"].skipped_count == 5 and again.context["result"].new_count == 0
    assert 'data-testid="nothing-new"' in again.content.decode()

    # and into another school it gives the same register
    staff = client_for(bureau_staff)
    response = preview(staff, school_b, first.content, create_missing="on")
    assert not response.context["result"].error_rows
    confirm(staff, response)
    assert snapshot(school_b) == snapshot(school_setup)
    second = staff.get(reverse("hazards:ledger_export"), {"school": school_b.pk})
    rows_a = [[c.value for c in r] for r in load_workbook(io.BytesIO(first.content)).active.iter_rows(min_row=2)]
    rows_b = [[c.value for c in r] for r in load_workbook(io.BytesIO(second.content)).active.iter_rows(min_row=2)]
    assert rows_a == rows_b


def test_who_may_import(client_for, school_setup, school_b, officer_b, custodian_a, bureau_staff, outsider):
    data = ledger_bytes(sample_rows())
    # school B's officer cannot pick school A
    response = preview(client_for(officer_b), school_setup, data)
    assert response.status_code == 200 and "result" not in response.context
    # a lab custodian may not import at all
    assert client_for(custodian_a).get(reverse(URL)).status_code == 403
    # another district's bureau cannot pick school A
    assert "result" not in preview(client_for(outsider), school_setup, data).context
    # the district's bureau staff can
    response = preview(client_for(bureau_staff), school_setup, data)
    assert response.context["result"].ok
    assert not Hazard.objects.exists()


def test_export_is_scoped(client_for, school_setup, officer_a, outsider, bureau_staff):
    hf.hazard(school_setup, title="消防通道堵塞")
    assert client_for(outsider).get(reverse("hazards:ledger_export"), {"school": school_setup.pk}).status_code == 404
    chooser = client_for(bureau_staff).get(reverse("hazards:ledger_export"))
    assert chooser.status_code == 200 and "实验小学" in chooser.content.decode()
    response = client_for(bureau_staff).get(reverse("hazards:ledger_export"), {"school": school_setup.pk})
    ws = load_workbook(io.BytesIO(response.content)).active
    assert any(c.value == "消防通道堵塞" for row in ws.iter_rows() for c in row)


@pytest.mark.parametrize("text,passed", [
    ("合格", True), ("已整改，合格", True), ("整改完成", True), ("复查通过", True), ("已销号", True),
    ("不合格", False), ("未整改", False), ("整改中", False), ("", False), ("仍未完成", False),
])
def test_the_rule_for_passed_reinspections(text, passed):
    assert result_passed(text) is passed
