import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from campaign_site.accounts.importers import SchoolImporter, UserImporter
from campaign_site.accounts.models import Department, Organisation, Role, SchoolType, User
from campaign_site.generic.excel import write_xlsx

SCHOOL_HEADERS = ["学校名称", "学校标识码", "学校类型", "上级单位标识码", "地址", "联系电话"]
USER_HEADERS = ["姓名", "用户名", "手机号", "邮箱", "单位标识码", "角色", "部门"]


def xlsx(headers, rows, name="roster.xlsx"):
    buf = io.BytesIO()
    write_xlsx(buf, headers=headers, rows=rows, title="名册")
    return SimpleUploadedFile(name, buf.getvalue())


def run(importer_class, user, headers, rows, dry_run=False):
    with translation.override("en"):
        return importer_class(user=user).run(xlsx(headers, rows), dry_run=dry_run)


def test_schools_good_file(bureau_staff, district):
    result = run(SchoolImporter, bureau_staff, SCHOOL_HEADERS, [
        ["龙湖三中", "2141018801", "初中", district.code, "龙湖", "0371-1"],
        ["蓝天幼儿园", "2141018802", "幼儿园", district.code, "", ""],
    ])
    assert result.saved == 2, [r.errors for r in result.rows]
    school = Organisation.objects.get(code="2141018801")
    assert school.school_type == SchoolType.JUNIOR and school.parent == district
    assert school.path.startswith(district.path)


def test_schools_bad_rows_import_nothing(bureau_staff, district, other_district, school_a):
    result = run(SchoolImporter, bureau_staff, SCHOOL_HEADERS, [
        ["好学校", "2141018801", "小学", district.code, "", ""],
        ["重号学校", school_a.code, "小学", district.code, "", ""],
        ["怪类型", "2141018803", "大学", district.code, "", ""],
        ["邻区学校", "2141018804", "小学", other_district.code, "", ""],
        ["重复一", "2141018805", "小学", district.code, "", ""],
        ["重复二", "2141018805", "小学", district.code, "", ""],
    ])
    assert result.saved == 0
    errors = {r.number: " ".join(r.errors) for r in result.rows}
    assert errors[3] == ""
    assert school_a.code in errors[4] and "already used" in errors[4]
    assert "大学" in errors[5] and "幼儿园" in errors[5]
    assert "学校标识码" not in errors[6] and other_district.code in errors[6]
    assert "more than once" in errors[7] and "more than once" in errors[8]
    assert not Organisation.objects.filter(code="2141018801").exists()


def test_school_import_messages_in_chinese_file_errors(bureau_staff):
    result = SchoolImporter(user=bureau_staff).run(xlsx(["学校名称", "学校类型"], [["x", "小学"]]), dry_run=True)
    assert "缺少必填列" in result.file_error and "学校标识码" in result.file_error


def test_users_good_file(bureau_staff, district, school_a):
    result = run(UserImporter, bureau_staff, USER_HEADERS, [
        ["赵老师", "zhaols", "13800000001", "zhao@example.cn", school_a.code, "安全员、责任人", "保卫处"],
        ["钱科长", "qiankz", "", "", district.code, "督查组", ""],
    ])
    assert result.saved == 2, [r.errors for r in result.rows]
    zhao = User.objects.get(username="zhaols")
    assert zhao.has_role(school_a, Role.SAFETY_OFFICER) and zhao.has_role(school_a, Role.RESPONSIBLE_PERSON)
    assert zhao.person.department == Department.objects.get(organisation=school_a, name="保卫处")
    assert User.objects.get(username="qiankz").has_role(district, Role.BUREAU_INSPECTOR)


def test_users_bad_rows_import_nothing(bureau_staff, officer_a, school_a, other_school):
    result = run(UserImporter, bureau_staff, USER_HEADERS, [
        ["好人", "goodone", "", "", school_a.code, "安全员", ""],
        ["重名", "Officer_A", "", "", school_a.code, "安全员", ""],
        ["错角色", "wrongrole", "", "", school_a.code, "教育局安全科", ""],
        ["外区", "outside", "", "", other_school.code, "安全员", ""],
        ["未知角色", "unknown", "", "", school_a.code, "厨师", ""],
        ["文件重复一", "dup", "", "", school_a.code, "安全员", ""],
        ["文件重复二", "DUP", "", "", school_a.code, "安全员", ""],
        ["坏邮箱", "bademail", "", "not-an-email", school_a.code, "安全员", ""],
    ])
    assert result.saved == 0
    errors = {r.number: " ".join(r.errors) for r in result.rows}
    assert errors[3] == ""
    assert "already taken" in errors[4]
    assert "bureau role" in errors[5]
    assert other_school.code in errors[6]
    assert "厨师" in errors[7]
    assert "more than once" in errors[8] and "more than once" in errors[9]
    assert "not-an-email" in errors[10]
    assert not User.objects.filter(username="goodone").exists()


