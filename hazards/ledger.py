"""The school's Excel hazard register (隐患治理台账): import and export in one layout.

Layout (header row; column order free, extra columns and title rows above it tolerated)::

    序号 排查时间 排查人 隐患部位 隐患名称 隐患等级 治理措施 完成时限 责任部门 责任人 复查人 复查结果 复查时间 摘牌销号时间

排查时间, 隐患部位, 隐患名称 and 完成时限 must be present; the others may be missing.

Rules of the import (the same in the web import and `manage.py import_hazards`):

- All rows or none. Every problem is reported with its Excel row number.
- 排查人, 责任人 and 复查人 are matched by name to the school's staff records (Person), 责任部门
  to the school's departments. An unknown name is a row error, unless "create the missing staff
  records" is ticked: then the person (without a login) or the department is created.
- Status: a row whose 复查结果 says the re-inspection passed (it contains 合格, 通过, 已整改,
  整改完成, 已完成, 已销号, 已处理 or 到位, and none of 不合格, 不通过, 未, 没有, 仍) carries history:
  it must name its re-inspector (复查人), someone other than the 责任人. A general hazard is then
  imported closed (销号) at its 复查时间, else its 完成时限, never later than now. A major hazard
  is closed only by the bureau: with the bureau's delisting date in 摘牌销号时间 it is imported
  closed at that date; without it, it is imported as awaiting the bureau's delisting (the bureau's
  re-inspection) and the bureau is told. Any other row is "rectifying" when it names a responsible
  person or department (the ledger already assigned the fix), else "registered"; an open major
  hazard is reported to the bureau like one registered in the app (one notice each, then the
  listing flow). A failed 复查结果 is kept. No date of a row (完成时限, 复查时间, 摘牌销号时间) is
  before its 排查时间. These rules live in `hazard_import_ledger`, whoever calls it.
- The table ends at its last data row: signature and date lines under it (负责人签字：, 制表人：,
  填报日期：…) are ignored and the preview lists them.
- Every imported hazard gets source "imported ledger", a number "<school code>-<year>-<seq>"
  (handed out in one locked step) and one timeline entry "imported from ledger".
- Duplicates: each row has a key "ledger:<school code>:<hash of 排查时间+隐患名称+隐患部位>". A row
  whose key was imported before, or whose date, name and location equal a hazard already in the
  school's register (however it got there), is skipped and reported as skipped, not as an error;
  so importing the same file twice, or an exported register, creates nothing twice. Two rows of
  one file with the same date, name and location are an error.
- Recurrence (屡查屡有) as in hazard_register: same location as a hazard of the school closed in
  the last 12 months (looked up once for the whole file, against the register before the import).
- Cells are read as values, never evaluated: "=1+1" is imported as the text "=1+1" and exported
  as text again.
"""
from __future__ import annotations

import datetime
import hashlib
import re
import unicodedata
from dataclasses import dataclass

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaign_site.accounts.models import Department, Organisation, OrgKind, Person, Role
from campaign_site.generic.errors import DomainError
from campaign_site.generic.excel import CellError, Column, parse_date, parse_text, write_xlsx
from campaign_site.generic.importing import Importer
from campaign_site.generic.models import TransitionLog
from campaign_site.generic.scoping import user_scope_paths
from campaign_site.notifications.services import notify

from .models import Hazard, HazardLevel, HazardSource, HazardStatus

COLUMNS = [
    Column("seq", "序号", aliases=("编号",), required=False),
    Column("found_on", "排查时间", aliases=("排查日期", "检查时间", "检查日期", "发现时间", "发现日期")),
    Column("found_by", "排查人", aliases=("检查人", "发现人"), required=False),
    Column("location", "隐患部位", aliases=("隐患位置", "隐患地点", "部位")),
    Column("title", "隐患名称", aliases=("隐患内容", "隐患描述", "存在问题", "存在的问题", "隐患")),
    Column("level", "隐患等级", aliases=("隐患级别", "等级", "级别"), required=False),
    Column("measures", "治理措施", aliases=("整改措施", "整治措施"), required=False),
    Column("deadline", "完成时限", aliases=("整改时限", "整改期限", "完成期限", "整改完成时限")),
    Column("department", "责任部门", aliases=("责任科室", "责任处室"), required=False),
    Column("person", "责任人", aliases=("整改责任人",), required=False),
    Column("reinspector", "复查人", aliases=("复查人员", "验收人"), required=False),
    Column("result", "复查结果", aliases=("复查情况", "验收结果", "复查意见"), required=False),
    Column("reinspected_on", "复查时间", aliases=("复查日期", "验收时间", "验收日期"), required=False),
    Column("delisted_on", "摘牌销号时间", aliases=("摘牌时间", "摘牌日期", "销号时间", "销号日期", "摘牌销号日期"),
           required=False),
]
HEADERS = [c.header for c in COLUMNS]

