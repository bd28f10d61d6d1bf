"""Under the Content-Security-Policy the pages still work: htmx swaps, the page scripts run."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tonle.lib.testing.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_htmx_and_the_page_scripts_run_without_breaking_the_policy(
    live_server, world, phone: Callable[..., Page]
):
    console: list[str] = []
    officer, mentor = phone(), phone()
    for page in (officer, mentor):
        page.on("console", lambda message: console.append(message.text))
    log_in(officer, live_server.url, "officer_a")

    # A search swaps the results in through htmx.
    officer.goto(live_server.url + reverse("people-list"))
    officer.locator("input[name=q]").fill("Sophea")
    expect(officer.locator("#results")).to_contain_text("Chan Sophea")
    expect(officer).to_have_url(re.compile(r"q=Sophea"))

    # Choosing the woman on the counselling form reloads it for her (cases/counselling.js).
    log_in(mentor, live_server.url, "mentor")
    mentor.goto(live_server.url + reverse("cases-counselling"))
    mentor.locator("select[name=participant]").select_option(str(world.mentee.pk))
    mentor.wait_for_url(lambda url: f"participant={world.mentee.pk}" in url)

    assert [text for text in console if "Content Security Policy" in text] == []
