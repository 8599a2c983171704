"""The hazard closed loop in a real browser, on a phone-sized screen.

1. A general hazard: the safety officer runs a campaign checklist, fails an item with a photo and
   registers the hazard in the same step; the responsible person submits the fix with an "after"
   photo; a school leader (not the rectifier) re-inspects; the principal signs off; closed.
2. A major hazard: the bureau lists it for supervision (five fixes, interim measures, watcher); the
   school rectifies, re-inspects and the principal signs off, which only asks for delisting; no
   school user can close it; the bureau delists it and it is closed.
"""
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from campaign_site.accounts.models import Person
from campaign_site.campaigns.models import CheckItem, FocusArea
from campaign_site.generic.attachments import attachments_for
from campaign_site.generic.errors import DomainError, TransitionNotAllowed
from hazards import services
from hazards.models import (
    HAZARD_FLOW,
    Hazard,
    HazardLevel,
    HazardSource,
    HazardStatus,
    Inspection,
    InspectionStatus,
    ItemResult,
)
from tests.campaigns import factories as cf

from .conftest import login, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def zh(label) -> str:
    """A label as the (Chinese) pages render it."""
    with translation.override("zh-hans"):
        return str(label)


def jpeg(path, colour=(200, 30, 30)):
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buf, format="JPEG")
    path.write_bytes(buf.getvalue())
    return str(path)


def phone(new_page, username):
    return login(new_page(**PHONE), username)


def open_hazard(page, hazard):
    page.goto(reverse("hazards:hazard_detail", args=[hazard.pk]))
    page.locator("[data-testid=status]").wait_for()
    return page


def go(page, target):
    """Click `target` (a selector or a locator of `page`) and wait for the page it leads to."""
    locator = page.locator(target) if isinstance(target, str) else target
    with page.expect_navigation():
        locator.click()
    page.wait_for_load_state()


def submit_action(page):
    """Press the step's confirm button (a data-confirm dialog is accepted) and land on the hazard."""
    go(page, "[data-testid=confirm]")
    errors = page.locator("[data-testid=action-form] .alert-danger, [data-testid=action-form] .invalid-feedback")
    assert errors.count() == 0, f"the step was refused: {errors.all_inner_texts()}"
    page.locator("[data-testid=status]").wait_for()


SAVE_BUTTON_HAS_FORM = "() => document.querySelector('[data-testid=save]').form !== null"


def save(page):
    """Press Save on a page built on generic/object_form.html (the button must belong to the form)."""
    assert page.evaluate(SAVE_BUTTON_HAS_FORM), "pressing Save would submit nothing"
    go(page, "[data-testid=save]")
    page.wait_for_load_state()
    errors = page.locator("main .invalid-feedback, main .alert-danger")
    assert errors.count() == 0, f"the form was refused: {errors.all_inner_texts()}"


def status_text(page) -> str:
    return page.locator("[data-testid=status]").inner_text().strip()


def action_names(page) -> list[str]:
    return [t.removeprefix("action-") for t in
            page.locator("[data-testid=hazard-actions] [data-testid^=action-]").evaluate_all(
                "els => els.map(e => e.dataset.testid)")]


def timeline_labels(page) -> list[str]:
    return [t.strip() for t in page.locator("[data-testid=timeline] li .fw-semibold").all_inner_texts()]


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


# --------------------------------------------------------------------------------------------
# 1. Checklist -> failed item with a photo -> hazard -> fix -> re-inspection -> sign-off -> closed
# --------------------------------------------------------------------------------------------


