"""Browser-test settings: Debian's Chromium, headless, on a phone-sized screen in Khmer.

Registered for every app from the root conftest (`pytest_plugins`). The first two fixtures
override pytest-playwright's fixtures of the same names, so a test that asks for `page`
gets a tab in this browser; Playwright's own downloaded browsers are never used.
`phone` opens a fresh phone (its own browser context, so its own cookies) for each user a
test logs in as, and `log_in` goes through the real login form.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page

from tonle.accounts.tests.factories import PASSWORD

CHROMIUM = os.environ.get("TONLE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]
# A mid-range Android phone, as field officers carry.
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"No Chromium at {CHROMIUM}: run `make test-packages` (apt-get install chromium)."
        )
    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args() -> dict:
    return {**PHONE, "locale": "km"}


@pytest.fixture
def phone(browser: Browser, browser_context_args: dict) -> Iterator[Callable[..., Page]]:
    """A factory of fresh phones: `phone()` is a new tab in a new, cookie-less context."""
    contexts = []

    def open_phone(**overrides: object) -> Page:
        context = browser.new_context(**{**browser_context_args, **overrides})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_phone
    for context in contexts:
        context.close()


def log_in(page: Page, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Log in through the login form and wait until it has let her in."""
    login = reverse("accounts-login")
    page.goto(base_url + login)
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url(lambda url: login not in url)
