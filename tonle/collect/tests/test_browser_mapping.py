"""The manager uploads an XLSForm, maps it, and watches the phones' submissions arrive and be
applied with a progress bar; one that cannot be applied shows its reason by field. In Chromium
on a 360 px phone, in English and in Khmer; screenshots in $TONLE_MAPPING_SHOTS."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tonle.collect.models import Form, RowStatus, Submission
from tonle.collect.ready_forms import HERE
from tonle.collect.tests.phone import with_phone_password
from tonle.lib.testing.browser import log_in
from tonle.lib.testing.tasks import tasks_run
from tonle.programs.tests.factories import ActivityFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def _xml(activity: int, woman: int) -> bytes:
    return (
        f'<data id="ccdo_attendance" version="2026120101"><activity>{activity}</activity>'
        f"<women><woman>{woman}</woman><new><name_km/><name_latin/><birth_year/></new></women>"
        f"<sheet_photo/><meta><instanceID>uuid:{uuid.uuid4()}</instanceID></meta></data>"
    ).encode()


@pytest.mark.parametrize("language", ["en", "km"])
def test_the_manager_maps_an_uploaded_form_and_sees_its_submissions_applied(
    live_server, world, phone, collect_phone, tmp_path, language
):
    folder = Path(os.environ.get("TONLE_MAPPING_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)

    def shot(page: Page, name: str) -> None:
        page.screenshot(path=folder / f"{language}-{name}.png", full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{name}: {width} px wide"

    page = phone(locale=language, viewport={"width": 360, "height": 780})
    log_in(page, live_server.url, "manager")
    page.goto(live_server.url + reverse("collect-form-upload"))
    page.locator("select[name=project]").select_option(str(world.project_a.pk))
    page.locator("input[name=xlsform]").set_input_files(str(HERE / "ccdo_attendance.xlsx"))
    shot(page, "1-upload")
    page.locator("main form button.primary").click()

    # Straight to the mapping, suggested from the questions' names.
    expect(
        page.locator("fieldset[data-kind='programs.attendance'] input[type=checkbox]")
    ).to_be_checked()
    expect(page.locator("select[name='programs.attendance|women']")).to_have_value("/data/women")
    shot(page, "2-mapping")
    page.locator("main form.mapping button.primary").click()
    expect(page.locator("#apply-progress")).to_be_visible()

    form = Form.objects.get(form_id="ccdo_attendance")
    activity = ActivityFactory(project=world.project_a, village=world.village_a)
    with_phone_password(world.officer_a)
    officer = collect_phone("officer_a")
    officer.http.headers["Accept-Language"] = language  # her phone's language
    for woman in (world.woman_a, world.mentee):
        assert officer.submit(_xml(activity.pk, woman.pk)).status_code == 201
    assert officer.submit(_xml(activity.pk, world.woman_b.pk)).status_code == 201  # not hers
    page.goto(live_server.url + reverse("collect-form", args=[form.pk]))
    expect(page.locator("#apply-progress")).to_have_attribute("data-waiting", "3")
    shot(page, "3-waiting")

    tasks_run()
    # The bar, asking again every second, comes to the end by itself.
    expect(page.locator("#apply-progress")).to_have_attribute("data-waiting", "0")
    expect(page.locator("#apply-progress progress")).to_have_attribute("value", "100")
    page.reload()
    failed = page.locator("[data-status=failed]")
    expect(failed).to_have_count(1)
    expect(page.locator("main")).to_contain_text("/data/women[1]/woman")
    reason = {"en": "No record with the id", "km": "គ្មានកំណត់ត្រាដែលមានលេខសម្គាល់"}[language]
    expect(page.locator("main")).to_contain_text(reason)
    shot(page, "4-applied")
    assert activity.attendances.count() == 2
    assert Submission.objects.filter(status=RowStatus.FAILED).count() == 1

    refused = Submission.objects.get(status=RowStatus.FAILED)
    page.goto(live_server.url + reverse("collect-submission", args=[refused.pk]))
    expect(page.locator("#correction")).to_be_visible()
    shot(page, "5-correction")