def test_checklist_fail_to_closed_hazard(new_page, district, school_a, officer_a, principal_a, leader_a,
                                         responsible_a, tmp_path):
    campaign = cf.campaign(district, title="校园安全隐患排查整治攻坚行动")
    area = FocusArea.objects.get(campaign=campaign)
    exits = CheckItem.objects.get(focus_area=area)  # "1 疏散通道是否畅通"
    extinguishers = CheckItem.objects.create(focus_area=area, number="2", order=2, text="灭火器是否在有效期内")
    responsible = Person.objects.get(user=responsible_a)

    # --- the safety officer opens an inspection from the campaign's checklist, on the phone
    officer = phone(new_page, "officer_a")
    officer.goto(reverse("hazards:inspection_create"))
    officer.fill("input[name=title]", "三月消防安全自查")
    officer.check(f"input[name=focus_areas][value='{area.pk}']")
    screenshot(officer, "hazard-journey-01-inspection-form")
    save(officer)
    inspection = Inspection.objects.get(organisation=school_a, title="三月消防安全自查")
    assert officer.url.endswith(reverse("hazards:inspection_detail", args=[inspection.pk]))
    assert inspection.campaign == campaign and inspection.status == InspectionStatus.IN_PROGRESS
    items = {i.check_item_id: i for i in inspection.items.all()}
    assert set(items) == {exits.pk, extinguishers.pk}, "the checklist is the focus area's check items"
    assert officer.locator("[data-testid=item]").count() == 2
    screenshot(officer, "hazard-journey-02-checklist")

    # --- item 2 passes
    passed = officer.locator(f"#item-{items[extinguishers.pk].pk}")
    passed.locator(f"label[for=r{items[extinguishers.pk].pk}p]").click()
    go(officer, passed.locator("button[type=submit]"))
    assert officer.locator(".alert-danger").count() == 0, officer.locator(".alert-danger").all_inner_texts()
    items[extinguishers.pk].refresh_from_db()
    assert items[extinguishers.pk].result == ItemResult.PASS

    # --- item 1 fails: note, photo and the pre-filled hazard fields, in one step
    item = items[exits.pk]
    card = officer.locator(f"#item-{item.pk}")
    card.locator(f"label[for=r{item.pk}f]").click()
    card.locator("textarea[name=note]").fill("北侧楼梯疏散通道堆放杂物")
    card.locator("input[name=photos]").set_input_files(jpeg(tmp_path / "疏散通道.jpg"))
    card.locator("details.bg-danger-subtle > summary").click()
    card.locator("input[name=open_hazard]").check()
    assert card.locator("input[name=hazard_title]").input_value() == exits.text, "the hazard is pre-filled"
    deadline = timezone.localdate() + datetime.timedelta(days=5)
    card.locator("input[name=deadline]").fill(deadline.isoformat())
    card.locator("select[name=responsible_person]").select_option(str(responsible.pk))
    card.locator("input[name=location]").fill("教学楼北侧楼梯")
    card.locator("textarea[name=measures]").fill("清理杂物，张贴禁止堆放标识")
    screenshot(officer, "hazard-journey-03-fail-item")
    go(officer, card.locator("button[type=submit]"))
    assert officer.locator(".alert-danger").count() == 0, officer.locator(".alert-danger").all_inner_texts()

    hazard = Hazard.objects.get(inspection_item=item)
    assert hazard.source == HazardSource.SELF
    assert hazard.check_item == exits and hazard.focus_area == area and hazard.campaign == campaign
    assert hazard.status in (HazardStatus.REGISTERED, HazardStatus.RECTIFYING)
    assert hazard.level == HazardLevel.GENERAL
    assert hazard.responsible_person == responsible
    assert hazard.location == "教学楼北侧楼梯" and hazard.deadline == deadline
    assert hazard.description == "北侧楼梯疏散通道堆放杂物"
    assert attachments_for(hazard, kind="before").count() == 1, "the finding photo is on the hazard"
    assert attachments_for(item, kind="finding").count() == 1, "and on the check item"
    item.refresh_from_db()
    assert item.result == ItemResult.FAIL and item.checked_by == officer_a
    assert hazard.number in officer.locator(".alert-success").inner_text()
    card = officer.locator(f"#item-{item.pk}")
    assert card.locator("[data-testid=result]").inner_text().strip() == zh(ItemResult.FAIL.label)
    assert card.locator("img").count() == 1
    screenshot(officer, "hazard-journey-04-hazard-registered")

    # the officer completes the inspection (every item is checked)
    go(officer, "[data-testid=complete]")
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.COMPLETED
    go(officer, card.locator(f"a[href='{hazard.get_absolute_url()}']"))
    assert status_text(officer) == zh(HazardStatus(hazard.status).label)
    assert officer.locator("[data-testid=attachments] img").count() == 1
    assert no_sideways_scroll(officer), "the hazard page scrolls sideways on a phone"
    screenshot(officer, "hazard-journey-05-hazard-page")

    # --- the responsible person submits the fix with an "after" photo
    rectifier = open_hazard(phone(new_page, "responsible_a"), hazard)
    assert "submit" in action_names(rectifier)
    assert "reinspect" not in action_names(rectifier)
    go(rectifier, "[data-testid=action-submit]")
    rectifier.fill("textarea[name=note]", "已清理全部杂物，张贴禁止堆放标识")
    rectifier.set_input_files("input[name=photos]", jpeg(tmp_path / "整改后.jpg", colour=(30, 160, 60)))
    screenshot(rectifier, "hazard-journey-06-rectify-form")
    submit_action(rectifier)
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.SUBMITTED and hazard.rectified_by == responsible_a
    assert attachments_for(hazard, kind="after").count() == 1
    assert status_text(rectifier) == zh(HazardStatus.SUBMITTED.label)
    assert rectifier.locator("[data-testid=rectification]").count() == 1
    assert rectifier.locator("[data-testid=attachments] img").count() == 2
    assert "reinspect" not in action_names(rectifier), "the rectifier does not re-inspect their own fix"
    screenshot(rectifier, "hazard-journey-07-submitted")

    # --- a school leader (not the rectifier) re-inspects: passed
    reinspector = open_hazard(phone(new_page, "leader_a"), hazard)
    go(reinspector, "[data-testid=action-reinspect]")
    reinspector.check("input[name=result][value=pass]")
    reinspector.fill("textarea[name=note]", "现场复查，通道畅通")
    screenshot(reinspector, "hazard-journey-08-reinspect-form")
    submit_action(reinspector)
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.AWAITING_SIGNOFF
    assert hazard.reinspected_by == Person.objects.get(user=leader_a)
    assert status_text(reinspector) == zh(HazardStatus.AWAITING_SIGNOFF.label)
    screenshot(reinspector, "hazard-journey-09-reinspected")

    # --- the principal signs off: closed
    principal = open_hazard(phone(new_page, "principal_a"), hazard)
    sign_off = principal.locator("[data-testid=action-sign_off]")
    assert sign_off.inner_text().strip() == zh(services.HAZARD_FLOW["sign_off"].label)
    go(principal, sign_off)
    principal.fill("textarea[name=note]", "同意销号")
    screenshot(principal, "hazard-journey-10-sign-off-form")
    submit_action(principal)
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.CLOSED
    assert hazard.signed_off_by == principal_a and hazard.closed_at is not None
    assert status_text(principal) == zh(HazardStatus.CLOSED.label)
    assert action_names(principal) == [], "a closed hazard has no more steps"

    expected = [zh(s.label) for s in (HazardStatus.REGISTERED, HazardStatus.RECTIFYING, HazardStatus.SUBMITTED,
                                      HazardStatus.AWAITING_SIGNOFF, HazardStatus.CLOSED)]
    assert timeline_labels(principal) == expected
    timeline = principal.locator("[data-testid=timeline]").inner_text()
    for name in ("安全员甲", "责任人甲", "副校长甲", "校长甲"):
        assert name in timeline, f"{name} is missing from the timeline"
    assert "已清理全部杂物" in timeline and "现场复查，通道畅通" in timeline and "同意销号" in timeline
    screenshot(principal, "hazard-journey-11-closed")


