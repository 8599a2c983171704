"""Demo data for the hazards app (registered with campaign_site.generic.demo, order 30).

For every school of the 郑东 demo district: about ten hazards in every status (some major and
listed for supervision, some overdue, some recurring), inspections (self, leader-led, bureau
supervision, a planned unannounced visit, a weekly bullying screening schedule) and a few
accountability records. Schools 1 and 2 have logins, so their steps are taken by their own people
through the services; the other schools have no accounts, so their steps are recorded by the
system (actor None), as the campaigns demo does for their plans. Idempotent: skipped once the
demo district has hazards.
"""
from __future__ import annotations

import datetime as dt
import random

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from campaign_site.accounts.models import Membership, Organisation, OrgKind, Person, Role, User
from campaign_site.generic import demo
from campaign_site.generic.models import TransitionLog

from . import permissions, services
from .models import (
    HAZARD_FLOW,
    Hazard,
    HazardLevel,
    HazardSource,
    HazardStatus,
    Inspection,
    InspectionKind,
    InspectionSchedule,
    ItemResult,
)

# (focus area code, hazard, location, measures)
CATALOGUE = [
    ("fire", "灭火器压力不足、超过检验期限", "教学楼三楼东侧走廊", "更换合格灭火器，建立月检记录"),
    ("fire", "疏散通道堆放杂物", "学生宿舍一楼楼梯间", "清理杂物，落实每日巡查"),
    ("fire", "应急照明灯损坏", "综合楼二楼", "更换应急照明灯并测试"),
    ("fire", "配电箱线路老化、私拉乱接", "食堂操作间配电箱", "由电工更换线路，拆除私接线"),
    ("fire", "消防栓箱内水带缺失", "图书馆一楼", "补齐水带、水枪，铅封"),
    ("hazchem", "危化品未双人双锁管理", "化学实验室药品柜", "加装第二把锁，两名保管员分持钥匙"),
    ("hazchem", "领用记录不全，剩余药品未及时退回", "化学准备室", "补登领用记录，落实半日内退回"),
    ("hazchem", "易制毒与易制爆化学品同柜存放", "化学药品室", "分柜存放，张贴警示标识"),
    ("hazchem", "实验室缺少洗眼器和急救箱", "化学实验室", "配置洗眼器和急救箱"),
    ("hazchem", "过期试剂未按规定处置", "生物实验室", "交有资质单位处置并留存台账"),
    ("crowded", "大型活动未制定安全预案", "学校操场", "制定活动安全预案并组织演练"),
    ("crowded", "楼梯扶手松动", "二号教学楼西侧楼梯", "更换扶手并加固"),
    ("crowded", "放学时段楼道拥挤无人疏导", "教学楼主楼梯", "安排教师楼道值守，错峰放学"),
    ("traffic", "校门口接送车辆乱停乱放", "南校门", "联系交警设置临时停车区，安排护学岗"),
    ("traffic", "租用车辆未查验驾驶员资质", "校车停车场", "查验驾驶员资格并存档"),
    ("traffic", "校门口减速带、警示标志缺失", "校门口道路", "协调交通部门增设减速带和警示标志"),
    ("flood", "排水沟堵塞", "操场西侧排水沟", "清淤疏通，汛前再查"),
    ("flood", "围墙出现裂缝", "北侧围墙", "拉警戒线，组织鉴定并加固"),
    ("flood", "地下室无防倒灌措施", "综合楼地下室", "配置挡水板和抽水泵"),
    ("buildings", "教室吊顶局部脱落", "一号教学楼203教室", "停用该教室，更换吊顶"),
    ("buildings", "在建工程未设置围挡", "新建体育馆工地", "设置硬质围挡，与教学区隔离"),
    ("perimeter", "门卫室未配齐防暴器械", "门卫室", "配齐钢叉、盾牌等器械并培训"),
    ("perimeter", "外来人员进校未登记", "北校门", "落实来访登记和身份核验"),
    ("heating", "取暖设备周边堆放可燃物", "学生宿舍值班室", "清理可燃物，张贴安全提示"),
    ("heating", "燃气管线未定期检测", "食堂燃气间", "委托燃气公司检测并安装报警器"),
    ("drowning", "学校周边水塘无警示标志", "学校东侧水塘", "设置警示牌和防护栏，开展防溺水教育"),
    ("bullying", "欺凌排查记录缺失", "政教处", "落实一周一排查，建立台账"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = ["建国", "志强", "秀兰", "海燕", "卫东", "丽娟", "国庆", "晓峰", "春梅", "德明", "红霞", "永刚", "淑芬",
         "立新", "桂英", "文斌", "玉兰", "振华", "雪梅", "俊杰"]
MAJOR = {"围墙出现裂缝", "教室吊顶局部脱落", "易制毒与易制爆化学品同柜存放", "燃气管线未定期检测", "在建工程未设置围挡"}

MAX_SCHOOLS = None  # tests build a few schools only

# The status mix of each school's ten hazards (index -> target status).
STATUS_PLAN = [
    HazardStatus.CLOSED, HazardStatus.CLOSED, HazardStatus.CLOSED, HazardStatus.CLOSED,
    HazardStatus.RECTIFYING, HazardStatus.RECTIFYING, HazardStatus.REGISTERED, HazardStatus.SUBMITTED,
    HazardStatus.AWAITING_SIGNOFF, HazardStatus.RECTIFYING,
]
STEPS = {
    HazardStatus.REGISTERED: [],
    HazardStatus.RECTIFYING: ["start"],
    HazardStatus.SUBMITTED: ["start", "submit"],
    HazardStatus.AWAITING_SIGNOFF: ["start", "submit", "reinspect_pass"],
    HazardStatus.AWAITING_DELISTING: ["start", "submit", "reinspect_pass", "sign_off_listed"],
    HazardStatus.CLOSED: ["start", "submit", "reinspect_pass", "sign_off"],
}


def _district() -> Organisation | None:
    from campaign_site.accounts.demo import DISTRICT_CODE

    return Organisation.objects.filter(code=DISTRICT_CODE, kind=OrgKind.DISTRICT_BUREAU).first() or \
        Organisation.objects.filter(kind=OrgKind.DISTRICT_BUREAU, name__contains="郑东").order_by("path").first()


def _user(org, role) -> User | None:
    m = (Membership.objects.filter(organisation=org, role=role, is_active=True, user__is_active=True)
         .select_related("user").order_by("pk").first())
    return m.user if m else None


def _focus_areas(school):
    from campaign_site.campaigns.models import Campaign, FocusArea

    campaigns = Campaign.objects.applying_to(school)
    areas = {}
    for area in FocusArea.objects.filter(campaign__in=campaigns).order_by("campaign__start", "order"):
        areas.setdefault(area.code, area)  # the earlier campaign (郑东 attack) first
    return areas


class SchoolDemo:
    def __init__(self, school, bureau_user, inspector, rng):
        self.school = school
        self.rng = rng
        self.bureau_user = bureau_user
        self.inspector = inspector
        self.officer = _user(school, Role.SAFETY_OFFICER)
        self.principal = _user(school, Role.PRINCIPAL)
        self.leader = _user(school, Role.OTHER_LEADER)
        self.responsible = _user(school, Role.RESPONSIBLE_PERSON)
        self.people = list(Person.objects.filter(organisation=school).order_by("pk")) or self.make_people()
        self.areas = _focus_areas(school)
        self.today = timezone.localdate()
        self.ct = ContentType.objects.get_for_model(Hazard)

    # -- helpers ---------------------------------------------------------------------------
    def make_people(self):
        """Schools without demo logins get a few named staff (责任人, 盯防人) with no account."""
        from campaign_site.accounts.services import person_get_or_create

        people = []
        for dept_name, position in (("后勤处", "后勤处主任"), ("保卫处", "保卫处主任"), ("总务处", "总务处干事")):
            dept = self.school.departments.filter(name=dept_name).first() or self.school.departments.first()
            name = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)
            person = person_get_or_create(organisation=self.school, name=name, department=dept)
            if not person.position:
                Person.objects.filter(pk=person.pk).update(position=position)
            people.append(person)
        return people

    def person(self):
        if self.responsible is not None and self.rng.random() < 0.5:
            return Person.objects.filter(user=self.responsible).first()
        return self.rng.choice(self.people) if self.people else None

    def step(self, hazard, name, note=""):
        """Take one step through the service when the school has the people, else as the system."""
        o, p, r = self.officer, self.principal, self.responsible
        if name in ("start", "submit") and (r or o):
            actor = r if (r and hazard.responsible_person and hazard.responsible_person.user_id == r.pk) else o
            if actor is not None:
                if name == "start":
                    return services.hazard_start_rectification(hazard=hazard, actor=actor)
                return services.hazard_submit_rectification(hazard=hazard, actor=actor, note=note or "已按措施整改完毕",
                                                            cause_analysis=self.cause(hazard))
        if name == "reinspect_pass":
            actor = self.leader if (self.leader and not permissions.is_rectifier(self.leader, hazard)) else self.inspector
            if actor is not None:
                return services.hazard_reinspect(hazard=hazard, actor=actor, passed=True, note=note or "复查合格")
        if name in ("sign_off", "sign_off_listed") and p is not None:
            return services.hazard_sign_off(hazard=hazard, actor=p)
        with transaction.atomic():
            hazard = Hazard.objects.select_for_update().get(pk=hazard.pk)
            fields = {}
            now = timezone.now()
            if name == "submit":
                fields = {"rectification_note": note or "已按措施整改完毕", "rectified_at": now}
                if hazard.is_recurring:
                    fields["cause_analysis"] = self.cause(hazard)
            elif name == "reinspect_pass":
                fields = {"reinspection_result": note or "复查合格", "reinspected_on": self.today,
                          "reinspected_by": self.rng.choice(self.people) if self.people else None}
            elif name in ("sign_off", "sign_off_listed"):
                fields = {"signed_off_at": now}
                if name == "sign_off":
                    fields["closed_at"] = now
            HAZARD_FLOW.apply(hazard, name, actor=None, note=note, fields=fields)
        return hazard

    def cause(self, hazard):
        return "日常巡查流于形式，整改后未建立长效机制；已明确责任人，每周复查。" if hazard.is_recurring else ""

    def backdate(self, hazard, found_on):
        """Spread the timeline between the date found and today (the demo is built in one go)."""
        logs = list(TransitionLog.objects.filter(content_type=self.ct, object_id=hazard.pk).order_by("pk"))
        span = max(1, (self.today - found_on).days)
        when = None
        for i, log in enumerate(logs):
            day = found_on + dt.timedelta(days=min(span, round(i * span / max(1, len(logs)))))
            when = timezone.make_aware(dt.datetime.combine(day, dt.time(9 + i % 8, 10 * (i % 6))))
            TransitionLog.objects.filter(pk=log.pk).update(at=when)
        updates = {}
        hazard.refresh_from_db()
        if hazard.rectified_at and when:
            updates["rectified_at"] = when - dt.timedelta(days=2) if len(logs) > 3 else when
        if hazard.reinspected_on and when:
            updates["reinspected_on"] = (when - dt.timedelta(days=1)).date()
        if hazard.signed_off_at and when:
            updates["signed_off_at"] = when
        if hazard.closed_at and when:
            updates["closed_at"] = when
        if updates:
            Hazard.objects.filter(pk=hazard.pk).update(**updates)

    # -- hazards ---------------------------------------------------------------------------
    def register(self, entry, *, found_on, level=None, deadline=None, source=HazardSource.SELF, location=None):
        """Register through the service (the school's officer, or the system when it has no login)."""
        code, title, where, measures = entry
        area = self.areas.get(code)
        campaign_area = area if area is not None and found_on >= area.campaign.start else None
        check_item = None
        if campaign_area is not None:
            items = list(campaign_area.items.all()[:7])
            check_item = self.rng.choice(items) if items else None
        level = level or HazardLevel.GENERAL
        person = self.person()
        deadline = deadline or found_on + dt.timedelta(days=self.rng.choice([3, 7, 10, 15, 30]))
        return services.hazard_register(
            organisation=self.school, actor=self.officer, title=title, location=location or where,
            found_on=found_on, deadline=deadline, level=level, source=source, focus_area=campaign_area,
            check_item=check_item, measures=measures, responsible_person=person,
            responsible_department=person.department if person else None,
            funds=self.rng.choice([None, 0, 200, 1500, 8000]) if level == HazardLevel.GENERAL else 120000,
            interim_measures="设置警戒线，停止使用，专人值守" if level == HazardLevel.MAJOR else "",
            watcher=self.rng.choice(self.people) if level == HazardLevel.MAJOR and self.people else None,
            notify=level == HazardLevel.MAJOR,
        )

    def advance(self, hazard, target):
        for name in STEPS[target]:
            if name == "sign_off" and hazard.needs_bureau_delisting:
                name = "sign_off_listed"
            hazard = self.step(hazard, name)
        if target == HazardStatus.CLOSED and hazard.status == HazardStatus.AWAITING_DELISTING:
            if self.bureau_user is not None:
                hazard = services.hazard_delist(hazard=hazard, actor=self.bureau_user, passed=True,
                                                note="区局复查合格，同意摘牌")
        return hazard

    def build_hazards(self, n_school):
        rng = self.rng
        entries = rng.sample(CATALOGUE, 10)
        made = []
        for i, entry in enumerate(entries):
            target = STATUS_PLAN[i]
            # closed ones are older; open ones mostly recent; index 6 and 9 are overdue on purpose
            age = rng.randint(40, 150) if target == HazardStatus.CLOSED or i == 9 else rng.randint(1, 30)
            found_on = self.today - dt.timedelta(days=age)
            if i in (6, 9):
                deadline = found_on + dt.timedelta(days=rng.randint(0, max(0, age - 2)))
            else:
                deadline = max(found_on + dt.timedelta(days=rng.choice([7, 10, 15, 30])),
                               self.today + dt.timedelta(days=rng.randint(-3, 20)))
            level = HazardLevel.GENERAL
            if entry[1] in MAJOR and rng.random() < 0.4:
                level = HazardLevel.MAJOR
            if (i == 8 and n_school % 5 == 1) or (i == 0 and n_school % 5 == 2):
                level = HazardLevel.MAJOR  # one awaiting the bureau's delisting, one delisted
            hazard = self.register(entry, found_on=found_on, deadline=deadline, level=level,
                                   source=rng.choice([HazardSource.SELF, HazardSource.SELF, HazardSource.LEADER,
                                                      HazardSource.BUREAU]))
            listable = hazard.level == HazardLevel.MAJOR and target != HazardStatus.REGISTERED
            if listable and self.bureau_user is not None:
                services.hazard_list_for_supervision(
                    hazard=hazard, actor=self.bureau_user, measure=entry[3], owner=f"{self.school.name}总务处",
                    funds="区财政安全专项资金", bureau_deadline=max(self.today, hazard.deadline) + dt.timedelta(days=15),
                    contingency_plan="发现险情立即疏散师生，启动学校突发事件应急预案", note="挂牌督办")
            if hazard.level == HazardLevel.MAJOR and target == HazardStatus.AWAITING_SIGNOFF:
                target = HazardStatus.AWAITING_DELISTING
            hazard = self.advance(hazard, target)
            self.backdate(hazard, found_on)
            made.append(hazard)
        # Recurring (屡查屡有): the same place again, at every third school.
        if n_school % 3 == 0:
            closed = [h for h in made if h.status == HazardStatus.CLOSED]
            if closed:
                first = closed[0]
                entry = next(e for e in CATALOGUE if e[1] == first.title)
                again = self.register(entry, found_on=self.today - dt.timedelta(days=rng.randint(1, 5)),
                                      location=first.location)
                made.append(again)
        return made

    # -- inspections -----------------------------------------------------------------------
    def build_inspections(self):
        rng = self.rng
        areas = list(self.areas.values())
        if self.officer is not None:
            insp = services.inspection_create(
                organisation=self.school, actor=self.officer, kind=InspectionKind.SELF, title="消防安全专项自查",
                focus_areas=[a for a in areas if a.code == "fire"][:1], planned_for=self.today - dt.timedelta(days=3),
                participants="保卫处、总务处")
            items = list(insp.items.all())
            for n, item in enumerate(items):
                if n == 1:
                    services.inspection_record_item(
                        item=item, actor=self.officer, result=ItemResult.FAIL, note="二楼东侧灭火器压力不足",
                        hazard={"location": "综合楼二楼东侧", "deadline": self.today + dt.timedelta(days=5),
                                "measures": "更换灭火器"})
                else:
                    services.inspection_record_item(item=item, actor=self.officer, result=ItemResult.PASS)
            if items:
                services.inspection_complete(inspection=insp, actor=self.officer, summary="发现问题1处，已登记整改")
            # today's checklist, half done
            insp = services.inspection_create(
                organisation=self.school, actor=self.officer, kind=InspectionKind.SELF, title="危化品及实验室检查",
                focus_areas=[a for a in areas if a.code == "hazchem"][:1], extra_items=["实验室门窗防盗设施"])
            for item in list(insp.items.all())[:3]:
                services.inspection_record_item(item=item, actor=self.officer, result=ItemResult.PASS)
            InspectionSchedule.objects.get_or_create(
                organisation=self.school, title="校园欺凌每周排查",
                defaults={"kind": InspectionKind.SELF, "frequency": InspectionSchedule.Frequency.WEEKLY,
                          "next_due": self.today + dt.timedelta(days=(7 - self.today.weekday()) % 7 or 7),
                          "assignee": self.officer})
        for leader, times in ((self.principal, 1), (self.leader, 1)):
            if leader is None:
                continue
            for k in range(times):
                insp = services.inspection_create(
                    organisation=self.school, actor=leader, kind=InspectionKind.LEADER, title="校领导带队安全检查",
                    planned_for=self.today - dt.timedelta(days=rng.randint(1, 12) + k),
                    extra_items=["校门值守", "食堂操作间", "教学楼疏散通道"])
                for item in insp.items.all():
                    services.inspection_record_item(item=item, actor=leader, result=ItemResult.PASS)
                services.inspection_complete(inspection=insp, actor=leader, summary="未发现问题")
        if self.inspector is not None:
            insp = services.inspection_create(
                organisation=self.school, actor=self.inspector, kind=InspectionKind.BUREAU, title="区局安全督查",
                focus_areas=areas[:2], planned_for=self.today - dt.timedelta(days=rng.randint(5, 30)),
                participants="区教育局督查组")
            for item in insp.items.all():
                services.inspection_record_item(item=item, actor=self.inspector,
                                                result=rng.choice([ItemResult.PASS, ItemResult.PASS, ItemResult.NA]))
            services.inspection_complete(inspection=insp, actor=self.inspector, summary="督查整体情况良好")


def _accountability(schools, bureau_user):
    today = timezone.localdate()
    rows = [
        ("总务处", "隐患逾期未整改，督办后仍未落实", "约谈并责令限期整改"),
        ("保卫处", "校门口值守不到位，暗访发现无人值守", "全区通报批评"),
        (None, "危化品未落实双人双锁，屡查屡有", "诫勉谈话"),
    ]
    for school, (dept_name, reason, measure) in zip(schools, rows, strict=False):
        overdue = list(Hazard.objects.overdue().filter(organisation=school)[:2])
        dept = school.departments.filter(name=dept_name).first() if dept_name else None
        person = None if dept else Person.objects.filter(organisation=school).order_by("pk").first()
        if dept is None and person is None:
            continue
        services.accountability_create(
            organisation=school, actor=bureau_user, person=person, department=dept, hazards=overdue, reason=reason,
            measure=measure, decided_on=today - dt.timedelta(days=3), decided_by="郑东新区教育文化体育局",
            made_public=measure == "全区通报批评")


@demo.register(30, "hazards")
def build(stdout=None):
    district = _district()
    if district is None:
        if stdout is not None:
            stdout.write("hazards: no demo district yet; skipped")
        return
    schools = list(Organisation.objects.below(district).schools().order_by("code"))[:MAX_SCHOOLS]
    if Hazard.objects.filter(organisation__in=schools).exists():
        if stdout is not None:
            stdout.write("hazards: demo hazards already there; skipped")
        return
    bureau_user = _user(district, Role.BUREAU_SAFETY)
    inspector = _user(district, Role.BUREAU_INSPECTOR)
    rng = random.Random(2019)
    with transaction.atomic():
        for n, school in enumerate(schools, start=1):
            sd = SchoolDemo(school, bureau_user, inspector, rng)
            sd.build_hazards(n)
            sd.build_inspections()
        if len(schools) > 2:
            # an unannounced visit planned by the bureau: invisible to the school until it starts
            services.inspection_create(organisation=schools[2], actor=inspector, kind=InspectionKind.UNANNOUNCED,
                                       title="“四不两直”暗访检查", planned_for=timezone.localdate() + dt.timedelta(days=2),
                                       extra_items=["校门口值守", "食堂食品安全", "实验室危化品管理"])
        _accountability(schools[1:4], bureau_user)
    if stdout is not None:
        qs = Hazard.objects.filter(organisation__in=schools)
        stdout.write(f"hazards: {qs.count()} hazards ({qs.filter(level='major').count()} major, "
                     f"{qs.overdue().count()} overdue, {qs.filter(is_recurring=True).count()} recurring), "
                     f"{Inspection.objects.filter(organisation__in=schools).count()} inspections")
