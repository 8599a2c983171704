"""The fleet in Excel: vehicles and drivers imported through the core's engine (preview with
per-row messages, all rows or none, the services' rules), exported in the same layout, the
management commands; trips and violations exported from their lists."""
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from campaign_site.accounts.models import Role
from campaign_site.generic.models import AuditEvent
from schoolbus.fleet import DRIVER_COLUMNS, VEHICLE_COLUMNS
from schoolbus.models import Driver, Vehicle
from tests import factories as f

from . import factories as bf

pytestmark = pytest.mark.django_db
V_HEAD = [c.header for c in VEHICLE_COLUMNS]
D_HEAD = [c.header for c in DRIVER_COLUMNS]


def xlsx(headers, rows, *, title="实验小学校车台账"):
    wb = Workbook()
    ws = wb.active
    ws.append([title])  # a merged-looking title row above the header
    ws.append(headers)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("fleet.xlsx", buf.getvalue())


def bus_row(plate="豫A20001", seats=19, status="在用", assembled="否", standard="是"):
    return [plate, "郑州校车服务有限公司", "宇通 ZK6609DX", seats, standard, assembled, "2023年1月5日", "豫校车001",
            "金水区教育局", "花园路线", "2030-01-01", dt.date(2026, 2, 1), "人保", "2030/1/1", "有", "有", "√", "是",
            status]


def driver_row(id_number=None, name="张建国", licence="a1", birth=""):
    return [name, id_number or bf.id_number(dt.date(1980, 5, 17)), "13800138000", birth, licence, "2008-03-01",
            "2030-06-30", "2026-01-08", "2026-01-08", 0, "否", "否", "否", "否", "是"]


def preview(client, url, upload, school):
    return client.post(url, {"file": upload, "school": school.pk})


def test_vehicle_import_reports_each_row_s_problem_and_saves_nothing(client, school_a, transport_a):
    client.force_login(transport_a)
    url = reverse("schoolbus:vehicle_import")
    upload = xlsx(V_HEAD, [bus_row(), bus_row(plate="A123"), bus_row(plate="豫A20003", assembled="是"),
                           bus_row(plate="豫A20004", seats=6), bus_row(plate="豫A20001", status="停用")])
    page = preview(client, url, upload, school_a).content.decode()
    assert 'data-testid="row-errors"' in page and "confirm-import" not in page
    rows = {n: page.split(f"<td>{n}</td>", 1)[1].split("</tr>", 1)[0] for n in (3, 4, 5, 6, 7)}
    assert "A123" in rows[4] and "豫A12345" in rows[4]          # the plate rule, on row 4
    assert "assembled" in rows[5] or "拼装" in rows[5]           # never in service
    assert "7" in rows[6] and ("seats" in rows[6] or "座" in rows[6])
    assert "3" in rows[7]                                       # same plate as row 3
    assert "table-danger" not in page.split("<td>3</td>")[0].rsplit("<tr", 1)[1]
    assert not Vehicle.objects.exists()


