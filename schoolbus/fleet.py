"""The school's fleet in Excel (校车台账 / 驾驶员台账): import and export of vehicles and drivers in
one layout each, through the core's engine (generic/excel.py, generic/importing.py).

Rules of the import (the same in the web import and `manage.py import_fleet`):

- All rows or none; every problem is reported with its Excel row number. The rules are the
  services' (`vehicle_create`, `driver_create`): a plate like 豫A12345, at least 7 seats, an
  assembled vehicle or one below the school bus standard never "in service", an 18-character ID
  number with its check digit. They are checked in the preview, row by row, and again on saving.
- A vehicle is known by its plate (unique nationwide), a driver by the ID number within the school.
  A row for a record the school already has is skipped (shown, not written again), so importing an
  exported file creates nothing twice; a plate on file at another school is a row error, as are
  two rows of one file for the same plate or ID number.
- 是/否 columns read 是, 有, √, Y, yes, 1 as yes and 否, 无, ×, N, no, 0 or an empty cell as no.
- The export writes the same columns, so a file exported from one school imports as it is.
"""
from __future__ import annotations

import datetime
import unicodedata

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaign_site.accounts.models import Organisation
from campaign_site.generic.errors import DomainError
from campaign_site.generic.excel import CellError, Column, parse_choice, parse_date, parse_text, write_xlsx
from campaign_site.generic.importing import Importer

from . import permissions, services
from .models import Driver, LicenceClass, Vehicle, VehicleStatus

YES = {"是", "有", "√", "✓", "y", "yes", "true", "1", "配备", "符合"}
NO = {"否", "无", "×", "✗", "n", "no", "false", "0", "未配备", "不符合", ""}

STATUS_LABELS = {"在用": VehicleStatus.IN_SERVICE, "停用": VehicleStatus.SUSPENDED, "报废": VehicleStatus.SCRAPPED,
                 "in service": VehicleStatus.IN_SERVICE, "suspended": VehicleStatus.SUSPENDED,
                 "scrapped": VehicleStatus.SCRAPPED}
STATUS_TEXT = {VehicleStatus.IN_SERVICE: "在用", VehicleStatus.SUSPENDED: "停用", VehicleStatus.SCRAPPED: "报废"}

VEHICLE_COLUMNS = [
    Column("plate", "车牌号", aliases=("车牌号码", "号牌号码", "车牌")),
    Column("operator", "所有人/运营单位", aliases=("车辆所有人", "运营单位", "所有人", "车主")),
    Column("make_model", "品牌型号", aliases=("厂牌型号", "车辆型号")),
    Column("seats", "核定座位数", aliases=("核载人数", "座位数", "核定载客")),
    Column("meets_standard", "符合校车标准", aliases=("专用校车",), required=False),
    Column("is_assembled", "拼装车", required=False),
    Column("registered_on", "注册登记日期", aliases=("注册日期", "登记日期")),
    Column("permit_number", "校车使用许可证号", aliases=("许可证号", "校车标牌号"), required=False),
    Column("permit_office", "许可发证机关", aliases=("发证机关",), required=False),
    Column("permit_route", "许可线路", aliases=("行驶线路",), required=False),
    Column("permit_valid_until", "许可有效期至", aliases=("许可有效期",), required=False),
    Column("inspected_on", "最近安全技术检验日期", aliases=("检验日期", "年检日期", "最近检验日期"), required=False),
    Column("insurer", "承运人责任险保险公司", aliases=("保险公司",), required=False),
    Column("insurance_valid_until", "保险有效期至", aliases=("保险到期日", "保险有效期"), required=False),
    Column("escape_hammer", "安全锤", required=False),
    Column("extinguisher", "灭火器", required=False),
    Column("first_aid_kit", "急救箱", required=False),
    Column("satellite_locator", "卫星定位装置", aliases=("GPS", "北斗定位"), required=False),
    Column("status", "状态", aliases=("车辆状态", "使用状态"), required=False),
]

DRIVER_COLUMNS = [
    Column("name", "姓名", aliases=("驾驶人", "驾驶员")),
    Column("id_number", "身份证号", aliases=("身份证号码", "公民身份号码")),
    Column("phone", "联系电话", aliases=("电话", "手机"), required=False),
    Column("birth_date", "出生日期", required=False),
    Column("licence_class", "准驾车型"),
    Column("licence_since", "初次领取该准驾车型日期", aliases=("初领日期", "准驾车型初领日期")),
    Column("endorsement_valid_until", "校车驾驶资格有效期至", aliases=("校车驾驶资格有效期",), required=False),
    Column("health_checked_on", "最近体检日期", aliases=("体检日期",), required=False),
    Column("records_checked_on", "记录核查日期", aliases=("核查日期",), required=False),
    Column("full_point_cycles", "近三个记分周期满分次数", aliases=("满分次数",), required=False),
    Column("serious_accident", "致人死亡或重伤责任事故", aliases=("重大事故",), required=False),
    Column("drink_driving", "饮酒或醉酒驾驶", aliases=("酒驾醉驾",), required=False),
    Column("overload_speeding_last_year", "近一年超员或超速", aliases=("超员超速",), required=False),
    Column("criminal_record", "犯罪记录", required=False),
    Column("is_active", "在岗", required=False),
]