LEVELS = {"一般": HazardLevel.GENERAL, "一般隐患": HazardLevel.GENERAL, "重大": HazardLevel.MAJOR,
          "重大隐患": HazardLevel.MAJOR, "general": HazardLevel.GENERAL, "major": HazardLevel.MAJOR}
LEVEL_TEXT = {HazardLevel.GENERAL: "一般", HazardLevel.MAJOR: "重大"}
PASS_WORDS = ("合格", "通过", "已整改", "整改完成", "整改完毕", "已完成", "已销号", "已处理", "到位")
FAIL_WORDS = ("不合格", "不通过", "未", "没有", "仍", "尚")
NAME_SEPARATORS = re.compile(r"[、,，/;；\s]+")
IMPORT_SCHOOL_ROLES = (Role.SAFETY_OFFICER, Role.PRINCIPAL)
IMPORT_BUREAU_ROLES = (Role.BUREAU_SAFETY, Role.ADMIN)
BATCH = 1000


# -- helpers ---------------------------------------------------------------------------------


def result_passed(text: str) -> bool:
    """Does a 复查结果 say the re-inspection passed? (See the module docstring.)"""
    text = unicodedata.normalize("NFKC", text or "").replace(" ", "")
    if not text:
        return False
    return any(w in text for w in PASS_WORDS) and not any(w in text for w in FAIL_WORDS)


def row_problem(row: dict) -> str:
    """The history rules of a ledger row (module docstring); "" when the row is acceptable.
    Asked by the preview (as a row error) and by hazard_import_ledger (whoever calls it)."""
    found_on = row.get("found_on")
    for key, label in (("deadline", "完成时限"), ("reinspected_on", "复查时间"), ("delisted_on", "摘牌销号时间")):
        value = row.get(key)
        if found_on is not None and value is not None and value < found_on:
            return _("The %(column)s is before the date found (排查时间); please check the dates.") % {"column": label}
    today = timezone.localdate()
    for key, label in (("reinspected_on", "复查时间"), ("delisted_on", "摘牌销号时间")):
        if row.get(key) is not None and row[key] > today:
            return _("The %(column)s is after today; please check the date.") % {"column": label}
    passed = result_passed(row.get("result") or "")
    if row.get("delisted_on") is not None:
        if (row.get("level") or HazardLevel.GENERAL) != HazardLevel.MAJOR:
            return _("Only a major hazard is delisted by the bureau; leave 摘牌销号时间 empty for a general one.")
        if not passed:
            return _("摘牌销号时间 is filled in but 复查结果 does not say the re-inspection passed; please check the row.")
        if row.get("reinspected_on") is not None and row["delisted_on"] < row["reinspected_on"]:
            return _("The bureau's delisting (摘牌销号时间) is before the school's re-inspection (复查时间); please check the dates.")
    if passed:
        reinspector = (row.get("reinspector") or "").strip()
        if not reinspector:
            return _("The re-inspection passed but nobody is named in 复查人: a hazard is closed only after "
                     "someone re-inspected it. Name the re-inspector, or clear 复查结果 to import it as open.")
        if reinspector == (row.get("person") or "").strip():
            return _("The re-inspector (复查人) is the person responsible for the fix (责任人); the re-inspection "
                     "must be done by someone else.")
    return ""


def ledger_key(school: Organisation, found_on: datetime.date, title: str, location: str) -> str:
    digest = hashlib.sha1(f"{found_on.isoformat()}|{title}|{location}".encode()).hexdigest()[:20]
    return f"ledger:{school.code}:{digest}"