def test_school_staff_cannot_import(client_for, principal_a):
    assert client_for(principal_a).get(reverse("accounts:user_import")).status_code == 403
    assert client_for(principal_a).get(reverse("accounts:school_import")).status_code == 403


def test_template_download(client_for, bureau_staff):
    from openpyxl import load_workbook

    response = client_for(bureau_staff).get(reverse("accounts:user_import"), {"template": 1})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    headers = [c.value for c in sheet[2]]
    assert headers == USER_HEADERS


def test_user_import_flow_shows_passwords_once(client_for, bureau_staff, school_a):
    client = client_for(bureau_staff)
    url = reverse("accounts:user_import")
    upload = xlsx(USER_HEADERS, [["孙老师", "sunls", "", "", school_a.code, "危化品保管员", "教务处"]])
    preview = client.post(url, {"file": upload})
    assert preview.status_code == 200
    token = preview.context["token"]
    assert token and not User.objects.filter(username="sunls").exists()
    done = client.post(url, {"confirm_token": token})
    assert done.status_code == 200
    row, = done.context["created"]
    assert row["username"] == "sunls" and row["organisation"] == school_a.name
    assert row["password"] in done.content.decode()
    user = User.objects.get(username="sunls")
    assert user.check_password(row["password"]) and user.must_change_password


def test_school_import_flow(client_for, bureau_staff, district):
    client = client_for(bureau_staff)
    url = reverse("accounts:school_import")
    preview = client.post(url, {"file": xlsx(SCHOOL_HEADERS, [["新学校", "2141018899", "九年一贯制学校",
                                                                district.code, "", ""]])})
    token = preview.context["token"]
    response = client.post(url, {"confirm_token": token})
    assert response.status_code == 302
    assert Organisation.objects.get(code="2141018899").school_type == SchoolType.NINE_YEAR


@pytest.mark.parametrize("label,value", [("小学", SchoolType.PRIMARY), ("高中", SchoolType.SENIOR),
                                         ("特殊教育学校", SchoolType.SPECIAL), ("Kindergarten", SchoolType.KINDERGARTEN)])
def test_school_type_labels(bureau_staff, label, value):
    importer = SchoolImporter(user=bureau_staff)
    assert importer.parse_school_type(label) == value


def test_roster_import_keeps_history_audit_and_reuses_staff_records(bureau_staff, school_a):
    """The bulk write (accounts.services.users_import) records what user_create records: a history row
    per user, role and staff record, a "user created" and a "role given" audit record, and an unlinked
    staff record of the same name at the school is linked instead of duplicated."""
    from campaign_site.accounts.models import Membership, Person
    from campaign_site.generic.models import AuditEvent

    existing = Person.objects.create(organisation=school_a, name="周老师", phone="13900000000")
    result = run(UserImporter, bureau_staff, USER_HEADERS, [
        ["周老师", "zhouls", "", "", school_a.code, "安全员、教师", ""],
        ["吴老师", "wuls", "13800000009", "", school_a.code, "教师", "教务处"],
    ])
    assert result.saved == 2, [r.errors for r in result.rows]
    zhou, wu = User.objects.get(username="zhouls"), User.objects.get(username="wuls")
    existing.refresh_from_db()
    assert existing.user == zhou and Person.objects.filter(organisation=school_a, name="周老师").count() == 1
    assert wu.person.department.name == "教务处" and wu.person.phone == "13800000009"
    assert zhou.must_change_password and zhou.has_usable_password()
    assert zhou.history.get().history_user == bureau_staff
    assert Membership.history.filter(user=zhou).count() == 2
    assert existing.history.latest().user_id == zhou.pk and wu.person.history.count() == 1
    created = AuditEvent.objects.filter(action="user_created").order_by("object_repr")
    assert {(e.object_id, e.user, e.organisation) for e in created} == {
        (str(zhou.pk), bureau_staff, school_a), (str(wu.pk), bureau_staff, school_a)}
    assert AuditEvent.objects.filter(action="role_added", object_id=str(zhou.pk)).count() == 2


def test_roster_write_takes_the_same_number_of_queries_for_3_or_30_users(bureau_staff, school_a):
    """The write transaction is bulk: its length does not grow with a query per row."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    def write_queries(prefix, count):
        importer = UserImporter(user=bureau_staff)
        result = importer.validate(xlsx(USER_HEADERS, [[f"老师{n}", f"{prefix}{n}", "", "", school_a.code, "教师", "教务处"]
                                                       for n in range(count)]))
        rows = [r.cleaned for r in result.rows]
        importer.before_save(rows)
        with CaptureQueriesContext(connection) as queries, transaction.atomic():
            assert importer.save(rows) == count
        return len(queries)

    Department.objects.create(organisation=school_a, name="教务处")
    write_queries("warm", 1)  # caches (content types) filled
    assert write_queries("few", 3) == write_queries("many", 30)
