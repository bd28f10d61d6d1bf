"""A report in a real browser: the M&E manager fixes a section, makes the PDF and downloads it.

Acceptance 4 of the reports issue: she edits a section (the editor named its problem), asks
for the PDF, watches its progress bar while a worker makes it in the background, and
downloads it.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Page, expect

from tonle.lib.testing.browser import log_in
from tonle.reports.tests.factories import SectionFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_a_manager_fixes_a_section_makes_the_pdf_and_downloads_it(
    live_server, world, report, phone: Callable[..., Page], settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    SectionFactory(template=report, heading_en="Introduction", heading_km="សេចក្តីផ្តើម",
                   body_en="We engaged {{ engaged }} women.",
                   body_km="យើងបានចូលរួមជាមួយស្ត្រី {{ engagd }} នាក់។")  # fmt: skip

    page = phone()
    log_in(page, live_server.url, "manager")
    page.goto(live_server.url + reverse("reports-edit", args=["project-a", "closing"]))
    problem = page.locator("#section-form-1 ul.problems")
    expect(problem).to_contain_text("engagd")
    page.locator("#section-form-1 textarea[name$=body_km]").fill(
        "យើងបានចូលរួមជាមួយស្ត្រី {{ engaged }} នាក់។"
    )
    page.locator("button.primary").click()
    expect(page.locator("#section-form-1 ul.problems")).to_have_count(0)

    page.goto(live_server.url + reverse("reports-page", args=["project-a", "closing"]))
    expect(page.locator(".problems-summary")).to_have_count(0)
    expect(page.locator("article.report")).to_contain_text("៦")
    page.locator("button[name=lang][value=km]").click()

    job = page.locator("#render-job")
    expect(job).to_have_attribute("data-status", "queued")
    expect(job.locator("progress")).to_be_visible()
    # The worker `make run` starts beside the web server, here run once in the test.
    call_command("db_worker", batch=True, startup_delay=False, stdout=io.StringIO(),
                 stderr=io.StringIO())  # fmt: skip
    expect(page.locator("#render-job")).to_have_attribute("data-status", "done", timeout=10_000)
    expect(page.locator("#render-job progress")).to_have_attribute("value", "100")

    with page.expect_download() as download:
        page.locator("[data-download]").click()
    assert download.value.suggested_filename == "closing-draft-km.pdf"
    saved = tmp_path / "downloaded.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes()[:4] == b"%PDF"
