"""Roster import: schools and users from an Excel (.xlsx) or CSV file, all rows or none.

School types and roles are accepted by their Chinese names (and common short forms); the
organisation named in each row must be below the importing bureau manager.
New users get a generated initial password, shown once on the result page.
"""
from __future__ import annotations

from collections import Counter

from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaign_site.generic.errors import DomainError
from campaign_site.generic.excel import CellError, Column, parse_text
from campaign_site.generic.importing import Importer

from . import selectors, services
from .models import Department, Organisation, OrgKind, Role, SchoolType, User
from .permissions import BUREAU_ROLES, SCHOOL_ROLES, is_manager

# The spreadsheet's own vocabulary (data, not interface strings): label -> value.
SCHOOL_TYPE_LABELS = {
    "幼儿园": SchoolType.KINDERGARTEN,
    "小学": SchoolType.PRIMARY,
    "初级中学": SchoolType.JUNIOR,
    "高级中学": SchoolType.SENIOR,
    "完全中学": SchoolType.COMPLETE,
    "九年一贯制学校": SchoolType.NINE_YEAR,
    "中等职业学校": SchoolType.VOCATIONAL,
    "特殊教育学校": SchoolType.SPECIAL,
}
SCHOOL_TYPE_ALIASES = {
    "初中": SchoolType.JUNIOR, "高中": SchoolType.SENIOR, "九年制学校": SchoolType.NINE_YEAR,
    "九年一贯制": SchoolType.NINE_YEAR, "职业学校": SchoolType.VOCATIONAL, "中职": SchoolType.VOCATIONAL,
    "职业高中": SchoolType.VOCATIONAL, "特殊学校": SchoolType.SPECIAL, "特教学校": SchoolType.SPECIAL,
    "十二年一贯制学校": SchoolType.COMPLETE,
}
ROLE_LABELS = {
    "安全员": Role.SAFETY_OFFICER,
    "责任人": Role.RESPONSIBLE_PERSON,
    "危化品保管员": Role.LAB_CUSTODIAN,
    "校长": Role.PRINCIPAL,
    "其他负责人": Role.OTHER_LEADER,
    "教师": Role.TEACHER,
    "实验室主任": Role.LAB_HEAD,
    "校车管理员": Role.TRANSPORT_OFFICER,
    "教育局安全科": Role.BUREAU_SAFETY,
    "督查组": Role.BUREAU_INSPECTOR,
    "教育局领导": Role.BUREAU_LEADER,
    "管理员": Role.ADMIN,
}
ROLE_ALIASES = {
    "安全管理员": Role.SAFETY_OFFICER, "专职安全员": Role.SAFETY_OFFICER, "整改责任人": Role.RESPONSIBLE_PERSON,
    "保管员": Role.LAB_CUSTODIAN, "实验室保管员": Role.LAB_CUSTODIAN, "园长": Role.PRINCIPAL,
    "主要负责人": Role.PRINCIPAL, "副校长": Role.OTHER_LEADER, "副园长": Role.OTHER_LEADER,
    "安全科": Role.BUREAU_SAFETY, "督查员": Role.BUREAU_INSPECTOR, "局领导": Role.BUREAU_LEADER,
    "任课教师": Role.TEACHER, "化学教师": Role.TEACHER, "实验员": Role.LAB_CUSTODIAN,
    "校车安全管理员": Role.TRANSPORT_OFFICER, "校车专管员": Role.TRANSPORT_OFFICER,
}
ROLE_SEPARATORS = "、,，;；/ "


def _norm(text: str) -> str:
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def _lookup(value: str, labels: dict, aliases: dict, english):
    """Label -> value by Chinese label, common alias, English label or the internal value."""
    wanted = _norm(value)
    for table in (labels, aliases):
        for label, key in table.items():
            if _norm(label) == wanted:
                return key
    for key, label in english:
        if wanted in (_norm(str(key)), _norm(str(label))):
            return key
    return None


class RosterImporter(Importer):
    @classmethod
    def can_import(cls, user) -> bool:
        return is_manager(user)

    def prepare(self, rows):
        self.managed = selectors.managed_organisations(self.user)

    def write_template(self, fileobj) -> None:
        from campaign_site.generic.excel import write_xlsx

        # str(): the title is a lazy translation, which the xlsx writer does not take
        write_xlsx(fileobj, headers=[c.header for c in self.columns], rows=self.example_rows, title=str(self.title))


