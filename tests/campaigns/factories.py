"""Small campaigns for tests (the shipped templates are loaded only where a test is about them)."""
import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from campaign_site.campaigns.documents import make_docx
from campaign_site.campaigns.models import (
    Campaign,
    CampaignStatus,
    CheckItem,
    Deadline,
    DeadlineKind,
    FocusArea,
    Phase,
    PhaseKind,
)

BUREAU_PLAN = (
    "各学校要分别制定攻坚行动实施方案，对相关工作进行详细安排部署，广泛进行动员。"
    "各学校对已发现的重大事故隐患进行梳理，列出清单。严格按照校园安全责任机制，落实到具体人员。"
    "危险化学药品是否用专柜存放，存放柜是否有危险标志。化学药品存放是否做到定柜、定位，摆放整齐。"
    "对易燃、易爆、剧毒、易制毒等化学药品是否实行双人双锁管理，双人收发、双人记账。"
    "学校消防设施是否完好有效，疏散通道、安全出口是否畅通，是否定期组织消防演练。"
)


def campaign(organisation, *, status=CampaignStatus.ACTIVE, plan_deadline=dt.date(2026, 3, 20),
             start=dt.date(2026, 3, 1), end=dt.date(2026, 6, 30), title="测试攻坚行动", plan_text=BUREAU_PLAN):
    c = Campaign.objects.create(organisation=organisation, title=title, start=start, end=end, status=status,
                                plan_text=plan_text, issuer_name=organisation.name)
    Phase.objects.create(campaign=c, order=1, kind=PhaseKind.MOBILISATION, name="安排部署阶段", start=start,
                         end=start + dt.timedelta(days=20))
    if plan_deadline:
        Deadline.objects.create(campaign=c, kind=DeadlineKind.PLAN, name="报送实施方案", date=plan_deadline)
    area = FocusArea.objects.create(campaign=c, code="fire", order=1, name="消防安全")
    CheckItem.objects.create(focus_area=area, number="1", order=1, text="疏散通道是否畅通")
    return c


def docx_upload(paragraphs, name="实施方案.docx"):
    return SimpleUploadedFile(name, make_docx(paragraphs),
                              content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")


def photo_upload(name="photo.jpg"):
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buf, format="JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


ORIGINAL_PLAN = [
    "实验小学攻坚行动工作安排",
    "结合本校校舍建成较早、午间就餐人数多、放学时段门口车流集中的实际，本学期把食堂燃气管线和校门口接送秩序作为重点。",
    "校长任组长，分管后勤的副校长任副组长，办公室设在保卫处，由保卫处主任负责日常联络，每周一例会通报进度。",
    "北侧围墙约十五米出现裂缝，已拉警戒线并联系维修单位，暑假期间完成加固。",
]