VEHICLE_BOOLEANS = ("meets_standard", "is_assembled", "escape_hammer", "extinguisher", "first_aid_kit",
                    "satellite_locator")
DRIVER_BOOLEANS = ("serious_accident", "drink_driving", "overload_speeding_last_year", "criminal_record", "is_active")
# Missing columns or empty cells: what a blank means for a tick-box column.
BOOLEAN_DEFAULTS = {"meets_standard": True, "is_active": True}


def parse_yes_no(value, default: bool = False) -> bool:
    if isinstance(value, bool):
        return value
    text = unicodedata.normalize("NFKC", parse_text(value)).strip().casefold()
    if text == "":
        return default
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellError(_("“%(value)s” is not 是 or 否.") % {"value": value})


def _optional_date(value):
    return None if value in (None, "") else parse_date(value)


def _domain(callable_, *args):
    """Run a service rule on one cell; its DomainError becomes the cell's error."""
    try:
        return callable_(*args)
    except DomainError as exc:
        raise CellError(exc.message) from None


class FleetOptionsForm(forms.Form):
    school = forms.ModelChoiceField(label=gettext_lazy("School"), queryset=Organisation.objects.none())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = permissions.schools_managed_by(user) if user is not None \
            else Organisation.objects.none()


class FleetImporter(Importer):
    """Common part: the school option, booleans, dates, duplicates within the file and in the school."""

    options_form_class = FleetOptionsForm
    max_rows = 2000
    booleans: tuple = ()
    key_field = ""
    model = None

    @classmethod
    def can_import(cls, user) -> bool:
        return user.is_authenticated and permissions.schools_managed_by(user).exists()

    @classmethod
    def restore_options(cls, raw: dict, *, user) -> dict:
        return {"school": permissions.schools_managed_by(user).filter(pk=raw.get("school")).first()}

    @property
    def school(self) -> Organisation | None:
        return self.options.get("school")

    @property
    def actor(self):
        return self.user if getattr(self.user, "pk", None) else None

    def parse_cell(self, column, value):
        if column.key in self.booleans:
            return parse_yes_no(value, BOOLEAN_DEFAULTS.get(column.key, False))
        if column.key.endswith(("_on", "_until", "_since", "_date")):
            return parse_date(value) if column.required else _optional_date(value)
        return super().parse_cell(column, value)

    def prepare(self, rows):
        if self.school is None:
            raise DomainError(_("Please choose the school."))
        self.existing = self.existing_keys()

    def existing_keys(self) -> dict:
        raise NotImplementedError

    def check_rows(self, rows):
        first: dict[str, int] = {}
        for row in rows:
            c = row.cleaned
            if c is None:
                continue
            key = c[self.key_field]
            owner = self.existing.get(key)
            if owner is not None and owner != self.school.pk:
                row.errors.append(_("%(key)s is on file at another school; it cannot be imported here.")
                                  % {"key": key})
                continue
            if key in first:
                row.errors.append(_("Same %(what)s as row %(row)d; keep one of the two rows.")
                                  % {"what": self.columns[[col.key for col in self.columns].index(self.key_field)]
                                     .header, "row": first[key]})
                continue
            first[key] = row.number
            c["row_number"] = row.number
            if owner is not None:
                row.skipped = True
                c["skip"] = True

    def save(self, rows):
        saved = 0
        for c in rows:
            if c.get("skip"):
                continue
            number = c.pop("row_number")
            try:
                self.create(c)
            except DomainError as exc:
                raise DomainError(_("row %(row)d: %(error)s") % {"row": number, "error": exc.message}) from None
            saved += 1
        return saved


class VehicleImporter(FleetImporter):
    columns = VEHICLE_COLUMNS
    title = gettext_lazy("Import school buses (Excel)")
    template_filename = "校车台账模板"
    booleans = VEHICLE_BOOLEANS
    key_field = "plate"
    example_rows = [["豫A12345", "郑州校车服务有限公司", "宇通 ZK6609DX", 19, "是", "否", datetime.date(2023, 1, 5),
                     "豫校车2023001", "金水区教育局", "实验小学—花园路", datetime.date(2027, 1, 4),
                     datetime.date(2026, 1, 10), "中国人保", datetime.date(2026, 12, 31), "有", "有", "有", "有", "在用"]]

    def existing_keys(self):
        return dict(Vehicle.objects.values_list("plate", "organisation_id"))

    def parse_plate(self, value):
        return _domain(services.normalise_plate, parse_text(value, required=True))

    def parse_operator(self, value):
        return parse_text(value, max_length=120, required=True)

    def parse_make_model(self, value):
        return parse_text(value, max_length=120, required=True)

    def parse_seats(self, value):
        text = parse_text(value, required=True)
        if not text.isdigit():
            raise CellError(_("“%(value)s” is not a whole number of seats.") % {"value": text})
        return int(text)

    def parse_status(self, value):
        text = parse_text(value)
        return parse_choice(text, STATUS_LABELS) if text else VehicleStatus.SUSPENDED

    def clean_row(self, cleaned):
        for name in ("permit_number", "permit_office", "permit_route", "insurer"):
            cleaned[name] = parse_text(cleaned.get(name), max_length=200)
        vehicle = Vehicle(organisation=self.school, **cleaned)
        _domain(services.check_vehicle, vehicle)
        return cleaned

    def create(self, fields):
        services.vehicle_create(organisation=self.school, actor=self.actor, **fields)


