"""The Content-Security-Policy breaks nothing silently: pages raise no CSP violation in the browser,
and htmx and Bootstrap still work under it (issue 11 point 12)."""
import pytest

from .conftest import login

pytestmark = pytest.mark.e2e

PAGES = ["/", "/hazards/", "/accounts/users/", "/accounts/audit/", "/accounts/organisations/", "/accounts/profile/",
         "/accounts/password/"]


def test_pages_raise_no_csp_violation(page, school_a, school_b, bureau_staff, officer_a):
    violations = []
    # and no Permissions-Policy feature the browser does not know (Chromium logs one on every page)
    page.on("console", lambda msg: violations.append(msg.text)
            if "Content Security Policy" in msg.text or "Permissions-Policy" in msg.text else None)
    login(page, "bureau_staff")
    page.evaluate("""() => document.addEventListener('securitypolicyviolation',
        e => { window.__csp = (window.__csp || []).concat([e.violatedDirective + ' ' + e.blockedURI]); })""")
    for url in PAGES:
        response = page.goto(url)
        assert response.status == 200, url
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    # htmx (the register's counts load after the page) and Bootstrap (the account menu) still work
    page.goto("/hazards/")
    page.wait_for_selector("[data-testid=summary-loading]", state="detached")
    page.click("[data-testid=current-org]")
    page.wait_for_selector(".dropdown-menu.show")
    assert violations == []
