"""Content-Security-Policy and Permissions-Policy on every page (issue 11 point 12)."""
import re
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent.parent
# Policy-controlled features Chromium 156 on Linux recognises (checked in the browser; not web-share or bluetooth).
CHROMIUM_FEATURES = {"accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "fullscreen",
                     "geolocation", "gyroscope", "hid", "magnetometer", "microphone", "midi", "payment",
                     "picture-in-picture", "publickey-credentials-get", "screen-wake-lock", "serial", "usb",
                     "xr-spatial-tracking"}


@pytest.mark.parametrize("url_name, who", [
    ("accounts:login", None), ("tips_public:create", None), ("home", "officer_a"),
    ("accounts:user_list", "bureau_staff"), ("accounts:audit_log", "bureau_staff"),
])
def test_pages_carry_a_strict_csp_and_a_permissions_policy(client, request, url_name, who):
    if who:
        client.force_login(request.getfixturevalue(who))
    else:
        request.getfixturevalue("db")
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    policy = dict(part.strip().split("=", 1) for part in response["Permissions-Policy"].split(","))
    # Strict (every feature refused to every origin) and only features Chromium knows: it logs
    # "Unrecognized feature" on every page for others (bluetooth was one).
    assert {"camera", "microphone", "geolocation", "payment", "usb", "serial"} <= set(policy)
    assert set(policy) <= CHROMIUM_FEATURES and set(policy.values()) == {"()"}


def test_templates_hold_no_inline_script_handler_or_style_attribute():
    offenders = []
    for path in ROOT.glob("**/templates/**/*.html"):
        if ".venv" in path.parts or "node_modules" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (r'\sstyle="', r"\son[a-z]+=\"", r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>"):
            if re.search(pattern, text):
                offenders.append(f"{path.relative_to(ROOT)}: {pattern}")
    assert offenders == []
