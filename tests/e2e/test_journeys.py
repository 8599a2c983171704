"""Main journeys in a real browser: log in per role, switch language, the school list, a plan
submitted and accepted, a phone-sized screen."""
import re
from urllib.parse import urlparse

import pytest
from django.urls import reverse
from django.utils import translation

from .conftest import login, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def people(school_a, school_b, other_school, officer_a, principal_a, custodian_a, officer_b, bureau_staff,
           bureau_leader, outsider):
    return {u.username: u for u in (officer_a, principal_a, custodian_a, officer_b, bureau_staff, bureau_leader,
                                    outsider)}


@pytest.mark.parametrize("username, organisation", [
    ("officer_a", "实验小学"), ("principal_a", "实验小学"), ("custodian_a", "实验小学"),
    ("bureau_staff", "测试区教育局"), ("bureau_leader", "测试区教育局"),
])
def test_each_role_logs_in_and_acts_for_its_organisation(page, people, username, organisation):
    login(page, username)
    assert urlparse(page.url).path == reverse("home")
    assert organisation in page.locator("[data-testid=current-org]").inner_text()
    assert people[username].full_name in page.locator("[data-testid=user-menu]").inner_text()
    screenshot(page, f"home-{username}")
    page.click("[data-testid=user-menu]")
    page.click("[data-testid=logout]")
    page.wait_for_url("**/accounts/login/**")


def test_wrong_password_stays_on_login(page, people):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "officer_a")
    page.fill("input[name=password]", "wrong-password")
    page.click("[data-testid=login]")
    assert "/accounts/login/" in page.url
    assert page.locator(".alert-danger, .invalid-feedback, .errorlist").count() >= 1


def _nav_labels(page):
    return [t.strip() for t in page.locator("#mainNav .nav-link").all_inner_texts() if t.strip()]


def test_switching_language_turns_the_home_page_english(page, people):
    login(page, "officer_a")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    chinese = _nav_labels(page)
    assert chinese, "the menu has entries"
    untranslated = [label for label in chinese if not CJK.search(label)]
    assert not untranslated, f"menu entries not in Chinese: {untranslated}"
    screenshot(page, "language-zh")

    page.click("[data-testid=lang-switch]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    english = _nav_labels(page)
    still_chinese = [label for label in english if CJK.search(label)]
    assert not still_chinese, f"menu entries still in Chinese after switching: {still_chinese}"
    assert "Log out" in page.locator("[data-testid=logout]").inner_text()
    # the title and every heading of the page changed too (names of schools and people are data)
    for heading in page.locator("main h1, main h2, main h5.card-title, main .card-header").all_inner_texts():
        words = heading
        for data in ("实验小学", "安全员甲"):  # names of schools and people are data, not UI text
            words = words.replace(data, "")
        assert not CJK.search(words), f"heading still in Chinese: {heading!r}"
    screenshot(page, "language-en")

    # the choice is kept on the user: a new session opens in English
    page.context.clear_cookies()
    login(page, "officer_a")
    assert page.locator("html").get_attribute("lang") == "en"


def test_school_list_by_role(new_page, people):
    url = reverse("accounts:organisation_list")
    officer = login(new_page(), "officer_a")
    officer.goto(url)
    text = officer.locator("main").inner_text()
    assert "实验小学" in text and "第一中学" not in text and "邻区小学" not in text
    screenshot(officer, "schools-officer_a")

    bureau = login(new_page(), "bureau_staff")
    bureau.goto(url)
    text = bureau.locator("main").inner_text()
    assert "实验小学" in text and "第一中学" in text and "邻区小学" not in text
    screenshot(bureau, "schools-bureau_staff")


def test_plan_submitted_and_accepted(new_page, people, district, school_a, tmp_path):
    from campaign_site.campaigns.models import ImplementationPlan, PlanStatus
    from tests.campaigns import factories as cf

    campaign = cf.campaign(district, title="校园安全隐患排查整治攻坚行动")
    document = tmp_path / "实验小学实施方案.docx"
    document.write_bytes(cf.docx_upload(cf.ORIGINAL_PLAN).read())

    school = login(new_page(), "officer_a")
    school.goto(reverse("campaigns:plan_submit", args=[campaign.pk]))
    school.fill("input[name=leader]", "校长甲")
    school.fill("input[name=office]", "办公室设在保卫处")
    school.set_input_files("input[name=document]", str(document))
    screenshot(school, "plan-form")
    school.click("[data-testid=save]")
    school.wait_for_load_state()
    plan = ImplementationPlan.objects.get(campaign=campaign, organisation=school_a)
    assert plan.status == PlanStatus.SUBMITTED
    assert school.locator(".alert-success").count() == 1
    screenshot(school, "plan-submitted")

    bureau = login(new_page(), "bureau_staff")
    bureau.goto(reverse("campaigns:plan_detail", args=[plan.pk]))
    bureau.click("[data-testid=accept]")  # data-confirm: the dialog is accepted
    bureau.wait_for_load_state()
    bureau.locator("[data-testid=plan-status]").wait_for()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACCEPTED
    with translation.override("zh-hans"):  # the bureau user's pages are in Chinese
        assert plan.get_status_display() in bureau.locator("[data-testid=plan-status]").inner_text()
    screenshot(bureau, "plan-accepted")


WIDEST = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll("body *")].filter(el => el.getBoundingClientRect().right > width + 1
      && !el.closest(".table-responsive, .dropdown-menu, .collapse:not(.show)"));
  return wide.slice(0, 5).map(el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
      + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "")
      + " right=" + Math.round(el.getBoundingClientRect().right));
}"""


def _no_horizontal_scroll(page):
    ok = page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    if not ok:
        print("wider than the screen:", page.evaluate(WIDEST))
    return ok


def test_phone_sized_screen(new_page, people):
    page = login(new_page(width=390, height=844, is_mobile=True, has_touch=True), "officer_a")
    toggler = page.locator(".navbar-toggler")
    assert toggler.is_visible()
    assert not page.locator("#mainNav").is_visible()  # the menu is folded behind the toggler
    screenshot(page, "phone-home")
    assert _no_horizontal_scroll(page), f"the home page scrolls sideways on a phone: {page.evaluate(WIDEST)}"
    toggler.click()
    page.locator("#mainNav").wait_for(state="visible")
    assert page.locator("#mainNav .nav-link").first.is_visible()
    screenshot(page, "phone-menu")
    for name in ("notifications:list", "accounts:organisation_list", "campaigns:list"):
        page.goto(reverse(name))
        screenshot(page, f"phone-{name.replace(':', '-')}")
        assert _no_horizontal_scroll(page), f"{name} scrolls sideways on a phone: {page.evaluate(WIDEST)}"


@pytest.mark.parametrize("username", ["officer_a", "bureau_staff"])
def test_laptop_screen_has_no_sideways_scroll(new_page, people, username):
    """A 1280 px laptop: the whole menu (the bureau's is the longest) fits without sideways scrolling."""
    page = login(new_page(width=1280, height=800), username)
    screenshot(page, f"laptop-home-{username}")
    assert _no_horizontal_scroll(page), f"the home page is wider than a laptop screen: {page.evaluate(WIDEST)}"
