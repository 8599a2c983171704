"""Demo data of the campaigns app: both shipped templates started at the 郑东 district bureau with
dates moved to now, plans on time / late / missing / returned / accepted (one largely copied),
and trainings and drills. Runs after the accounts builder; idempotent (a campaign copied from a
template at that bureau is not started twice)."""
from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from campaign_site.accounts.models import Membership, Organisation, OrgKind, Role, User
from campaign_site.generic import demo
from campaign_site.generic.attachments import attachment_add
from campaign_site.generic.models import TransitionLog

from . import services
from .documents import make_docx
from .models import Activity, ActivityKind, Campaign, CampaignStatus, ImplementationPlan, PlanStatus
from .similarity import compare
from .templates_loader import templates_load_all


def _bureau() -> Organisation | None:
    return (Organisation.objects.filter(kind=OrgKind.DISTRICT_BUREAU, name__contains="郑东")
            .order_by("path").first())


def _user_with(org: Organisation, role: str) -> User | None:
    m = (Membership.objects.filter(organisation=org, role=role, is_active=True, user__is_active=True)
         .select_related("user").order_by("pk").first())
    return m.user if m else None


def original_plan(school: Organisation) -> list[str]:
    name = school.name
    return [
        f"{name}落实“防风险除隐患保平安”攻坚行动工作安排",
        f"一、工作目标。结合{name}校舍多为二〇〇八年前后建成、学生午间在校就餐人数多、放学时段门口车流集中的实际，"
        "本学期把实验室药品柜、食堂燃气管线、教学楼疏散楼梯和校门口接送秩序作为本校排查的四个重点。",
        "二、领导小组。校长任组长，分管后勤的副校长任副组长，办公室设在保卫处，由保卫处主任负责日常联络；"
        "各年级组长、后勤处主任、实验室管理员为成员，每周一例会通报排查进度。",
        "三、排查安排。七月上旬由后勤处牵头，对照学校平面图逐楼逐层过一遍，电工同步测量配电箱绝缘情况；"
        "实验员每两周盘点一次药品柜，领用登记本由两名老师分别签字；门卫室增加一名保安负责早晚高峰。",
        "四、已知较大隐患。北侧围墙有约十五米出现裂缝，已拉警戒线并报告后勤处联系维修单位；"
        "二号教学楼西侧楼梯扶手松动，暑假期间更换。",
        "五、整改要求。每条问题在台账中写明谁负责、怎么改、哪天改完，整改后由保卫处另派一人复查并拍照留存，"
        "校长每半个月带队检查一次，其他校领导每月至少两次。",
        "六、培训演练。开学第一周组织全体教职工消防器材使用培训，九月组织一次全校疏散演练并请消防队员现场点评。",
    ]


def copied_plan(campaign: Campaign, school: Organisation) -> list[str]:
    paragraphs = [p for p in campaign.plan_text.split("\n") if len(p) > 20]
    out = [f"{school.name}“防风险除隐患保平安迎大庆”攻坚行动实施方案"]
    out.extend(p.replace("全区", "我校").replace("各学校", "各处室") for p in paragraphs[:25])
    return out


def _docx(name: str, paragraphs: list[str]) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        f"{name}.docx", make_docx(paragraphs),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")


def _backdate(plan: ImplementationPlan, when: dt.datetime):
    ImplementationPlan.objects.filter(pk=plan.pk).update(submitted_at=when, first_submitted_at=when)
    TransitionLog.objects.filter(object_id=plan.pk, name="submit",
                                 content_type__model="implementationplan").update(at=when)


def _submit(campaign, school, paragraphs, when, leader, deputy, office):
    """Submit through the service when the school has a login; otherwise record the plan the same
    way without a submitting user (demo schools beyond 1 and 2 have no accounts)."""
    actor = _user_with(school, Role.SAFETY_OFFICER) or _user_with(school, Role.PRINCIPAL)
    document = _docx(f"{school.name}实施方案", paragraphs)
    if actor is not None:
        plan = services.plan_submit(campaign=campaign, organisation=school, actor=actor, leader=leader,
                                    deputy=deputy, office=office, document=document,
                                    known_major_hazards=paragraphs[4] if len(paragraphs) > 4 else "")
    else:
        text = "\n".join(paragraphs)
        result = compare(text, campaign.plan_text)
        plan = ImplementationPlan.objects.create(
            campaign=campaign, organisation=school, status=PlanStatus.SUBMITTED, leader=leader, deputy=deputy,
            office=office, text=text, text_extracted=True, similarity=result.similarity, overlap=result.passages,
            submitted_at=when, first_submitted_at=when,
        )
        services._log(plan, name="submit", from_state="", to_state=PlanStatus.SUBMITTED, actor=None)
        attachment_add(obj=plan, upload=document, actor=None, kind="plan", organisation=school)
    _backdate(plan, when)
    return plan


