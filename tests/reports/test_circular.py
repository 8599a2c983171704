"""The bureau's monthly circular (通报): drafted from the records as a Word document and a page,
approved by a bureau leader, published to the schools below; a published one is never replaced."""
import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from docx import Document

from campaign_site.accounts.models import Role, SchoolType
from campaign_site.generic.errors import DomainError
from campaign_site.notifications.models import Notice
from hazards.models import Hazard
from reports import selectors, services, tasks
from reports.circular import circular_approve, circular_edit, circular_publish, draft_circular
from reports.models import Circular, CircularStatus, ItemKind
from tests import factories as f
from tests.hazards import factories as hf

from . import factories as rf

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
MONTH = rf.MONTH  # April 2026
TITLE = "关于2026年4月测试攻坚行动进展情况的通报"


def _at(day, hour=10):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(hour), tzinfo=SH), tick=False)


@pytest.fixture
def april(db, district, school_a, school_b, officer_a, principal_a, bureau_staff):
    """April 2026 in the test district: 实验小学 reported on time with a typical case the bureau chose,
    第一中学 reported late, 第二中学 did not report; a listed major hazard and an overdue one, and an
    accountability decision made public."""
    school_c = f.organisation(name="第二中学", parent=district, school_type=SchoolType.JUNIOR, code="SCHC0001")
    campaign = rf.campaign_for(school_a)
    due = selectors.due_date(campaign, MONTH)
    with _at(datetime.date(2026, 4, 14)):
        listed = hf.major_hazard(school_b, title="教学楼外墙瓷砖脱落", found_on=datetime.date(2026, 4, 6),
                                 deadline=datetime.date(2026, 6, 30))
        Hazard.objects.filter(pk=listed.pk).update(is_listed=True)
        overdue = hf.major_hazard(school_a, title="食堂燃气管道锈蚀", found_on=datetime.date(2026, 4, 6),
                                  deadline=datetime.date(2026, 4, 20))
        hf.accountability(school_a, reason="隐患整改不力，逾期未报。", measure="通报批评", made_public=True,
                          decided_on=datetime.date(2026, 4, 12))
        hf.accountability(school_b, reason="内部问责，不予曝光。", measure="约谈", decided_on=datetime.date(2026, 4, 13))
    rep_a, rep_b = rf.report(school_a), rf.report(school_b)
    case = rep_a.items.get(kind=ItemKind.TYPICAL_CASE)
    with _at(due - datetime.timedelta(days=2)):
        services.report_approve(report=rep_a, actor=principal_a)
    with _at(due + datetime.timedelta(days=3)):
        services.report_approve(report=rep_b, actor=f.member(school_b, Role.PRINCIPAL))
    services.item_select_for_circular(item=case, actor=bureau_staff, selected=True)
    return {"campaign": campaign, "school_c": school_c, "case": case, "listed": listed, "overdue": overdue,
            "district": district}


@pytest.fixture
def in_may():
    with _at(datetime.date(2026, 5, 5)):
        yield


def _read(circular):
    with circular.document.open("rb") as fh:
        return Document(io.BytesIO(fh.read()))


def _text(doc):
    return [p.text for p in doc.paragraphs]


@pytest.mark.django_db
def test_the_circular_is_a_word_document_naming_late_and_missing_schools(april, in_may, bureau_staff, school_a):
    circular = draft_circular(bureau=april["district"], campaign=april["campaign"], month=MONTH, actor=bureau_staff)

    doc = _read(circular)
    text = _text(doc)
    body = "\n".join(text)
    assert TITLE in text
    assert circular.number == "测试区教育局安全通报〔2026〕1号" and circular.number in text
    assert text[0] == "测试区教育局"  # the issuing bureau heads the document
    for heading in ("一、总体进展", "二、排名情况", "三、月报报送情况", "四、逾期及挂牌督办重大隐患", "五、追责问责及曝光",
                    "六、典型案例"):
        assert heading in text, heading
    late = next(p for p in text if p.startswith("逾期报送"))
    missing = next(p for p in text if p.startswith("未报送"))
    assert "第一中学" in late and "实验小学" not in late
    assert "第二中学" in missing
    assert "学校共3所" in body and "按时报送1所" in body
    assert "食堂燃气管道锈蚀" in body and "教学楼外墙瓷砖脱落" in body and "挂牌督办" in body
    assert "隐患整改不力，逾期未报。" in body and "内部问责" not in body
    assert f"（一）{april['case'].title}（实验小学）" in text and april["case"].body in body
    signed = text.index("2026年5月5日")  # signed by the bureau, dated the day it was drafted
    assert text[signed - 1] == "测试区教育局" and text[signed - 3].startswith("附件：")
    table = doc.tables[0]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0][:3] == ["序号", "学校", "报送情况"]
    assert {r[1]: r[2] for r in rows[1:]} == {"实验小学": "按时报送", "第一中学": "逾期报送", "第二中学": "未报送"}

    # the same circular as a page for the bureau
    client = Client()
    client.force_login(bureau_staff)
    page = client.get(circular.get_absolute_url()).content.decode()
    assert TITLE in page and "第二中学" in page and april["case"].title in page
    assert client.get(reverse("reports:circular_document", args=[circular.pk]))["Content-Disposition"] \
        .startswith("attachment")


