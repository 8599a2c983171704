"""Print the demo logins (make run calls this after building the demo district)."""
import os

from django.core.management.base import BaseCommand
from django.utils import translation

from campaign_site.accounts.demo import ADMIN_LOGIN, DEMO_LOGINS, DEMO_PASSWORD
from campaign_site.accounts.models import Organisation, Role, User


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


class Command(BaseCommand):
    requires_system_checks = []
    help = "Print the site URL and the demo logins (user name / role / organisation / password)."

    def handle(self, *args, **options):
        port = os.environ.get("PORT") or "8000"
        url = f"http://127.0.0.1:{port}"
        zh_roles = {
            Role.SAFETY_OFFICER: "安全员", Role.RESPONSIBLE_PERSON: "责任人", Role.LAB_CUSTODIAN: "危化品保管员",
            Role.PRINCIPAL: "校长", Role.OTHER_LEADER: "其他负责人", Role.TEACHER: "教师",
            Role.LAB_HEAD: "实验室主任", Role.TRANSPORT_OFFICER: "校车管理员", Role.BUREAU_SAFETY: "教育局安全科",
            Role.BUREAU_INSPECTOR: "教育局督查组", Role.BUREAU_LEADER: "教育局领导", Role.ADMIN: "管理员",
        }
        with translation.override("en"):
            en_roles = {value: str(label) for value, label in Role.choices}
        orgs = dict(Organisation.objects.values_list("code", "name"))
        existing = set(User.objects.filter(is_active=True).values_list("username", flat=True))
        rows = []
        for username, _name, role, code, _dept, _position in DEMO_LOGINS:
            if username in existing:
                rows.append((username, f"{zh_roles[role]} / {en_roles[role]}", orgs.get(code, code)))
        if ADMIN_LOGIN[0] in existing:
            rows.append((ADMIN_LOGIN[0], "系统管理员 / System administrator", "—"))
        out = self.stdout
        out.write("")
        out.write(f"校园安全隐患管理系统 / Campus Hazard Management System:  {url}")
        out.write(f"系统管理 / Django admin (admin only):  {url}/admin/")
        if not rows:
            out.write("没有演示账号。请先运行 / No demo logins yet. Run:  manage.py seed_demo")
            return
        headers = ("用户名 Username", "角色 Role", "单位 Organisation", "密码 Password")
        table = [(u, r, o, DEMO_PASSWORD) for u, r, o in rows]
        widths = [max(_width(str(x)) for x in col) for col in zip(headers, *table, strict=True)]
        line = "  ".join("-" * w for w in widths)
        out.write(line)
        out.write("  ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True)))
        out.write(line)
        for row in table:
            out.write("  ".join(_pad(str(c), w) for c, w in zip(row, widths, strict=True)))
        out.write(line)
        out.write(f"所有演示账号的密码均为 / Every demo login uses the password:  {DEMO_PASSWORD}")
        out.write("")
