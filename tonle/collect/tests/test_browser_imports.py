"""An import on a phone, in Khmer: the manager adds a KoboToolbox source, runs it, and watches
the progress bar reach the end while the worker brings the records in."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tonle.collect import tasks
from tonle.collect.models import ImportBatch
from tonle.collect.tests.test_imports import _kobo_project
from tonle.lib.testing.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_the_manager_runs_a_kobo_import_and_sees_it_progress_to_the_end_on_a_phone(
    live_server, world, kobo_server, phone: Callable[..., Page]
):
    _kobo_project(kobo_server)
    page = phone(viewport={"width": 360, "height": 740})
    log_in(page, live_server.url, world.manager.username)
    page.goto(live_server.url + reverse("collect-import-add"))
    page.locator("input[name=name]").fill("CCDO Kobo")
    page.locator("select[name=kind]").select_option("kobo")
    page.locator("input[name=server_url]").fill(kobo_server.base_url)
    page.locator("select[name=project]").select_option(str(world.project_a.pk))
    page.locator("input[name=token]").fill(kobo_server.token)
    page.locator("form.card button.primary").click()
    page.locator("form.actions button.primary").click()
    progress = page.locator("#import-progress")
    expect(progress).to_have_attribute("data-status", "queued")
    assert kobo_server.token not in page.content()
    fits = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    assert page.evaluate(fits)

    tasks.import_run.call(ImportBatch.objects.get().pk)  # what the worker does
    expect(progress).to_have_attribute("data-status", "done")  # polled, not reloaded
    expect(progress.locator("progress")).to_have_attribute("value", "100")
    page.reload()
    assert page.locator("ul.list li").count() == 2 and page.evaluate(fits)