@pytest.mark.django_db
def test_drafting_a_month_twice_keeps_one_draft_with_the_new_records(april, in_may, bureau_staff,
                                                                      django_capture_on_commit_callbacks):
    assert tasks.draft_monthly_circulars("2026-04-01") == 1
    first = Circular.objects.get()
    assert "第二中学" in first.content["sections"][2]["paragraphs"][-1]

    hf.major_hazard(april["school_c"], title="围墙裂缝", found_on=datetime.date(2026, 4, 2),
                    deadline=datetime.date(2026, 4, 9))
    client = Client()
    client.force_login(bureau_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:circular_draft"),
                               {"campaign": april["campaign"].pk, "month": "2026-04"}, follow=True)
    assert "正在根据记录起草" in response.content.decode()
    assert tasks.draft_monthly_circulars("2026-04-01") == 1

    assert Circular.objects.count() == 1
    again = Circular.objects.get()
    assert again.pk == first.pk and again.status == CircularStatus.DRAFT and again.number == first.number
    assert "围墙裂缝" in str(again.content)
    assert "围墙裂缝" in "\n".join(_text(_read(again)))


@pytest.mark.django_db
def test_only_a_bureau_leader_approves(april, in_may, bureau_staff, bureau_leader):
    circular = draft_circular(bureau=april["district"], campaign=april["campaign"], month=MONTH)
    url = reverse("reports:circular_step", args=[circular.pk, "approve"])
    staff = Client()
    staff.force_login(bureau_staff)
    assert 'data-testid="step-approve"' not in staff.get(circular.get_absolute_url()).content.decode()
    staff.post(url)
    circular.refresh_from_db()
    assert circular.status == CircularStatus.DRAFT
    with pytest.raises(DomainError, match="Only a leader of the bureau approves its circular"):
        circular_approve(circular=circular, actor=bureau_staff)

    leader = Client()
    leader.force_login(bureau_leader)
    assert 'data-testid="step-approve"' in leader.get(circular.get_absolute_url()).content.decode()
    assert leader.post(url).status_code == 302
    circular.refresh_from_db()
    assert circular.status == CircularStatus.APPROVED and circular.approved_by == bureau_leader


@pytest.mark.django_db
def test_a_published_circular_is_seen_by_the_schools_and_never_replaced(
        april, in_may, bureau_staff, bureau_leader, officer_a, other_school, django_capture_on_commit_callbacks):
    circular = draft_circular(bureau=april["district"], campaign=april["campaign"], month=MONTH)
    school = Client()
    school.force_login(officer_a)
    neighbour = Client()
    neighbour.force_login(f.member(other_school, Role.SAFETY_OFFICER))
    assert school.get(circular.get_absolute_url()).status_code == 404  # a draft is the bureau's own
    assert school.get(reverse("reports:circular_document", args=[circular.pk])).status_code == 404
    assert TITLE not in school.get(reverse("reports:circular_list")).content.decode()

    circular_approve(circular=circular, actor=bureau_leader)
    circular.refresh_from_db()
    assert school.get(circular.get_absolute_url()).status_code == 404  # approved, not yet published
    with django_capture_on_commit_callbacks(execute=True):  # the notices go out in a task
        circular_publish(circular=circular, actor=bureau_staff)

    assert Notice.objects.filter(recipient=officer_a, key=f"reports:circular:{circular.pk}").exists()
    assert TITLE in school.get(reverse("reports:circular_list")).content.decode()
    page = school.get(circular.get_absolute_url())
    assert page.status_code == 200 and "第一中学" in page.content.decode()
    assert school.get(reverse("reports:circular_document", args=[circular.pk])).status_code == 200
    assert neighbour.get(circular.get_absolute_url()).status_code == 404  # another district's school

    before = _read(circular).paragraphs[0].text, circular.content
    hf.major_hazard(april["school_c"], title="围墙裂缝", found_on=datetime.date(2026, 4, 2),
                    deadline=datetime.date(2026, 4, 9))
    with pytest.raises(DomainError, match="already Published; it is not replaced"):
        draft_circular(bureau=april["district"], campaign=april["campaign"], month=MONTH)
    assert tasks.draft_monthly_circulars("2026-04-01") == 0
    circular.refresh_from_db()
    assert circular.status == CircularStatus.PUBLISHED and circular.content == before[1]
    assert "围墙裂缝" not in str(circular.content)