class DriverImporter(FleetImporter):
    columns = DRIVER_COLUMNS
    title = gettext_lazy("Import school bus drivers (Excel)")
    template_filename = "校车驾驶人台账模板"
    booleans = DRIVER_BOOLEANS
    key_field = "id_number"
    example_rows = [["张建国", "410105198005170012", "13800138000", datetime.date(1980, 5, 17), "A1",
                     datetime.date(2008, 3, 1), datetime.date(2027, 6, 30), datetime.date(2026, 1, 8),
                     datetime.date(2026, 1, 8), 0, "否", "否", "否", "否", "是"]]

    def existing_keys(self):
        # ID numbers are unique per school: another school's driver of the same ID is not this one.
        return {key: self.school.pk for key in
                Driver.objects.filter(organisation=self.school).values_list("id_number", flat=True)}

    def parse_name(self, value):
        return parse_text(value, max_length=60, required=True)

    def parse_id_number(self, value):
        return _domain(services.check_id_number, parse_text(value, required=True))

    def parse_phone(self, value):
        return parse_text(value, max_length=20)

    def parse_licence_class(self, value):
        return parse_choice(parse_text(value).upper(), {c.value: c.value for c in LicenceClass})

    def parse_full_point_cycles(self, value):
        text = parse_text(value)
        if text == "":
            return 0
        if not text.isdigit() or int(text) > 3:
            raise CellError(_("Write 0, 1, 2 or 3."))
        return int(text)

    def clean_row(self, cleaned):
        born = services.birth_date_from_id(cleaned["id_number"])
        if cleaned.get("birth_date") is None:
            cleaned["birth_date"] = born
        elif cleaned["birth_date"] != born:
            raise CellError(_("出生日期 %(date)s differs from the one in the ID number (%(id_date)s).")
                            % {"date": cleaned["birth_date"].isoformat(), "id_date": born.isoformat()})
        return cleaned

    def create(self, fields):
        services.driver_create(organisation=self.school, actor=self.actor, **fields)


IMPORTERS = {"vehicles": VehicleImporter, "drivers": DriverImporter}


# -- export ----------------------------------------------------------------------------------


def _yes(value: bool) -> str:
    return "是" if value else "否"


def vehicle_rows(queryset):
    for v in queryset.order_by("plate").iterator(chunk_size=500):
        yield [v.plate, v.operator, v.make_model, v.seats, _yes(v.meets_standard), _yes(v.is_assembled),
               v.registered_on, v.permit_number, v.permit_office, v.permit_route, v.permit_valid_until, v.inspected_on,
               v.insurer, v.insurance_valid_until, _yes(v.escape_hammer), _yes(v.extinguisher), _yes(v.first_aid_kit),
               _yes(v.satellite_locator), STATUS_TEXT[v.status]]


def driver_rows(queryset):
    for d in queryset.order_by("name", "pk").iterator(chunk_size=500):
        yield [d.name, d.id_number, d.phone, d.birth_date, d.licence_class, d.licence_since, d.endorsement_valid_until,
               d.health_checked_on, d.records_checked_on, d.full_point_cycles, _yes(d.serious_accident),
               _yes(d.drink_driving), _yes(d.overload_speeding_last_year), _yes(d.criminal_record), _yes(d.is_active)]


def fleet_write(fileobj, *, school: Organisation, kind: str) -> int:
    """Write the school's vehicles or drivers as .xlsx in the import layout; returns the row count."""
    if kind == "vehicles":
        qs, columns, rows, title = Vehicle.objects.filter(organisation=school), VEHICLE_COLUMNS, vehicle_rows, \
            _("%(school)s school buses") % {"school": school.name}
    else:
        qs, columns, rows, title = Driver.objects.filter(organisation=school), DRIVER_COLUMNS, driver_rows, \
            _("%(school)s school bus drivers") % {"school": school.name}
    count = 0

    def counted():
        nonlocal count
        for row in rows(qs):
            count += 1
            yield row

    write_xlsx(fileobj, headers=[c.header for c in columns], rows=counted(), title=title,
               sheet_name="校车台账" if kind == "vehicles" else "驾驶人台账")
    return count