def _start(template_slug: str, bureau: Organisation, actor: User, *, title: str, number: str, start: dt.date):
    template = Campaign.objects.get(is_template=True, slug=template_slug)
    existing = Campaign.objects.filter(organisation=bureau, source=template).first()
    if existing:
        return existing, False
    campaign = services.campaign_start_from_template(template=template, organisation=bureau, actor=actor,
                                                     title=title, document_number=number, start=start)
    services.campaign_activate(campaign=campaign, actor=actor)
    campaign.refresh_from_db()
    return campaign, True


@demo.register(20, "campaigns")
def build(stdout=None):
    if not Campaign.objects.templates().exists():
        templates_load_all()
    bureau = _bureau()
    if bureau is None:
        if stdout is not None:
            stdout.write("campaigns: no 郑东 district bureau yet; skipped")
        return
    actor = _user_with(bureau, Role.BUREAU_SAFETY)
    if actor is None:
        if stdout is not None:
            stdout.write("campaigns: the district bureau has no safety staff login; skipped")
        return
    today = timezone.localdate()
    year = today.year
    with transaction.atomic():
        zd, zd_new = _start("zhengdong-2019", bureau, actor,
                            title="郑东新区教育系统“防风险除隐患保平安”攻坚行动方案",
                            number=f"郑东教文体〔{year}〕58号", start=today - dt.timedelta(days=40))
        qd, qd_new = _start("qingdao-2019", bureau, actor, title="郑东新区中小学幼儿园安全隐患集中整治实施方案",
                            number=f"郑东教文体〔{year}〕72号", start=today - dt.timedelta(days=10))
        if zd_new:
            _zhengdong_plans(zd, bureau, actor)
        if qd_new:
            _qingdao_plans(qd, bureau)
        _activities(bureau, zd)
    if stdout is not None:
        plans = ImplementationPlan.objects.filter(campaign__organisation=bureau).count()
        stdout.write(f"campaigns: 2 campaigns at {bureau.name}, {plans} implementation plans")


def _zhengdong_plans(campaign: Campaign, bureau: Organisation, actor: User):
    deadline = campaign.plan_deadline().date
    tz = timezone.get_current_timezone()

    def at(day: dt.date, hour: int) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 30)), tz)

    schools = list(Organisation.objects.schools().below(bureau).filter(is_active=True).order_by("code"))
    for i, school in enumerate(schools):
        if i >= 16:
            break  # the rest are missing
        late = i in (1, 12, 13, 14, 15)
        day = deadline + dt.timedelta(days=2 + i % 5) if late else deadline - dt.timedelta(days=1 + i % 6)
        paragraphs = copied_plan(campaign, school) if i in (1, 7) else original_plan(school)
        plan = _submit(campaign, school, paragraphs, at(day, 9 + i % 8), leader="校长",
                       deputy="分管安全副校长", office="保卫处")
        if i == 0:
            services.plan_return(plan=plan, actor=actor,
                                 reason="领导小组未写明办公室联系人；已知重大隐患清单缺少整改时限，请补充后重新报送。")
        elif i in (2, 3, 4, 5):
            services.plan_accept(plan=plan, actor=actor)
        elif i == 7:
            services.plan_return(plan=plan, actor=actor,
                                 reason="方案大段照抄局方案，未结合本校实际，请重新制定。")


def _qingdao_plans(campaign: Campaign, bureau: Organisation):
    schools = list(Organisation.objects.schools().below(bureau).filter(is_active=True).order_by("code")[2:6])
    now = timezone.now()
    for i, school in enumerate(schools):
        _submit(campaign, school, original_plan(school), now - dt.timedelta(days=3 - i % 3, hours=i),
                leader="校长", deputy="分管安全副校长", office="总务处")


DEMO_ACTIVITIES = [
    (ActivityKind.TRAINING, 35, "教职工消防器材使用培训", 62),
    (ActivityKind.DRILL, 30, "全校师生应急疏散演练", 860),
    (ActivityKind.TRAINING, 21, "危险化学品保管与领用规范培训", 12),
    (ActivityKind.DRILL, 12, "防汛应急演练", 45),
    (ActivityKind.TRAINING, 5, "校车驾驶员及随车照管人员安全培训", 18),
]


def _activities(bureau: Organisation, campaign: Campaign):
    today = timezone.localdate()
    schools = Organisation.objects.schools().below(bureau).filter(is_active=True).order_by("code")[:2]
    for school in schools:
        actor = _user_with(school, Role.SAFETY_OFFICER)
        if actor is None:
            continue
        for kind, days_ago, topic, participants in DEMO_ACTIVITIES:
            if Activity.objects.filter(organisation=school, topic=topic).exists():
                continue
            services.activity_record(organisation=school, actor=actor, kind=kind,
                                     date=today - dt.timedelta(days=days_ago), topic=topic,
                                     participants=participants, campaign=campaign
                                     if campaign.status == CampaignStatus.ACTIVE else None)
