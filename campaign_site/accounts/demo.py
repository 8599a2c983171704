"""The demo district: 郑州市教育局 -> 郑东新区教育文化体育局 with 30 schools and kindergartens, and
金水区教育局 with 3 schools (so scoping can be seen). One login per role at school 1, school 2 and the
bureau, all with the password DEMO_PASSWORD.

Other apps' demo builders (registered after this one, order > 10) find the demo records with
`demo_org(SCHOOL1_CODE)`, `demo_user("officer1")` etc. Idempotent: natural keys are the institution
code, the user name and (organisation, name) for departments and staff.
"""
from __future__ import annotations

from django.db import transaction

from campaign_site.generic import demo

from .models import Department, Membership, Organisation, OrgKind, Person, Role, SchoolType, User

DEMO_PASSWORD = "demo12345"

CITY_CODE = "1141010000"
DISTRICT_CODE = "1141017100"
OTHER_DISTRICT_CODE = "1141010500"
SCHOOL1_CODE = "2141017101"  # 郑东新区实验小学
SCHOOL2_CODE = "2141017102"  # 郑东新区龙湖一中
OTHER_SCHOOL_CODE = "2141010501"  # 金水区文化路第一小学

CITY = ("郑州市教育局", CITY_CODE, "郑州市中原区淮河西路11号", "0371-67180000")
DISTRICT = ("郑东新区教育文化体育局", DISTRICT_CODE, "郑州市郑东新区平安大道189号", "0371-55690000")
OTHER_DISTRICT = ("金水区教育局", OTHER_DISTRICT_CODE, "郑州市金水区红专路76号", "0371-63520000")

S = SchoolType
# (name, code suffix, type, address)
DISTRICT_SCHOOLS = [
    ("郑东新区实验小学", "01", S.PRIMARY, "郑东新区商务外环路与黄河东路交叉口"),
    ("郑东新区龙湖一中", "02", S.JUNIOR, "郑东新区龙湖中环路与如意东路交叉口"),
    ("郑东新区外国语中学", "03", S.COMPLETE, "郑东新区东风南路与康宁街交叉口"),
    ("郑东新区平安幼儿园", "04", S.KINDERGARTEN, "郑东新区平安大道与农业东路交叉口"),
    ("郑东新区昆丽河小学", "05", S.PRIMARY, "郑东新区昆丽河路与七里河南路交叉口"),
    ("郑东新区永和龙子湖中学", "06", S.JUNIOR, "郑东新区龙子湖高校园区博学路"),
    ("郑东新区众意路小学", "07", S.PRIMARY, "郑东新区众意路与商务西七街交叉口"),
    ("郑东新区聚源路小学", "08", S.PRIMARY, "郑东新区聚源路与康宁街交叉口"),
    ("郑东新区春华学校", "09", S.NINE_YEAR, "郑东新区金水东路与博学路交叉口"),
    ("郑东新区金水河小学", "10", S.PRIMARY, "郑东新区金水河路与通泰路交叉口"),
    ("郑东新区普惠路小学", "11", S.PRIMARY, "郑东新区普惠路与商都路交叉口"),
    ("郑东新区康平路小学", "12", S.PRIMARY, "郑东新区康平路与九如路交叉口"),
    ("郑东新区博雅学校", "13", S.NINE_YEAR, "郑东新区龙湖外环东路与博雅路交叉口"),
    ("郑东新区龙湖二中", "14", S.JUNIOR, "郑东新区龙湖外环北路与如意西路交叉口"),
    ("郑东新区白沙中学", "15", S.JUNIOR, "郑东新区白沙镇白沙大道"),
    ("郑东新区高级中学", "16", S.SENIOR, "郑东新区东风东路与正光北街交叉口"),
    ("郑东新区职业中等专业学校", "17", S.VOCATIONAL, "郑东新区中州大道与东风东路交叉口"),
    ("郑东新区特殊教育学校", "18", S.SPECIAL, "郑东新区明理路与心怡路交叉口"),
    ("郑东新区实验幼儿园", "19", S.KINDERGARTEN, "郑东新区商务内环路与CBD东二街交叉口"),
    ("郑东新区龙湖幼儿园", "20", S.KINDERGARTEN, "郑东新区龙湖中环南路"),
    ("郑东新区蓝天幼儿园", "21", S.KINDERGARTEN, "郑东新区金水东路与农业东路交叉口"),
    ("郑东新区祭城路小学", "22", S.PRIMARY, "郑东新区祭城路与众旺路交叉口"),
    ("郑东新区玉兰街小学", "23", S.PRIMARY, "郑东新区玉兰街与博学路交叉口"),
    ("郑东新区商都路小学", "24", S.PRIMARY, "郑东新区商都路与金源路交叉口"),
    ("郑东新区圃田乡中心小学", "25", S.PRIMARY, "郑东新区圃田乡圃田村"),
    ("郑东新区杨桥中学", "26", S.JUNIOR, "郑东新区杨桥路与商鼎路交叉口"),
    ("郑东新区明理小学", "27", S.PRIMARY, "郑东新区明理路与熊儿河路交叉口"),
    ("郑东新区聚贤幼儿园", "28", S.KINDERGARTEN, "郑东新区聚贤路与龙湖中环路交叉口"),
    ("郑东新区心怡路小学", "29", S.PRIMARY, "郑东新区心怡路与金水东路交叉口"),
    ("郑东新区北龙湖幼儿园", "30", S.KINDERGARTEN, "郑东新区北龙湖北二路"),
]
OTHER_SCHOOLS = [
    ("金水区文化路第一小学", "01", S.PRIMARY, "郑州市金水区文化路与黄河路交叉口"),
    ("金水区纬五路第二小学", "02", S.PRIMARY, "郑州市金水区纬五路与经三路交叉口"),
    ("金水区艺术幼儿园", "03", S.KINDERGARTEN, "郑州市金水区东风路与南阳路交叉口"),
]