class SchoolImporter(RosterImporter):
    title = gettext_lazy("Import schools")
    template_filename = "学校名册导入模板"
    columns = [
        Column("name", "学校名称", aliases=("单位名称", "名称")),
        Column("code", "学校标识码", aliases=("标识码", "机构代码")),
        Column("school_type", "学校类型", aliases=("办学类型", "类型")),
        Column("parent_code", "上级单位标识码", aliases=("上级单位(标识码)", "上级单位", "主管单位标识码")),
        Column("address", "地址", aliases=("学校地址",), required=False),
        Column("phone", "联系电话", aliases=("电话",), required=False),
    ]
    example_rows = [
        ["郑东新区示例小学", "2141019901", "小学", "1141017100", "郑东新区示例路1号", "0371-55550001"],
        ["郑东新区示例幼儿园", "2141019902", "幼儿园", "1141017100", "郑东新区示例路2号", "0371-55550002"],
    ]

    def prepare(self, rows):
        super().prepare(rows)
        codes = {parse_text(r.values.get("parent_code")) for r in rows} | {
            parse_text(r.values.get("code")) for r in rows}
        codes.discard("")
        self.bureaus = {o.code: o for o in self.managed.exclude(kind=OrgKind.SCHOOL).filter(code__in=codes)}
        self.taken = set(Organisation.objects.filter(code__in=codes).values_list("code", flat=True))

    def parse_name(self, value):
        return parse_text(value, max_length=120, required=True)

    def parse_code(self, value):
        code = parse_text(value, max_length=32, required=True)
        if code in self.taken:
            raise CellError(_("the institution code %(code)s is already used") % {"code": code})
        return code

    def parse_school_type(self, value):
        text = parse_text(value, required=True)
        found = _lookup(text, SCHOOL_TYPE_LABELS, SCHOOL_TYPE_ALIASES, SchoolType.choices)
        if found is None:
            raise CellError(_("“%(value)s” is not a school type; write one of: %(allowed)s")
                            % {"value": text, "allowed": "、".join(SCHOOL_TYPE_LABELS)})
        return found

    def parse_parent_code(self, value):
        code = parse_text(value, required=True)
        parent = self.bureaus.get(code)
        if parent is None:
            raise CellError(_("no bureau with the code %(code)s under your management") % {"code": code})
        return parent

    def parse_address(self, value):
        return parse_text(value, max_length=200)

    def parse_phone(self, value):
        return parse_text(value, max_length=40)

    def check_rows(self, rows):
        counts = Counter(r.cleaned["code"] for r in rows if r.cleaned)
        for row in rows:
            if row.cleaned and counts[row.cleaned["code"]] > 1:
                row.errors.append(_("The institution code %(code)s appears more than once in the file.")
                                  % {"code": row.cleaned["code"]})

    def save(self, rows):
        for row in rows:
            services.organisation_create(
                name=row["name"], code=row["code"], kind=OrgKind.SCHOOL, parent=row["parent_code"],
                school_type=row["school_type"], address=row["address"], phone=row["phone"], actor=self.user,
            )
        return len(rows)