def importable_schools(user):
    """Schools `user` may import a ledger for: as its safety officer or principal, or as bureau
    safety staff / administrator of a bureau above it."""
    qs = Organisation.objects.filter(kind=OrgKind.SCHOOL, is_active=True).order_by("path")
    if user is None:
        return qs
    paths = user_scope_paths(user)
    if paths is None:
        return qs
    school_paths, bureau_paths = set(), set()
    for m in user.memberships.filter(is_active=True).select_related("organisation"):
        if m.role in IMPORT_SCHOOL_ROLES and m.organisation.kind == OrgKind.SCHOOL:
            school_paths.add(m.organisation.path)
        elif m.role in IMPORT_BUREAU_ROLES and m.organisation.kind != OrgKind.SCHOOL:
            bureau_paths.add(m.organisation.path)
    if not school_paths and not bureau_paths:
        return qs.none()
    from django.db.models import Q

    q = Q(path__in=school_paths)
    for path in bureau_paths:
        q |= Q(path__startswith=path)
    return qs.filter(q)


def can_import_for(user, school: Organisation) -> bool:
    """`user` None is the system (the management command run by the bureau's IT staff)."""
    if user is None or getattr(user, "is_superuser", False):
        return True
    # roles_at() counts memberships at the school or at a bureau above it; bureau roles exist
    # only at bureaus and school roles only at schools.
    return user.has_role(school, *IMPORT_SCHOOL_ROLES, *IMPORT_BUREAU_ROLES)


def _single_name(value, *, max_length=60) -> str:
    text = parse_text(value, max_length=max_length)
    if text and len(NAME_SEPARATORS.split(text)) > 1:
        raise CellError(_("“%(text)s” looks like more than one name; please give only one.") % {"text": text})
    return text


# -- the service -----------------------------------------------------------------------------


@dataclass
class LedgerImportOutcome:
    created: int
    skipped: int
    people_created: int
    departments_created: int


def _existing_signatures(school: Organisation) -> tuple[set[str], set[tuple]]:
    keys = set(Hazard.objects.filter(organisation=school, finding_key__startswith=f"ledger:{school.code}:")
               .values_list("finding_key", flat=True))
    triples = set(Hazard.objects.filter(organisation=school).values_list("found_on", "title", "location"))
    return keys, triples