# --------------------------------------------------------------------------------------------
# 2. A major hazard: listed by the bureau, closed only by the bureau's delisting
# --------------------------------------------------------------------------------------------


def test_major_hazard_listed_and_delisted_by_the_bureau(new_page, district, school_a, officer_a, principal_a,
                                                        leader_a, responsible_a, bureau_staff, tmp_path):
    responsible = Person.objects.get(user=responsible_a)
    watcher = Person.objects.get(user=leader_a)
    today = timezone.localdate()

    # --- the safety officer registers a major hazard on the phone
    officer = phone(new_page, "officer_a")
    officer.goto(reverse("hazards:hazard_create"))
    officer.fill("input[name=title]", "教学楼外墙瓷砖大面积空鼓")
    officer.fill("input[name=location]", "教学楼南侧外墙")
    officer.select_option("select[name=level]", HazardLevel.MAJOR)
    officer.select_option("select[name=responsible_person]", str(responsible.pk))
    officer.set_input_files("input[name=photos]", jpeg(tmp_path / "外墙.jpg"))
    screenshot(officer, "hazard-major-01-register-form")
    save(officer)
    hazard = Hazard.objects.get(organisation=school_a, title="教学楼外墙瓷砖大面积空鼓")
    assert hazard.level == HazardLevel.MAJOR and hazard.status == HazardStatus.REGISTERED
    assert not hazard.is_listed
    assert attachments_for(hazard, kind="before").count() == 1
    assert status_text(officer) == zh(HazardStatus.REGISTERED.label)
    screenshot(officer, "hazard-major-02-registered")

    # --- the bureau lists it for supervision: five fixes, bureau deadline, interim measures, watcher
    bureau = open_hazard(phone(new_page, "bureau_staff"), hazard)
    assert "list" in action_names(bureau)
    go(bureau, "[data-testid=action-list]")
    bureau_deadline = today + datetime.timedelta(days=20)
    bureau.fill("textarea[name=measure]", "拆除空鼓瓷砖，重新挂网粉刷")
    bureau.fill("input[name=owner]", "实验小学校长")
    bureau.fill("input[name=funds]", "学校公用经费 8 万元")
    bureau.fill("input[name=bureau_deadline]", bureau_deadline.isoformat())
    bureau.fill("textarea[name=contingency_plan]", "南侧设置隔离区，学生改走北门")
    # interim measures and a watcher are required: first without them
    bureau.fill("textarea[name=interim_measures]", "")
    go(bureau, "[data-testid=confirm]")
    assert bureau.locator("[data-testid=action-form] .invalid-feedback").count() >= 2
    hazard.refresh_from_db()
    assert not hazard.is_listed, "listed without interim measures and a watcher"
    screenshot(bureau, "hazard-major-03-listing-refused")
    bureau.fill("textarea[name=interim_measures]", "外墙下方拉设警戒线，专人值守")
    bureau.select_option("select[name=watcher]", str(watcher.pk))
    screenshot(bureau, "hazard-major-04-listing-form")
    submit_action(bureau)
    hazard.refresh_from_db()
    assert hazard.is_listed and hazard.listed_by == bureau_staff and hazard.listing_bureau == district
    assert hazard.bureau_deadline == bureau_deadline and hazard.watcher == watcher
    assert hazard.interim_measures == "外墙下方拉设警戒线，专人值守"
    assert bureau.locator("[data-testid=listed]").is_visible()
    assert bureau.locator("[data-testid=listing]").count() == 1
    assert "list" not in action_names(bureau)
    screenshot(bureau, "hazard-major-05-listed")

    # --- the responsible person submits the fix
    rectifier = open_hazard(phone(new_page, "responsible_a"), hazard)
    go(rectifier, "[data-testid=action-submit]")
    rectifier.fill("textarea[name=note]", "空鼓瓷砖已全部拆除并重新粉刷")
    rectifier.set_input_files("input[name=photos]", jpeg(tmp_path / "外墙整改后.jpg", colour=(30, 160, 60)))
    submit_action(rectifier)
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.SUBMITTED
    assert attachments_for(hazard, kind="after").count() == 1
    screenshot(rectifier, "hazard-major-06-submitted")

    # --- the safety officer (not the rectifier) re-inspects: passed
    open_hazard(officer, hazard)
    go(officer, "[data-testid=action-reinspect]")
    officer.check("input[name=result][value=pass]")
    officer.fill("textarea[name=note]", "复查合格")
    submit_action(officer)
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.AWAITING_SIGNOFF
    screenshot(officer, "hazard-major-07-reinspected")

    # --- the principal's step is "sign off and request delisting", never "sign off and close"
    principal = open_hazard(phone(new_page, "principal_a"), hazard)
    sign_off = principal.locator("[data-testid=action-sign_off]")
    assert sign_off.inner_text().strip() == zh(services.HAZARD_FLOW["sign_off_listed"].label)
    assert zh(services.HAZARD_FLOW["sign_off"].label) not in principal.locator(
        "[data-testid=hazard-actions]").inner_text()
    screenshot(principal, "hazard-major-08-awaiting-signoff")
    go(principal, sign_off)
    principal.fill("textarea[name=note]", "校内复查合格，申请摘牌")
    submit_action(principal)
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.AWAITING_DELISTING
    assert hazard.signed_off_by == principal_a and hazard.closed_at is None and hazard.is_listed
    assert status_text(principal) == zh(HazardStatus.AWAITING_DELISTING.label)
    screenshot(principal, "hazard-major-09-awaiting-delisting")

    # --- no user of the school sees a delist, sign-off or close action now
    pages = {"principal_a": principal, "officer_a": officer, "responsible_a": rectifier,
             "leader_a": open_hazard(phone(new_page, "leader_a"), hazard)}
    for username, page in pages.items():
        open_hazard(page, hazard)
        assert status_text(page) == zh(HazardStatus.AWAITING_DELISTING.label)
        names = action_names(page)
        assert not {"delist", "sign_off", "start", "submit", "reinspect"} & set(names), (username, names)
        actions = page.locator("[data-testid=hazard-actions]").inner_text()
        for label in (services.HAZARD_FLOW["sign_off"].label, services.HAZARD_FLOW["delist"].label):
            assert zh(label) not in actions, (username, actions)
    screenshot(pages["leader_a"], "hazard-major-10-school-sees-no-close")

    # the step's page, reached by its address, sends the principal back to the hazard with a warning
    principal.goto(reverse("hazards:hazard_action", args=[hazard.pk, "delist"]))
    principal.wait_for_load_state()
    assert principal.url.endswith(hazard.get_absolute_url())
    assert principal.locator("main .alert-warning").count() == 1  # the message, not the session warning
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.AWAITING_DELISTING
    screenshot(principal, "hazard-major-11-principal-delist-refused")

    # and so does the service, for every school user
    with pytest.raises(TransitionNotAllowed):
        services.hazard_sign_off(hazard=hazard, actor=principal_a, note="直接销号")
    for user in (principal_a, officer_a, leader_a, responsible_a):
        with pytest.raises(DomainError):
            services.hazard_delist(hazard=hazard, actor=user, passed=True, note="直接销号")
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.AWAITING_DELISTING and hazard.closed_at is None

    # --- the bureau re-inspects and delists: closed
    open_hazard(bureau, hazard)
    assert "delist" in action_names(bureau)
    screenshot(bureau, "hazard-major-12-bureau-awaiting-delisting")
    go(bureau, "[data-testid=action-delist]")
    bureau.check("input[name=result][value=pass]")
    bureau.fill("textarea[name=note]", "区教育局现场复查合格，同意摘牌销号")
    screenshot(bureau, "hazard-major-13-delist-form")
    submit_action(bureau)
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.CLOSED
    assert hazard.delisted_by == bureau_staff and hazard.delisted_at is not None and hazard.closed_at is not None
    assert not hazard.is_under_supervision
    assert status_text(bureau) == zh(HazardStatus.CLOSED.label)
    assert bureau.locator("[data-testid=listed]").count() == 0
    assert action_names(bureau) == []

    expected = [zh(s.label) for s in (HazardStatus.REGISTERED,)]
    expected.append(zh(HAZARD_FLOW.events["list"]))  # listing keeps the status: the entry names the event
    expected += [zh(s.label) for s in (
        HazardStatus.RECTIFYING, HazardStatus.SUBMITTED, HazardStatus.AWAITING_SIGNOFF,
        HazardStatus.AWAITING_DELISTING, HazardStatus.CLOSED,
    )]
    assert timeline_labels(bureau) == expected
    timeline = bureau.locator("[data-testid=timeline]").inner_text()
    for name in ("安全员甲", "安全科科员", "责任人甲", "校长甲"):
        assert name in timeline, f"{name} is missing from the timeline"
    assert "同意摘牌销号" in timeline
    assert no_sideways_scroll(bureau), "the hazard page scrolls sideways on a phone"
    screenshot(bureau, "hazard-major-14-closed")

    # the school sees it closed, with nothing left to do
    open_hazard(principal, hazard)
    assert status_text(principal) == zh(HazardStatus.CLOSED.label)
    assert action_names(principal) == []


@pytest.mark.parametrize("url_name", ["hazards:inspection_create", "hazards:hazard_create"])
def test_save_button_belongs_to_its_form(new_page, school_a, officer_a, url_name):
    page = phone(new_page, "officer_a")
    page.goto(reverse(url_name))
    assert page.evaluate(SAVE_BUTTON_HAS_FORM), "pressing Save submits nothing"