class UserImporter(RosterImporter):
    title = gettext_lazy("Import users")
    template_filename = "用户名册导入模板"
    columns = [
        Column("full_name", "姓名"),
        Column("username", "用户名", aliases=("登录名", "账号")),
        Column("phone", "手机号", aliases=("手机", "手机号码", "联系电话"), required=False),
        Column("email", "邮箱", aliases=("电子邮箱", "Email"), required=False),
        Column("org_code", "单位标识码", aliases=("学校标识码", "标识码")),
        Column("roles", "角色"),
        Column("department", "部门", aliases=("科室", "处室"), required=False),
    ]
    example_rows = [
        ["张三", "zhangsan", "13800000001", "zhangsan@example.cn", "2141017101", "安全员", "保卫处"],
        ["李四", "lisi", "13800000002", "", "2141017101", "校长、安全员", "办公室"],
        ["王五", "wangwu", "13800000003", "", "1141017100", "教育局安全科", ""],
    ]

    def prepare(self, rows):
        super().prepare(rows)
        codes = {parse_text(r.values.get("org_code")) for r in rows} - {""}
        self.orgs = {o.code: o for o in self.managed.filter(code__in=codes, is_active=True)}
        names = {parse_text(r.values.get("username")).casefold() for r in rows} - {""}
        # user names differing only in case are the same login
        self.taken = set(User.objects.annotate(u=Lower("username")).filter(u__in=names).values_list("u", flat=True))
        self.departments = {
            (d.organisation_id, d.name): d for d in Department.objects.filter(organisation__in=self.orgs.values())
        }
        self.passwords = []

    def parse_full_name(self, value):
        return parse_text(value, max_length=60, required=True)

    def parse_username(self, value):
        import re

        name = parse_text(value, max_length=150, required=True)
        if not re.fullmatch(r"[\w.@+-]+", name):
            raise CellError(_("use only letters, digits and the characters @ . + - _"))
        if name.casefold() in self.taken:
            raise CellError(_("the user name %(username)s is already taken") % {"username": name})
        return name

    def parse_phone(self, value):
        return parse_text(value, max_length=20)

    def parse_email(self, value):
        from django.core.exceptions import ValidationError
        from django.core.validators import validate_email

        email = parse_text(value, max_length=254)
        if email:
            try:
                validate_email(email)
            except ValidationError:
                raise CellError(_("“%(value)s” is not a valid email address") % {"value": email}) from None
        return email

    def parse_org_code(self, value):
        code = parse_text(value, required=True)
        org = self.orgs.get(code)
        if org is None:
            raise CellError(_("no organisation with the code %(code)s under your management") % {"code": code})
        return org

    def parse_roles(self, value):
        text = parse_text(value, required=True)
        parts = [text]
        for sep in ROLE_SEPARATORS:
            parts = [p for part in parts for p in part.split(sep)]
        roles = []
        for part in filter(None, (p.strip() for p in parts)):
            role = _lookup(part, ROLE_LABELS, ROLE_ALIASES, Role.choices)
            if role is None:
                raise CellError(_("“%(value)s” is not a role; write one of: %(allowed)s")
                                % {"value": part, "allowed": "、".join(ROLE_LABELS)})
            if role not in roles:
                roles.append(role)
        return roles

    def parse_department(self, value):
        return parse_text(value, max_length=60)

    def clean_row(self, cleaned):
        org = cleaned["org_code"]
        allowed = SCHOOL_ROLES if org.is_school else BUREAU_ROLES
        wrong = [r for r in cleaned["roles"] if r not in allowed]
        if wrong:
            labels = "、".join(str(Role(r).label) for r in wrong)
            if org.is_school:
                raise DomainError(_("%(roles)s: a bureau role cannot be given at the school %(org)s.")
                                  % {"roles": labels, "org": org})
            raise DomainError(_("%(roles)s: a school role cannot be given at the bureau %(org)s.")
                              % {"roles": labels, "org": org})
        if Role.ADMIN in cleaned["roles"] and not (self.user.is_superuser or self.user.has_role(org, Role.ADMIN)):
            raise DomainError(_("Only an administrator can give the administrator role."))
        return cleaned

    def check_rows(self, rows):
        counts = Counter(r.cleaned["username"].casefold() for r in rows if r.cleaned)
        for row in rows:
            if row.cleaned and counts[row.cleaned["username"].casefold()] > 1:
                row.errors.append(_("The user name %(username)s appears more than once in the file.")
                                  % {"username": row.cleaned["username"]})

    def before_save(self, rows, progress=None):
        """Generate and hash every initial password before the write transaction: hashing (the
        default hasher, at full work factor) is by far the slowest part of a roster import and must
        not hold the database's write lock."""
        from django.contrib.auth.hashers import make_password

        self.hashed = []
        step = max(1, len(rows) // 50)
        for n, _row in enumerate(rows, start=1):
            password = services.generate_password()
            self.hashed.append((password, make_password(password)))
            if progress is not None and n % step == 0:
                progress(n)

    def save(self, rows):
        """All users in one bulk service call (accounts.services.users_import), so the write
        transaction is short; the passwords were hashed before it (before_save)."""
        if len(getattr(self, "hashed", ())) != len(rows):
            self.before_save(rows)
        batch = []
        for row, (_password, password_hash) in zip(rows, self.hashed, strict=True):
            org = row["org_code"]
            department = None
            if row["department"]:
                key = (org.pk, row["department"])
                department = self.departments.get(key)
                if department is None:
                    department = services.department_create(organisation=org, name=row["department"], actor=self.user)
                    self.departments[key] = department
            batch.append({"username": row["username"], "full_name": row["full_name"], "password_hash": password_hash,
                          "email": row["email"], "phone": row["phone"], "organisation": org, "roles": row["roles"],
                          "department": department})
        users = services.users_import(rows=batch, actor=self.user)
        self.passwords = [(user, r["organisation"], password)
                          for user, r, (password, _hash) in zip(users, batch, self.hashed, strict=True)]
        return len(users)

    secret_template = "accounts/_initial_passwords.html"

    def created_rows(self) -> list[dict]:
        """The imported users with their initial passwords, as the result pages show them."""
        return [{"username": u.username, "full_name": u.full_name, "organisation": org.name,
                 "password": password, "url": u.get_absolute_url()} for u, org, password in self.passwords]

    def job_result(self):
        return {"passwords": True}

    def job_secret(self):
        return self.created_rows()
