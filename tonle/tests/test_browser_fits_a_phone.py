"""Every page fits a 360 px phone, in English and in Khmer, as every role that can open it.

The pages are the crawl's (every URL pattern of the site, with the crawl world's ids, a name
of 120 letters without a space and long Khmer text among them), read in one Chromium: a
page may be as long as it likes, but never wider than the screen. A wide table scrolls
inside its own box (`.table-wrap`), the page itself does not.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser, BrowserContext

from tonle.lib.testing.browser import TIMEOUT_MS
from tonle.lib.testing.crawl import PERSONAS, Crawl, site_urls
from tonle.people.models import Participant
from tonle.programs.models import Attendance, Project
from tonle.programs.tests.factories import ActivityFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
SMALL_PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
# The widest things of a page too wide: what to fix, named in the failure.
_OVERFLOW = """() => {
  const root = document.documentElement;
  const wide = [];
  if (root.scrollWidth > root.clientWidth) {
    for (const el of document.querySelectorAll('body *')) {
      const box = el.getBoundingClientRect();
      if (box.right > root.clientWidth + 1 && !el.closest('.table-wrap, .trend')) {
        wide.push(`${el.tagName.toLowerCase()}${el.className ? '.' + el.className : ''}`
                  + ` (${Math.round(box.right)} px)`);
      }
    }
  }
  return {scroll: root.scrollWidth, client: root.clientWidth, wide: wide.slice(-4)};
}"""


def _pages_of(crawl: Crawl) -> dict[str, list[str]]:
    """Persona -> the whole pages she can open (not the htmx fragments, not files), each
    once: a page whose content another persona was already shown is not read again."""
    pages: dict[str, list[str]] = {}
    shown: set[tuple[str, str]] = set()
    client = Client()
    for persona in PERSONAS:
        client.force_login(crawl.users[persona])
        pages[persona] = []
        for url in site_urls(crawl, missing=False):
            response = client.get(url)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            html = response.content.decode()
            if "<html" not in html[:300]:
                continue
            content = _CSRF.sub("", html[html.find("<main") :])
            if (url, content) not in shown:
                shown.add((url, content))
                pages[persona].append(url)
    return pages


@pytest.fixture
def phones(browser: Browser, live_server, crawl: Crawl) -> Iterator[dict]:
    """(persona, language) -> a phone already logged in as her, through a session cookie."""
    contexts: dict[tuple[str, str], BrowserContext] = {}
    host = live_server.url.split("//")[1].split(":")[0]
    for persona in PERSONAS:
        client = Client()
        client.force_login(crawl.users[persona])
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        for language in ("en", "km"):
            context = browser.new_context(**SMALL_PHONE, locale=language)
            context.set_default_timeout(TIMEOUT_MS)
            context.add_cookies([
                {"name": settings.SESSION_COOKIE_NAME, "value": session, "domain": host, "path": "/"},
                {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "domain": host, "path": "/"},
            ])  # fmt: skip
            contexts[persona, language] = context
    yield contexts
    for context in contexts.values():
        context.close()


def test_every_page_fits_a_360_px_phone_in_english_and_khmer(live_server, crawl, phones):
    pages = _pages_of(crawl)
    too_wide = []
    seen = 0
    for (persona, language), context in phones.items():
        tab = context.new_page()
        for url in pages[persona]:
            tab.goto(live_server.url + url, wait_until="load")
            seen += 1
            width = tab.evaluate(_OVERFLOW)
            if width["scroll"] > width["client"]:
                too_wide.append(
                    f"{url} as {persona} in {language}: {width['scroll']} px {width['wide']}"
                )
        tab.close()
    assert seen > 200
    assert not too_wide, "\n".join(too_wide)


def test_the_framework_chart_keeps_its_labels_and_bars_inside_its_box(live_server, crawl, phones):
    """Eight quarters on a phone: the labels (ត្រីមាសទី១ ឆ្នាំ២០២២) broke over three lines and the
    last bar was cut off by the edge of the chart."""
    project = Project.objects.get(slug="project-a")
    woman = Participant.objects.get(pk=crawl.values["participant_id"][0])
    for year, month in itertools.product((2022, 2023), (2, 5, 8, 11)):
        activity = ActivityFactory(project=project, date=dt.date(year, month, 10))
        Attendance.objects.create(activity=activity, participant=woman)
    framework = reverse("results-framework", args=[project.slug]) + "?from=2022-01-01&to=2023-12-31"
    for language in ("en", "km"):
        tab = phones["manager", language].new_page()
        tab.goto(live_server.url + framework)
        chart = tab.locator(".trend").first
        box = chart.bounding_box()
        labels = chart.locator(".trend-label")
        assert labels.count() == 8, language
        line = tab.evaluate(
            "el => parseFloat(getComputedStyle(el).lineHeight)", labels.first.element_handle()
        )
        for part in chart.locator(".trend-label, .trend-bar, .trend-value").all():
            inner = part.bounding_box()
            assert inner["x"] >= box["x"] - 0.5, (language, part.inner_text())
            assert inner["x"] + inner["width"] <= box["x"] + box["width"] + 0.5, (
                language,
                part.inner_text(),
            )
            assert inner["y"] + inner["height"] <= box["y"] + box["height"] + 0.5, language
        for label in labels.all():
            assert label.bounding_box()["height"] <= 2 * line + 1, (language, label.inner_text())
        tab.close()