SCHOOL_DEPARTMENTS = ["办公室", "教务处", "政教处", "总务处", "后勤处", "保卫处"]
LAB_DEPARTMENT = "实验室"
KINDERGARTEN_DEPARTMENTS = ["园长办公室", "保教处", "后勤处", "保卫处", "卫生保健室"]
LAB_TYPES = {S.JUNIOR, S.SENIOR, S.COMPLETE, S.NINE_YEAR, S.VOCATIONAL}


def departments_for(school_type: str) -> list[str]:
    if school_type == S.KINDERGARTEN:
        return KINDERGARTEN_DEPARTMENTS
    names = list(SCHOOL_DEPARTMENTS)
    if school_type in LAB_TYPES:
        names.append(LAB_DEPARTMENT)
    return names


# (username, full name, role, organisation code, department, position)
def _school_logins(n: int, code: str, names: list[str]) -> list[tuple]:
    return [
        (f"officer{n}", names[0], Role.SAFETY_OFFICER, code, "保卫处", "安全员"),
        (f"principal{n}", names[1], Role.PRINCIPAL, code, "办公室", "校长"),
        (f"leader{n}", names[2], Role.OTHER_LEADER, code, "办公室", "分管安全副校长"),
        (f"custodian{n}", names[3], Role.LAB_CUSTODIAN, code, "教务处", "危化品保管员"),
        (f"custodian{n}b", names[4], Role.LAB_CUSTODIAN, code, "教务处", "危化品保管员（双人管理）"),
        (f"responsible{n}", names[5], Role.RESPONSIBLE_PERSON, code, "总务处", "总务处主任"),
        (f"teacher{n}", names[6], Role.TEACHER, code, "教务处", "化学教师"),
        (f"labhead{n}", names[7], Role.LAB_HEAD, code, "教务处", "实验室主任"),
        (f"transport{n}", names[8], Role.TRANSPORT_OFFICER, code, "保卫处", "校车管理员"),
    ]


DEMO_LOGINS = [
    *_school_logins(1, SCHOOL1_CODE, ["张伟", "李秀英", "王强", "刘芳", "杨洋", "陈军", "黄丽娟", "何志明", "马超"]),
    *_school_logins(2, SCHOOL2_CODE, ["赵磊", "孙丽华", "周建国", "吴敏", "徐静", "郑海涛", "朱晓燕", "冯建军", "韩磊"]),
    ("bureau", "马国栋", Role.BUREAU_SAFETY, DISTRICT_CODE, "", "安全科科长"),
    ("inspector", "胡志刚", Role.BUREAU_INSPECTOR, DISTRICT_CODE, "", "督查组组长"),
    ("bureauleader", "高建华", Role.BUREAU_LEADER, DISTRICT_CODE, "", "分管安全副局长"),
    ("city", "林晓明", Role.BUREAU_SAFETY, CITY_CODE, "", "市教育局安全处科员"),
    ("outsider", "罗文斌", Role.BUREAU_SAFETY, OTHER_DISTRICT_CODE, "", "金水区教育局安全科科员"),
]
ADMIN_LOGIN = ("admin", "系统管理员")

