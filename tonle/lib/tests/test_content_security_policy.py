"""No template holds script the Content-Security-Policy would refuse, and pages send the policy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

TEMPLATES = sorted((settings.BASE_DIR / "tonle").glob("**/templates/**/*.html"))
# A <script> without src, an on...= handler, a javascript: address, an htmx hx-on handler
# (htmx runs it with eval): each is inline script, refused under script-src 'self'.
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\ssrc=)[^>]*>|<[^>]*\s(?:on[a-z]+|hx-on[:\w-]*)\s*=|javascript:",
    re.IGNORECASE,
)


def test_the_templates_are_found():
    assert len(TEMPLATES) > 50


@pytest.mark.parametrize(
    "template", TEMPLATES, ids=lambda path: str(path.relative_to(settings.BASE_DIR))
)
def test_no_template_holds_inline_script(template: Path):
    assert INLINE_SCRIPT.findall(template.read_text(encoding="utf-8")) == []


def test_a_page_answers_with_the_policy(client):
    policy = client.get(reverse("accounts-login"))["Content-Security-Policy"]

    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe" not in directives["script-src"]