def hazard_import_ledger(*, organisation: Organisation, actor, rows: list[dict],
                         create_missing: bool = False) -> LedgerImportOutcome:
    """Import ledger rows (as parsed by LedgerImporter) into `organisation`'s register.

    One transaction, all rows or none (DomainError). Bulk: numbers for all rows are handed out in
    one step under the school's row lock; hazards, their history and their timeline entries are
    written with bulk inserts. `actor` None means the system (management command)."""
    if not organisation.is_school:
        raise DomainError(_("Hazards are registered against a school, not a bureau."))
    if actor is not None and not can_import_for(actor, organisation):
        raise DomainError(_("You may not import a hazard register for %(school)s.") % {"school": organisation})
    today = timezone.localdate()
    now = timezone.now()
    note = _("Imported from ledger")

    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        keys, triples = _existing_signatures(organisation)

        # Rules that hold whatever the entry point; skip what is already there.
        todo, skipped, seen = [], 0, set()
        for i, row in enumerate(rows, start=1):
            where = row.get("row_number") or i
            title, location = (row.get("title") or "").strip(), (row.get("location") or "").strip()
            found_on, deadline = row.get("found_on"), row.get("deadline")
            if not title or not location or found_on is None or deadline is None:
                raise DomainError(_("Row %(row)s: the hazard, its location, the date found and the deadline are required.")
                                  % {"row": where})
            if deadline < found_on:
                raise DomainError(_("Row %(row)s: the deadline cannot be before the date the hazard was found.")
                                  % {"row": where})
            if found_on > today:
                raise DomainError(_("Row %(row)s: the date found cannot be in the future.") % {"row": where})
            problem = row_problem(row)
            if problem:
                raise DomainError(_("Row %(row)s: %(problem)s") % {"row": where, "problem": problem})
            key = ledger_key(organisation, found_on, title, location)
            if key in keys or (found_on, title, location) in triples:
                skipped += 1
                continue
            if key in seen:
                raise DomainError(_("Row %(row)s repeats an earlier row (same date, hazard and location).")
                                  % {"row": where})
            seen.add(key)
            todo.append((key, row))

        # Names -> staff records and departments of this school.
        departments = {d.name: d for d in Department.objects.filter(organisation=organisation)}
        people: dict[str, Person] = {}
        for p in Person.objects.filter(organisation=organisation).order_by("pk"):
            people.setdefault(p.name, p)
        departments_created = people_created = 0
        for _key, row in todo:
            name = row.get("department") or ""
            if name and name not in departments:
                if not create_missing:
                    raise DomainError(_("Unknown department “%(name)s”.") % {"name": name})
                departments[name] = Department.objects.create(organisation=organisation, name=name)
                departments_created += 1
        for _key, row in todo:
            for field in ("found_by", "person", "reinspector"):
                name = row.get(field) or ""
                if name and name not in people:
                    if not create_missing:
                        raise DomainError(_("Unknown staff member “%(name)s”.") % {"name": name})
                    dept = departments.get(row.get("department") or "") if field == "person" else None
                    people[name] = Person.objects.create(organisation=organisation, name=name, department=dept)
                    people_created += 1

        # Recurrence: same location as a hazard closed in the last 12 months.
        recent_closed: dict[str, Hazard] = {}
        locations = {row["location"].strip().lower() for _k, row in todo}
        if locations:
            for h in (Hazard.objects.filter(organisation=organisation, status=HazardStatus.CLOSED,
                                            closed_at__gte=now - datetime.timedelta(days=365))
                      .order_by("closed_at", "pk").only("pk", "location")):
                loc = h.location.strip().lower()
                if loc in locations:
                    recent_closed[loc] = h

        # Numbers: the next free seq of each year, taken once under the lock.
        years = {row["found_on"].year for _k, row in todo}
        next_seq = {
            y: (Hazard.objects.filter(organisation=organisation, year=y).aggregate(m=Max("seq"))["m"] or 0) + 1
            for y in years
        }

        hazards = []
        for key, row in todo:
            year = row["found_on"].year
            seq = next_seq[year]
            next_seq[year] += 1
            result = (row.get("result") or "").strip()
            passed = result_passed(result)
            dept = departments.get(row.get("department") or "")
            person = people.get(row.get("person") or "")
            reinspector = people.get(row.get("reinspector") or "")
            reinspected_on = row.get("reinspected_on")
            level = row.get("level") or HazardLevel.GENERAL
            delisted_at = closed_at = None
            if passed and level == HazardLevel.MAJOR and row.get("delisted_on") is None:
                status = HazardStatus.AWAITING_DELISTING  # the bureau alone closes a major hazard
            elif passed:
                status = HazardStatus.CLOSED
                closed_day = row.get("delisted_on") or reinspected_on or row["deadline"]
                closed_at = min(timezone.make_aware(datetime.datetime.combine(closed_day, datetime.time(12))), now)
                if level == HazardLevel.MAJOR:
                    delisted_at = closed_at
            else:
                status = HazardStatus.RECTIFYING if (person or dept) else HazardStatus.REGISTERED
            earlier = recent_closed.get(row["location"].strip().lower())
            hazards.append(Hazard(
                organisation=organisation, number=f"{organisation.code}-{year}-{seq:04d}", year=year, seq=seq,
                title=row["title"].strip(), location=row["location"].strip(), found_on=row["found_on"],
                found_by=people.get(row.get("found_by") or ""), source=HazardSource.LEDGER,
                level=level, measures=row.get("measures") or "",
                deadline=row["deadline"], responsible_department=dept or (person.department if person else None),
                responsible_person=person, reinspection_result=result, reinspected_by=reinspector,
                reinspected_on=reinspected_on, status=status, closed_at=closed_at, delisted_at=delisted_at,
                finding_key=key,
                created_by=actor, is_recurring=earlier is not None, recurring_of=earlier,
            ))
        if not hazards:
            return LedgerImportOutcome(0, skipped, people_created, departments_created)

        from simple_history.utils import bulk_create_with_history

        created = bulk_create_with_history(hazards, Hazard, batch_size=BATCH, default_user=actor,
                                           default_change_reason=note)
        ct = ContentType.objects.get_for_model(Hazard)
        TransitionLog.objects.bulk_create(
            [TransitionLog(content_type=ct, object_id=h.pk, organisation_id=organisation.pk, name="import",
                           from_state="", to_state=h.status, actor=actor, note=note) for h in created],
            batch_size=BATCH,
        )
        # Major hazards go to the bureau like those registered in the app: one notice each, with
        # the same key as the register's, then the listing / delisting flow on the hazard's page.
        if organisation.parent_id:
            for h in created:
                if h.level != HazardLevel.MAJOR or h.status == HazardStatus.CLOSED:
                    continue
                if h.status == HazardStatus.AWAITING_DELISTING:
                    notify(
                        key=f"hazard:{h.pk}:delisting:import",
                        title=_("%(school)s imported a major hazard to delist: %(title)s")
                        % {"school": organisation, "title": h.title},
                        body=_("%(number)s: the school's ledger records a passed re-inspection but no delisting by "
                               "the bureau. Please re-inspect and delist it, or refuse.") % {"number": h.number},
                        url=h.get_absolute_url(), level="warning", organisation=organisation.parent,
                        roles=[Role.BUREAU_SAFETY],
                    )
                else:
                    notify(
                        key=f"hazard:{h.pk}:major",
                        title=_("Major hazard reported by %(school)s: %(title)s")
                        % {"school": organisation, "title": h.title},
                        body=_("%(number)s at %(location)s, deadline %(deadline)s. Please consider listed supervision.")
                        % {"number": h.number, "location": h.location, "deadline": h.deadline},
                        url=h.get_absolute_url(), level="danger", organisation=organisation.parent,
                        roles=[Role.BUREAU_SAFETY],
                    )
    return LedgerImportOutcome(len(created), skipped, people_created, departments_created)


