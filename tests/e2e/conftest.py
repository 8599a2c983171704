"""Browser tests: Playwright driving the system Chromium (/usr/bin/chromium) against live_server.

Never `playwright install`: the browser comes from Debian's chromium package (.ci/run installs it).
Screenshots go to var/screenshots/ (git-ignored).
"""
import os
import shutil
from pathlib import Path

import pytest

from tests import factories as f

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PASSWORD = f.PASSWORD


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium chromium-driver fonts-noto-cjk; "
                    f".ci/run does it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed (pip install -r requirements-dev.txt)")
    pw = sync_playwright().start()
    browser = pw.chromium.launch(
        executable_path=CHROMIUM, headless=True,
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
              "--disable-sync", "--disable-dev-shm-usage"],
    )
    yield browser
    browser.close()
    pw.stop()


@pytest.fixture
def new_page(browser, live_server):
    """`new_page(width=1280, height=900)` -> a page in a fresh context (own cookies), base URL = live_server."""
    contexts = []

    def make(width=1280, height=900, **kwargs):
        context = browser.new_context(viewport={"width": width, "height": height}, base_url=live_server.url,
                                      locale="zh-CN", **kwargs)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())  # data-confirm asks; the journeys say yes
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def login(page, username, password=PASSWORD):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("[data-testid=login]")
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{username} could not log in: {page.url}"
    return page


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Browser tests run in transactions that are flushed afterwards, which also empties the tables
    migrations fill (the curated chemicals catalogue): put them back for every browser test."""
    if "live_server" not in request.fixturenames and "new_page" not in request.fixturenames:
        return
    import importlib

    from django.apps import apps

    request.getfixturevalue("transactional_db")
    importlib.import_module("chemicals.migrations.0002_curated_reagents").load(apps, None)
