"""Overdue referrals on a phone, in Khmer: the provider's inbox marks them and still fits."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tonle.lib.testing.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_the_provider_reads_her_overdue_referrals_on_a_phone_in_khmer(
    live_server, world, provider, refer, phone: Callable[..., Page], tmp_path
):
    refer(sent=12)
    refer(sent=45, received=40)
    refer(sent=2)
    page = phone(viewport={"width": 360, "height": 800})
    log_in(page, live_server.url, "clinic")
    page.goto(live_server.url + reverse("referrals-list"))

    expect(page.locator("[data-overdue]")).to_have_count(2)
    expect(page.locator("[data-overdue=not_received]")).to_have_text("ហួសកំណត់៖ មិនទាន់ទទួល")
    expect(page.locator("[data-days-waited='12']")).to_have_text("រង់ចាំ ១២ ថ្ងៃ")
    fits = page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    shots = Path(os.environ.get("TONLE_JOURNEY_SHOTS", tmp_path))
    page.screenshot(path=shots / "provider-overdue.png", full_page=True)
    assert fits

    page.locator("input[name=overdue]").check()
    page.locator("form.searchbar button").click()
    expect(page.locator("ul.list li")).to_have_count(2)
