import pytest
from django.urls import reverse

from campaign_site.accounts import services
from campaign_site.accounts.models import Department, Organisation, OrgKind, SchoolType
from campaign_site.generic.errors import DomainError


def _new_school(parent, code="2141019999"):
    return {"parent": parent.pk, "kind": OrgKind.SCHOOL, "name": "新建小学", "code": code,
            "school_type": SchoolType.PRIMARY, "address": "某路1号", "phone": "0371-1"}


def test_list_shows_only_the_subtree(client_for, bureau_staff, school_a, school_b, other_school):
    page = client_for(bureau_staff).get(reverse("accounts:organisation_list")).content.decode()
    assert school_a.name in page and school_b.name in page
    assert other_school.name not in page


def test_list_filters_by_school_type_and_search(client_for, bureau_staff, school_a, school_b):
    client = client_for(bureau_staff)
    page = client.get(reverse("accounts:organisation_list"), {"school_type": SchoolType.JUNIOR}).content.decode()
    assert school_b.name in page and school_a.name not in page
    page = client.get(reverse("accounts:organisation_list"), {"q": "SCHA"}).content.decode()
    assert school_a.name in page and school_b.name not in page


def test_list_export_xlsx(client_for, bureau_staff, school_a):
    response = client_for(bureau_staff).get(reverse("accounts:organisation_list"), {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_list_query_count_does_not_grow(client_for, bureau_staff, district, django_assert_max_num_queries):
    from tests import factories as f

    client = client_for(bureau_staff)
    for _i in range(3):
        f.organisation(parent=district)
    client.get(reverse("accounts:organisation_list"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("accounts:organisation_list"))
    for _i in range(20):
        f.organisation(parent=district)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("accounts:organisation_list"))
    assert len(many) == len(few)


def test_bureau_manager_creates_school(client_for, bureau_staff, district):
    response = client_for(bureau_staff).post(reverse("accounts:organisation_create"), _new_school(district))
    school = Organisation.objects.get(code="2141019999")
    assert response.status_code == 302
    assert school.parent == district and school.path.startswith(district.path)


@pytest.mark.parametrize("who", ["officer_a", "principal_a", "bureau_inspector", "bureau_leader"])
def test_others_cannot_create_schools(request, client_for, who, district):
    user = request.getfixturevalue(who)
    assert client_for(user).get(reverse("accounts:organisation_create")).status_code == 403
    with pytest.raises(DomainError):
        services.organisation_create(name="x", code="X1", kind=OrgKind.SCHOOL, parent=district,
                                     school_type=SchoolType.PRIMARY, actor=user)


def test_manager_cannot_create_beside_own_bureau(outsider, district):
    with pytest.raises(DomainError):
        services.organisation_create(name="x", code="X1", kind=OrgKind.SCHOOL, parent=district,
                                     school_type=SchoolType.PRIMARY, actor=outsider)
    assert not Organisation.objects.filter(code="X1").exists()


def test_duplicate_code_is_a_form_error(client_for, bureau_staff, district, school_a):
    response = client_for(bureau_staff).post(reverse("accounts:organisation_create"),
                                             _new_school(district, code=school_a.code))
    assert response.status_code == 200
    assert school_a.code in response.content.decode()
    assert Organisation.objects.filter(code=school_a.code).count() == 1


def test_edit_by_manager_and_forbidden_for_school_staff(client_for, bureau_staff, principal_a, school_a):
    url = reverse("accounts:organisation_edit", args=[school_a.pk])
    assert client_for(principal_a).get(url).status_code == 403
    client = client_for(bureau_staff)
    response = client.post(url, {"name": "实验小学（新校区）", "code": school_a.code, "school_type": SchoolType.NINE_YEAR,
                                 "address": "新地址", "phone": "123", "is_active": "on"})
    assert response.status_code == 302
    school_a.refresh_from_db()
    assert school_a.name == "实验小学（新校区）" and school_a.school_type == SchoolType.NINE_YEAR


def test_outsider_edit_is_404(client_for, outsider, school_a):
    assert client_for(outsider).get(reverse("accounts:organisation_edit", args=[school_a.pk])).status_code == 404


def test_cannot_deactivate_own_bureau(bureau_staff, district):
    with pytest.raises(DomainError):
        services.organisation_update(organisation=district, is_active=False, actor=bureau_staff)


def test_detail_lists_departments_people_and_users(client_for, bureau_staff, officer_a, school_a):
    services.department_create(organisation=school_a, name="总务处", actor=None)
    page = client_for(bureau_staff).get(reverse("accounts:organisation_detail", args=[school_a.pk])).content.decode()
    assert "总务处" in page and "安全员甲" in page and "officer_a" in page


def test_principal_adds_and_renames_department(client_for, principal_a, school_a):
    client = client_for(principal_a)
    response = client.post(reverse("accounts:department_create", args=[school_a.pk]), {"name": "保卫处"})
    assert response.status_code == 302
    dept = Department.objects.get(organisation=school_a, name="保卫处")
    client.post(reverse("accounts:department_edit", args=[dept.pk]), {"name": "安全保卫处"})
    dept.refresh_from_db()
    assert dept.name == "安全保卫处"


def test_duplicate_department_refused(client_for, officer_a, school_a):
    services.department_create(organisation=school_a, name="总务处", actor=None)
    response = client_for(officer_a).post(reverse("accounts:department_create", args=[school_a.pk]),
                                          {"name": "总务处"})
    assert response.status_code == 200
    assert Department.objects.filter(organisation=school_a, name="总务处").count() == 1


def test_custodian_cannot_add_department(client_for, custodian_a, school_a):
    url = reverse("accounts:department_create", args=[school_a.pk])
    assert client_for(custodian_a).get(url).status_code == 403


def test_home_widgets(client_for, bureau_staff, officer_a, school_a, school_b):
    page = client_for(bureau_staff).get(reverse("home")).content.decode()
    assert 'data-testid="schools-widget"' in page
    page = client_for(officer_a).get(reverse("home")).content.decode()
    assert 'data-testid="school-card"' in page and school_a.code in page


# -- the administrator's back-office import (django-import-export, through accounts.services) -----

def _org_rows(*rows):
    import tablib

    return tablib.Dataset(*rows, headers=["code", "name", "kind", "school_type", "parent", "address", "phone",
                                          "is_active"])


def test_admin_import_creates_the_tree_through_the_services(superuser, city):
    from campaign_site.accounts.admin import OrganisationResource

    data = _org_rows(["DIST0099", "新区教育局", OrgKind.DISTRICT_BUREAU, "", city.code, "", "", "1"],
                     ["SCHN0001", "新区第一小学", OrgKind.SCHOOL, SchoolType.PRIMARY, "DIST0099", "新路1号", "", "1"])
    result = OrganisationResource().import_data(data, dry_run=False, user=superuser)
    assert not result.has_errors() and not result.has_validation_errors()
    school = Organisation.objects.get(code="SCHN0001")
    assert school.parent.code == "DIST0099" and school.path.startswith(city.path)  # a place in the tree
    # Exported and re-imported unchanged: every row skipped.
    again = OrganisationResource().import_data(OrganisationResource().export(), dry_run=False, user=superuser)
    assert {row.import_type for row in again.rows} == {"skip"}


def test_admin_import_refuses_a_file_with_one_bad_row_and_writes_nothing(superuser, district, school_a):
    from campaign_site.accounts.admin import OrganisationResource

    data = _org_rows(["SCHN0002", "新建中学", OrgKind.SCHOOL, SchoolType.JUNIOR, district.code, "", "", "1"],
                     ["SCHN0003", "校中校", OrgKind.SCHOOL, SchoolType.PRIMARY, school_a.code, "", "", "1"],
                     [school_a.code, "实验小学（改名）", OrgKind.SCHOOL, SchoolType.PRIMARY, "CITY0001", "", "", "1"])
    result = OrganisationResource().import_data(data, dry_run=False, user=superuser)
    messages = [str(e) for row in result.invalid_rows for e in row.error.messages]
    assert any("cannot be placed under" in m for m in messages)  # a school under a school
    assert any("cannot change the kind of an organisation or move it" in m for m in messages)
    assert not Organisation.objects.filter(code__in=["SCHN0002", "SCHN0003"]).exists()
    school_a.refresh_from_db()
    assert school_a.name == "实验小学" and school_a.parent_id == district.pk


def test_admin_import_page_previews_and_shows_the_rule(client, superuser, school_a):
    client.force_login(superuser)
    upload = ("code,name,kind,school_type,parent,address,phone,is_active\n"
              f"SCHN0004,校中校,{OrgKind.SCHOOL},{SchoolType.PRIMARY},{school_a.code},,,1\n").encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(reverse("admin:accounts_organisation_import"),
                           {"import_file": SimpleUploadedFile("orgs.csv", upload, "text/csv"), "format": "0",
                            "resource": "0"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "不能设在“实验小学”之下" in page or "cannot be placed under “实验小学”" in page
    assert 'name="import_file_name"' not in page  # no confirm button while a row is refused
    assert not Organisation.objects.filter(code="SCHN0004").exists()
