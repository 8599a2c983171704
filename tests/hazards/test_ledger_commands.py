"""manage.py import_hazards / export_hazards for the bureau's IT staff."""
import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from campaign_site.accounts.models import Department, Person
from hazards.models import Hazard, HazardSource, HazardStatus

from .test_ledger_files import ledger_bytes, sample_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def school_setup(school_a, officer_a, responsible_a, principal_a):
    Department.objects.create(organisation=school_a, name="总务处")
    return school_a


def write(tmp_path, data, name="ledger.xlsx"):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_command_writes_every_row(tmp_path, school_setup):
    out, _err = run("import_hazards", "--school", school_setup.code, write(tmp_path, ledger_bytes(sample_rows())))
    assert "Imported 4 hazard(s)" in out
    assert Hazard.objects.filter(organisation=school_setup, source=HazardSource.LEDGER).count() == 4
    assert Hazard.objects.get(title="门卫值守记录缺失").status == HazardStatus.CLOSED
    assert Hazard.objects.first().created_by is None  # the system, not a person

    out, _err = run("import_hazards", "--school", school_setup.code, write(tmp_path, ledger_bytes(sample_rows())))
    assert "Imported 0 hazard(s)" in out and "4 already imported (skipped)" in out
    assert Hazard.objects.count() == 4


def test_import_command_prints_each_error_with_its_row_and_fails(tmp_path, school_setup):
    rows = sample_rows()
    rows[0][1] = "七月"
    rows[2][9] = "赵六"
    path = write(tmp_path, ledger_bytes(rows))
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 row"):
        call_command("import_hazards", "--school", school_setup.code, path, stderr=err, stdout=io.StringIO())
    printed = err.getvalue()
    assert "第 3 行" in printed and "七月" in printed
    assert "第 5 行" in printed and "赵六" in printed
    assert not Hazard.objects.exists()


def test_import_command_exit_status_is_non_zero(tmp_path, school_setup):
    """Run as a process would: CommandError -> exit status 1."""
    from django.core.management import ManagementUtility

    utility = ManagementUtility(["manage.py", "import_hazards", "--school", "NOPE", write(tmp_path, b"x")])
    with pytest.raises(SystemExit) as exc:
        utility.execute()
    assert exc.value.code == 1


def test_dry_run_writes_nothing(tmp_path, school_setup):
    rows = sample_rows()
    rows[0][9] = "赵六"
    out, _err = run("import_hazards", "--school", school_setup.code, "--dry-run", "--create-missing",
                    write(tmp_path, ledger_bytes(rows)))
    assert "Dry run: 4 new row(s)" in out
    assert not Hazard.objects.exists() and not Person.objects.filter(name="赵六").exists()


def test_create_missing_flag(tmp_path, school_setup):
    rows = sample_rows()
    rows[0][9] = "赵六"
    rows[0][8] = "安保处"
    path = write(tmp_path, ledger_bytes(rows))
    with pytest.raises(CommandError):
        run("import_hazards", "--school", school_setup.code, path)
    out, _err = run("import_hazards", "--school", school_setup.code, "--create-missing", path)
    assert "created 1 staff record(s) and 1 department(s)" in out
    assert Person.objects.get(name="赵六").user is None


def test_bad_files_and_unknown_schools_fail_clearly(tmp_path, school_setup):
    with pytest.raises(CommandError, match="No school"):
        run("import_hazards", "--school", "NOPE", write(tmp_path, ledger_bytes(sample_rows())))
    with pytest.raises(CommandError, match="Excel"):
        run("import_hazards", "--school", school_setup.code, write(tmp_path, b"\x89PNG\r\n\x1a\nrest", "x.png"))
    with pytest.raises(CommandError, match="缺少必填列"):
        run("import_hazards", "--school", school_setup.code,
            write(tmp_path, ledger_bytes([[1, "a"]], headers=["序号", "名称"])))
    with pytest.raises(CommandError, match="not found"):
        run("import_hazards", "--school", school_setup.code, str(tmp_path / "missing.xlsx"))
    assert not Hazard.objects.exists()


def test_export_command_writes_the_import_layout(tmp_path, school_setup):
    run("import_hazards", "--school", school_setup.code, write(tmp_path, ledger_bytes(sample_rows())))
    target = tmp_path / "out.xlsx"
    out, _err = run("export_hazards", "--school", school_setup.code, str(target))
    assert "Exported 4 hazard(s)" in out
    ws = load_workbook(target).active
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    assert [v[4] for v in values] == ["危险化学品未分柜存放", "楼梯扶手松动", "灭火器过期", "门卫值守记录缺失"]
    assert values[0][1] == datetime.datetime(2019, 7, 15)
    # and it imports again with nothing new
    out, _err = run("import_hazards", "--school", school_setup.code, "--dry-run", str(target))
    assert "0 new row(s)" in out and "4 already imported" in out
