"""Tiny views over an existing model (Department) to test the generic machinery on its own.

Used through `@pytest.mark.urls("tests.generic.testviews")`: the site's URLs plus these.
"""
import django_filters
import django_tables2 as tables
from django.db import IntegrityError
from django.urls import path

from campaign_site.accounts.models import Department, Membership
from campaign_site.generic.errors import DomainError
from campaign_site.generic.excel import CellError, Column
from campaign_site.generic.importing import Importer
from campaign_site.generic.views import ImportView, ObjectListView
from campaign_site.urls import urlpatterns as site_patterns


class DepartmentTable(tables.Table):
    name = tables.Column()
    organisation = tables.Column(accessor="organisation__name")
    internal_note = tables.Column(accessor="pk", visible=False)
    pk_plain = tables.Column(accessor="pk", verbose_name="编号")

    class Meta:
        model = Department
        fields = ("name", "organisation", "internal_note", "pk_plain")
        exclude_from_export = ("pk_plain",)


class DepartmentFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Department
        fields = ["name"]


class DepartmentListView(ObjectListView):
    model = Department
    table_class = DepartmentTable
    filterset_class = DepartmentFilterSet
    select_related = ("organisation",)


class DepartmentImporter(Importer):
    """Departments of the importing user's own school; a name used twice refuses the whole file."""

    title = "导入部门"
    template_filename = "部门"
    columns = [Column("name", "部门名称", aliases=("部门",))]

    def _school(self):
        m = Membership.objects.filter(user=self.user, is_active=True).select_related("organisation").first()
        return m.organisation

    def parse_name(self, value):
        text = (str(value).strip() if value is not None else "")
        if not text:
            raise CellError("必须填写")
        if len(text) > 60:
            raise CellError("太长")
        return text

    def check_rows(self, rows):
        seen = set()
        for row in rows:
            name = (row.cleaned or {}).get("name")
            if name in seen:
                row.errors.append("文件中重复")
            seen.add(name)

    def save(self, rows):
        school = self._school()
        for row in rows:
            try:
                Department.objects.create(organisation=school, name=row["name"])
            except IntegrityError:
                raise DomainError(f"部门“{row['name']}”已存在")
        return len(rows)


class DepartmentImportView(ImportView):
    importer_class = DepartmentImporter
    success_url_name = "test_departments"


urlpatterns = [
    path("test/departments/", DepartmentListView.as_view(), name="test_departments"),
    path("test/departments/import/", DepartmentImportView.as_view(), name="test_departments_import"),
] + site_patterns