# -- the importer (web preview and management command) -------------------------------------


class LedgerOptionsForm(forms.Form):
    school = forms.ModelChoiceField(label=gettext_lazy("School"), queryset=Organisation.objects.none())
    create_missing = forms.BooleanField(
        label=gettext_lazy("Create the missing staff records and departments"), required=False,
        help_text=gettext_lazy("Names in 排查人, 责任人, 复查人 and 责任部门 that the school does not have yet "
                               "are created (staff without a login) instead of being reported as errors."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = importable_schools(user)


class LedgerImporter(Importer):
    columns = COLUMNS
    title = gettext_lazy("Import a hazard register (Excel)")
    template_filename = "隐患治理台账模板"
    options_form_class = LedgerOptionsForm
    max_rows = 20000
    example_rows = [
        [1, datetime.date(2019, 7, 15), "张三", "实验楼二楼化学药品室", "危险化学品未分柜存放", "一般",
         "按性质分柜隔离存放", datetime.date(2019, 7, 20), "总务处", "李四", "王五", "合格", datetime.date(2019, 7, 21),
         None],
    ]

    @classmethod
    def can_import(cls, user) -> bool:
        return importable_schools(user).exists()

    @classmethod
    def restore_options(cls, raw: dict, *, user) -> dict:
        school = importable_schools(user).filter(pk=raw.get("school")).first()
        return {"school": school, "create_missing": bool(raw.get("create_missing"))}

    @property
    def school(self) -> Organisation | None:
        return self.options.get("school")

    @property
    def create_missing(self) -> bool:
        return bool(self.options.get("create_missing"))

    # lookups for all rows at once
    def prepare(self, rows):
        school = self.school
        if school is None:
            raise DomainError(_("Please choose the school."))
        self.today = timezone.localdate()
        self.departments = set(Department.objects.filter(organisation=school).values_list("name", flat=True))
        self.people = set(Person.objects.filter(organisation=school).values_list("name", flat=True))
        self.keys, self.triples = _existing_signatures(school)

    # cells
    def parse_seq(self, value):
        return None

    def parse_found_on(self, value):
        return parse_date(value)

    def parse_deadline(self, value):
        return parse_date(value)

    def parse_reinspected_on(self, value):
        return None if value in (None, "") else parse_date(value)

    def parse_delisted_on(self, value):
        return None if value in (None, "") else parse_date(value)

    def parse_title(self, value):
        return parse_text(value, max_length=200, required=True)

    def parse_location(self, value):
        return parse_text(value, max_length=200, required=True)

    def parse_measures(self, value):
        return parse_text(value, max_length=5000)

    def parse_result(self, value):
        return parse_text(value, max_length=5000)

    def parse_level(self, value):
        text = parse_text(value)
        if not text:
            return HazardLevel.GENERAL
        level = LEVELS.get(text.replace(" ", "").lower())
        if level is None:
            raise CellError(_("“%(text)s” is not a hazard level; please write 一般 (general) or 重大 (major).") % {"text": text})
        return level

    def parse_department(self, value):
        name = _single_name(value)
        if name and name not in self.departments and not self.create_missing:
            raise CellError(_("The school has no department “%(name)s”. Add it first, or tick “Create the missing staff records and departments”.") % {"name": name})
        return name

    def _person(self, value):
        name = _single_name(value)
        if name and name not in self.people and not self.create_missing:
            raise CellError(_("The school has no staff member “%(name)s”. Check the name, or tick “Create the missing staff records and departments”.") % {"name": name})
        return name

    parse_found_by = _person
    parse_person = _person
    parse_reinspector = _person

    def clean_row(self, cleaned):
        if cleaned["deadline"] < cleaned["found_on"]:
            raise CellError(_("The deadline (完成时限) is before the date found (排查时间); please check the dates."))
        if cleaned["found_on"] > self.today:
            raise CellError(_("The date found (排查时间) is after today; please check the date."))
        problem = row_problem(cleaned)
        if problem:
            raise CellError(problem)
        return cleaned

    def check_rows(self, rows):
        first_row: dict[str, int] = {}
        for row in rows:
            row.skipped = False
            c = row.cleaned
            if c is None:
                continue
            key = ledger_key(self.school, c["found_on"], c["title"], c["location"])
            c["row_number"] = row.number
            if key in self.keys or (c["found_on"], c["title"], c["location"]) in self.triples:
                row.skipped = True
                c["skip"] = True
                continue
            if key in first_row:
                row.errors.append(_("Same date found, hazard and location as row %(row)d; merge or delete one of the two rows.") % {"row": first_row[key]})
                continue
            first_row[key] = row.number

    def save(self, rows):
        outcome = hazard_import_ledger(
            organisation=self.school, actor=self.user if getattr(self.user, "pk", None) else None,
            rows=[r for r in rows if not r.get("skip")], create_missing=self.create_missing,
        )
        self.outcome = outcome
        return outcome.created


# -- export ----------------------------------------------------------------------------------


def ledger_queryset(school: Organisation, user=None):
    qs = Hazard.objects.filter(organisation=school)
    if user is not None:
        qs = qs.visible_to(user)
    return qs.select_related("found_by", "responsible_department", "responsible_person", "reinspected_by") \
        .order_by("found_on", "pk")


def export_result_text(hazard: Hazard) -> str:
    """复查结果 as exported: a closed hazard always reads as passed, so it imports closed again."""
    text = hazard.reinspection_result or ""
    if hazard.status == HazardStatus.CLOSED and not result_passed(text):
        return f"合格（{text}）" if text else "合格"
    return text


def ledger_rows(queryset):
    for n, h in enumerate(queryset.iterator(chunk_size=2000), start=1):
        yield [
            n, h.found_on, h.found_by.name if h.found_by else "", h.location, h.title, LEVEL_TEXT.get(h.level, ""),
            h.measures, h.deadline, h.responsible_department.name if h.responsible_department else "",
            h.responsible_person.name if h.responsible_person else "",
            h.reinspected_by.name if h.reinspected_by else "", export_result_text(h), h.reinspected_on,
            timezone.localdate(h.delisted_at) if h.delisted_at and h.status == HazardStatus.CLOSED else None,
        ]


def ledger_write(fileobj, *, school: Organisation, user=None) -> int:
    """Write the school's register as .xlsx in the import layout; returns the number of rows."""
    qs = ledger_queryset(school, user)
    count = 0

    def counted():
        nonlocal count
        for row in ledger_rows(qs):
            count += 1
            yield row

    widths = [6, 12, 10, 24, 36, 8, 36, 12, 12, 10, 10, 16, 12, 14]
    write_xlsx(fileobj, headers=HEADERS, rows=counted(), title=_("%(school)s hazard register") % {"school": school.name},
               sheet_name="隐患治理台账", column_widths=widths)
    return count