@pytest.mark.django_db
def test_the_management_command_writes_the_circular(april, in_may, tmp_path):
    out = tmp_path / "通报.docx"
    call_command("draft_circular", "--bureau", "DIST0001", "--month", "2026-04", str(out))
    doc = Document(str(out))
    assert TITLE in _text(doc)
    assert Circular.objects.get().status == CircularStatus.DRAFT


@pytest.mark.django_db
def test_the_demo_district_has_one_published_circular(django_capture_on_commit_callbacks):
    from campaign_site.accounts.models import User
    from campaign_site.generic import demo

    with time_machine.travel(datetime.datetime(2026, 12, 2, 9, tzinfo=SH), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            for _order, name, fn in demo.builders():
                if name in ("accounts", "campaigns", "reports", "reports circular"):
                    fn(io.StringIO())
        circular = Circular.objects.get()
        assert circular.status == CircularStatus.PUBLISHED and circular.approved_by.username == "bureauleader"
        officer = Client()
        officer.force_login(User.objects.get(username="officer1"))
        page = officer.get(circular.get_absolute_url())
        assert page.status_code == 200 and circular.title in page.content.decode()
        assert Notice.objects.filter(recipient__username="officer1", key=f"reports:circular:{circular.pk}").exists()
        for _order, name, fn in demo.builders():  # idempotent
            if name == "reports circular":
                fn(io.StringIO())
        assert Circular.objects.count() == 1


@pytest.mark.django_db
def test_the_bureau_corrects_the_wording_of_a_draft_and_the_word_document_follows(
        april, in_may, bureau_staff, bureau_leader):
    circular = draft_circular(bureau=april["district"], campaign=april["campaign"], month=MONTH)
    client = Client()
    client.force_login(bureau_staff)
    url = reverse("reports:circular_edit", args=[circular.pk])
    assert url in client.get(circular.get_absolute_url()).content.decode()
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(date="2026-05-06", opening="各学校：现将四月专项整治工作情况通报如下。",
                heading_0="一、总体进展情况", text_0="全区整体推进有序。\n\n部分学校整改偏慢，需加快。")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    circular.refresh_from_db()
    assert circular.content["sections"][0]["paragraphs"] == ["全区整体推进有序。", "部分学校整改偏慢，需加快。"]
    assert circular.content["sections"][5]["cases"]  # the chosen cases stay as drafted
    text = _text(_read(circular))
    assert "一、总体进展情况" in text and "部分学校整改偏慢，需加快。" in text and "2026年5月6日" in text
    assert "各学校：现将四月专项整治工作情况通报如下。" in text
    assert circular.history.first().history_change_reason == "人工修改文字"  # in the page's language
    # Drafting again asks first, since it would replace the corrections.
    assert "data-confirm" in client.get(circular.get_absolute_url()).content.decode()

    # An approved circular is not corrected any more, through the page or the service.
    circular_approve(circular=circular, actor=bureau_leader)
    assert client.get(url).status_code == 403
    with pytest.raises(DomainError, match="Only a draft circular can be corrected"):
        circular_edit(circular=circular, actor=bureau_staff, number="x", title="x", date=datetime.date(2026, 5, 6),
                      opening="", sections=[("", "")] * len(circular.content["sections"]))


@pytest.mark.django_db
def test_a_school_cannot_correct_the_bureaus_draft(april, in_may, officer_a, bureau_leader):
    circular = draft_circular(bureau=april["district"], campaign=april["campaign"], month=MONTH)
    with pytest.raises(DomainError, match="Only the bureau's safety staff"):
        circular_edit(circular=circular, actor=bureau_leader, number="x", title="x", date=datetime.date(2026, 5, 6),
                      opening="", sections=[("", "")] * len(circular.content["sections"]))
    client = Client()
    client.force_login(officer_a)
    assert client.get(reverse("reports:circular_edit", args=[circular.pk])).status_code == 404