# Staff named in records who have no login (responsible persons, re-inspectors, watchers).
# (department, name, position)
SCHOOL_STAFF = {
    SCHOOL1_CODE: [
        ("后勤处", "何建军", "后勤处主任"), ("后勤处", "宋师傅", "水电维修工"), ("保卫处", "韩卫东", "保卫处主任"),
        ("教务处", "唐晓燕", "教务处主任"), ("政教处", "冯丽", "政教处主任"), ("总务处", "曹德明", "总务处干事"),
    ],
    SCHOOL2_CODE: [
        ("后勤处", "邓志强", "后勤处主任"), ("后勤处", "许师傅", "电工"), ("保卫处", "彭勇", "保卫处主任"),
        ("教务处", "董雪梅", "教务处主任"), ("政教处", "袁磊", "政教处主任"), ("实验室", "蒋红", "化学实验员"),
        ("实验室", "沈立新", "物理实验员"),
    ],
}


def demo_org(code: str) -> Organisation:
    return Organisation.objects.get(code=code)


def demo_user(username: str) -> User:
    return User.objects.get(username=username)


def _org(kind, name, code, parent, school_type="", address="", phone=""):
    from .services import organisation_create

    org = Organisation.objects.filter(code=code).first()
    if org is None:
        org = organisation_create(name=name, code=code, kind=kind, parent=parent, school_type=school_type,
                                  address=address, phone=phone)
    return org


def _department(org, name):
    from .services import department_create

    dept = Department.objects.filter(organisation=org, name=name).first()
    return dept or department_create(organisation=org, name=name, actor=None)


def build_tree():
    city = _org(OrgKind.CITY_BUREAU, CITY[0], CITY[1], None, address=CITY[2], phone=CITY[3])
    district = _org(OrgKind.DISTRICT_BUREAU, DISTRICT[0], DISTRICT[1], city, address=DISTRICT[2], phone=DISTRICT[3])
    other = _org(OrgKind.DISTRICT_BUREAU, OTHER_DISTRICT[0], OTHER_DISTRICT[1], city,
                 address=OTHER_DISTRICT[2], phone=OTHER_DISTRICT[3])
    for parent, prefix, schools in ((district, "21410171", DISTRICT_SCHOOLS), (other, "21410105", OTHER_SCHOOLS)):
        for i, (name, suffix, school_type, address) in enumerate(schools):
            school = _org(OrgKind.SCHOOL, name, prefix + suffix, parent, school_type=school_type, address=address,
                          phone=f"0371-{55 if parent == district else 63}6{i:05d}"[:14])
            for dept in departments_for(school_type):
                _department(school, dept)
    return city, district, other


def build_logins():
    from .services import membership_add, user_create

    for username, full_name, role, code, dept_name, position in DEMO_LOGINS:
        org = demo_org(code)
        dept = Department.objects.filter(organisation=org, name=dept_name).first() if dept_name else None
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(username=username, full_name=full_name, password=DEMO_PASSWORD,
                               email=f"{username}@demo.example.cn", organisation=org, roles=[role],
                               department=dept, temporary_password=True, force_change=False)
        elif not Membership.objects.filter(user=user, organisation=org, role=role).exists():
            membership_add(user=user, organisation=org, role=role)
        Person.objects.filter(user=user, position="").update(position=position)
    username, full_name = ADMIN_LOGIN
    if not User.objects.filter(username=username).exists():
        from .services import set_temporary_password

        admin = User(username=username, email="admin@demo.example.cn", full_name=full_name, is_staff=True,
                     is_superuser=True)
        set_temporary_password(admin, DEMO_PASSWORD, force_change=False)
        admin.save()


def build_staff():
    from .services import person_create

    for code, staff in SCHOOL_STAFF.items():
        org = demo_org(code)
        for dept_name, name, position in staff:
            if not Person.objects.filter(organisation=org, name=name).exists():
                dept = Department.objects.get(organisation=org, name=dept_name)
                person_create(organisation=org, name=name, department=dept, position=position, actor=None)


@demo.register(10, "accounts")
def build(stdout=None):
    with transaction.atomic():
        build_tree()
        build_staff()
        build_logins()
    if stdout is not None:
        schools = Organisation.objects.schools().count()
        stdout.write(f"accounts: {schools} schools, {User.objects.count()} users "
                     f"(demo password: {DEMO_PASSWORD})")