def test_vehicle_import_confirms_all_rows_and_an_export_imports_again_as_nothing_new(client, school_a, transport_a):
    client.force_login(transport_a)
    url = reverse("schoolbus:vehicle_import")
    page = preview(client, url, xlsx(V_HEAD, [bus_row(), bus_row(plate="豫A 20002", status="停用")]), school_a)
    token = page.context["token"]
    response = client.post(url, {"confirm_token": token})
    assert response.status_code == 302 and response["Location"] == reverse("schoolbus:vehicle_list")
    buses = {v.plate: v for v in Vehicle.objects.filter(organisation=school_a)}
    assert set(buses) == {"豫A20001", "豫A20002"}
    bus = buses["豫A20001"]
    assert bus.status == "in_service" and bus.registered_on == dt.date(2023, 1, 5) and bus.first_aid_kit
    assert bus.history.first().history_user == transport_a
    assert AuditEvent.objects.filter(action="import").exists()

    exported = client.get(reverse("schoolbus:vehicles_export"))
    assert exported.status_code == 200
    sheet = load_workbook(io.BytesIO(exported.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1] == V_HEAD and {r[0] for r in values[2:]} == {"豫A20001", "豫A20002"}
    again = preview(client, url, SimpleUploadedFile("again.xlsx", exported.content), school_a)
    assert 'data-testid="nothing-new"' in again.content.decode() and again.context["result"].skipped_count == 2


def test_a_plate_on_file_at_another_school_is_refused(client, school_a, school_b, transport_a):
    bf.vehicle(school_b, plate="豫A20001")
    client.force_login(transport_a)
    page = preview(client, reverse("schoolbus:vehicle_import"), xlsx(V_HEAD, [bus_row()]), school_a)
    assert "another school" in page.content.decode() or "其他学校" in page.content.decode()


def test_drivers_move_between_schools_through_export_and_import(client, school_a, school_b, transport_a):
    transport_b = f.member(school_b, Role.TRANSPORT_OFFICER, username="transport_b", full_name="校车管理员乙")
    client.force_login(transport_a)
    url = reverse("schoolbus:driver_import")
    bad = bf.id_number(dt.date(1985, 1, 2))[:-1] + "0"
    bad = bad if bad != bf.id_number(dt.date(1985, 1, 2)) else bad[:-1] + "1"
    page = preview(client, url, xlsx(D_HEAD, [driver_row(), driver_row(id_number=bad, name="李四"),
                                              driver_row(name="王五", birth="1979-01-01", licence="C1")]), school_a)
    text = page.content.decode()
    assert "check digit" in text or "校验码" in text
    assert "1979-01-01" in text and Driver.objects.count() == 0
    page = preview(client, url, xlsx(D_HEAD, [driver_row(), driver_row(name="王五", licence="C1")]), school_a)
    client.post(url, {"confirm_token": page.context["token"]})
    zhang = Driver.objects.get(organisation=school_a, name="张建国")
    assert zhang.birth_date == dt.date(1980, 5, 17) and zhang.licence_class == "A1"
    exported = client.get(reverse("schoolbus:drivers_export")).content

    client.force_login(transport_b)
    page = preview(client, url, SimpleUploadedFile("d.xlsx", exported), school_b)
    client.post(url, {"confirm_token": page.context["token"]})
    assert Driver.objects.filter(organisation=school_b).count() == 2


def test_fleet_import_and_export_belong_to_the_record_keeper(client, school_a, transport_a, principal_a, bureau_staff):
    bf.vehicle(school_a)
    for user in (principal_a, bureau_staff):
        client.force_login(user)
        assert client.get(reverse("schoolbus:vehicle_import")).status_code == 403
        assert client.get(reverse("schoolbus:vehicles_export")).status_code == 403
        assert client.get(reverse("schoolbus:vehicles_export") + f"?school={school_a.pk}").status_code == 403
        assert "schoolbus/fleet/vehicles/import" not in client.get(reverse("schoolbus:vehicle_list")).content.decode()


def test_import_fleet_command_all_or_nothing(tmp_path, school_a, capsys):
    path = tmp_path / "buses.xlsx"
    path.write_bytes(xlsx(V_HEAD, [bus_row(), bus_row(plate="豫A20002", seats=5)]).read())
    with pytest.raises(CommandError, match="1 row"):
        call_command("import_fleet", str(path), school=school_a.code, kind="vehicles")
    assert "row 4" in capsys.readouterr().err and not Vehicle.objects.exists()
    path.write_bytes(xlsx(V_HEAD, [bus_row(), bus_row(plate="豫A20002")]).read())
    call_command("import_fleet", str(path), school=school_a.code, kind="vehicles")
    assert Vehicle.objects.filter(organisation=school_a).count() == 2
    out = tmp_path / "out.xlsx"
    call_command("export_fleet", str(out), school=school_a.code, kind="vehicles")
    assert load_workbook(out).active.max_row == 4  # title, header, two buses


def test_trips_and_violations_export_from_their_lists(client, school_a, bureau_staff):
    trip = bf.trip(school_a, boarded=30)  # 19 seats: an overload
    client.force_login(bureau_staff)
    trips = load_workbook(io.BytesIO(client.get(reverse("schoolbus:trip_list") + "?export=xlsx").content)).active
    rows = [[c.value for c in r] for r in trips.iter_rows()]
    assert any(trip.vehicle.plate in r for r in rows)
    violations = client.get(reverse("schoolbus:violation_list") + "?export=csv").content.decode("utf-8-sig")
    assert trip.vehicle.plate in violations and "超员" in violations
