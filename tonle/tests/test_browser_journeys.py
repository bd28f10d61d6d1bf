"""Each role's day, start to finish, in Chromium on a 390 px phone, in Khmer or in English.

Every step leaves a screenshot in $TONLE_JOURNEY_SHOTS (a temporary folder by default), so a
person can look at the whole day afterwards.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tonle.accounts.models import Role
from tonle.accounts.tests.factories import UserFactory
from tonle.lib.testing.browser import log_in
from tonle.people.models import Participant
from tonle.people.tests.factories import ParticipantFactory
from tonle.programs.models import Attendance
from tonle.programs.tests.factories import ActivityFactory
from tonle.referrals.models import ReferralStatus, ServiceKind
from tonle.referrals.services import referral_make
from tonle.referrals.tests.factories import ServiceProviderFactory
from tonle.reports.services import report_issue
from tonle.reports.tests.factories import ReportTemplateFactory, SectionFactory
from tonle.results.services import indicator_save

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


@pytest.fixture
def shots(tmp_path) -> Callable[[Page, str], None]:
    folder = Path(os.environ.get("TONLE_JOURNEY_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)

    def shot(page: Page, name: str) -> None:
        page.screenshot(path=folder / f"{name}.png", full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.viewport_size["width"], f"{name}: {width} px wide"

    return shot


def test_a_donor_reads_the_dashboard_the_framework_and_the_issued_report_in_khmer(
    live_server, world, phone: Callable[..., Page], shots
):
    """Twelve women took part in 2023; the donor reads every figure, and never a name."""
    indicator_save(
        project=world.project_a, level="outcome", code="engaged", name_en="Women engaged",
        name_km="ស្ត្រីបានចូលរួម", definition={"measure": "people_attending", "filters": {}},
    )  # fmt: skip
    for month in (2, 5):
        activity = ActivityFactory(project=world.project_a, date=dt.date(2023, month, 10))
        for woman in ParticipantFactory.create_batch(6, village=world.village_a):
            Attendance.objects.create(activity=activity, participant=woman)
    template = ReportTemplateFactory(project=world.project_a, slug="closing")
    SectionFactory(template=template, heading_en="Reach", heading_km="ការឈានដល់",
                   body_en="We engaged {{ engaged }} women.",
                   body_km="យើងបានចូលរួមជាមួយស្ត្រី {{ engaged }} នាក់។")  # fmt: skip
    issued = report_issue(by=world.manager, template=template)
    names = list(Participant.objects.values_list("name_latin", flat=True))

    page = phone()
    log_in(page, live_server.url, "donor")
    page.goto(live_server.url + reverse("results-dashboard", args=["project-a"]))
    expect(page.locator("#reach-total")).to_contain_text("១២")
    shots(page, "donor-1-dashboard")

    page.goto(live_server.url + reverse("results-framework", args=["project-a"]))
    page.locator("[data-periods] a", has_text="២០២៣").first.click()
    expect(page.locator('[data-figure="engaged:total"]')).to_contain_text("១២")
    shots(page, "donor-2-framework-2023")

    page.goto(live_server.url + reverse("reports-issued", args=[issued.pk]))
    expect(page.locator("article.report")).to_contain_text("យើងបានចូលរួមជាមួយស្ត្រី ១២ នាក់")
    shots(page, "donor-3-issued-report")
    html = page.content()
    assert not [name for name in names if name in html]


def test_a_clinic_receives_a_referral_and_gives_the_service_in_english(
    live_server, world, phone: Callable[..., Page], shots
):
    clinic = ServiceProviderFactory(name_en="Bakong health centre")
    clinic.accounts.add(UserFactory(username="clinic", role=Role.PROVIDER))
    world.woman_a.phone = "012 345 678"
    world.woman_a.save()
    referral = referral_make(
        by=world.officer_a, participant=world.woman_a, project=world.project_a, provider=clinic,
        service=ServiceKind.HEALTH_VISIT, reason="Headaches for a month", consent_given=True,
        sent_on=dt.date.today() - dt.timedelta(days=2), share_phone=True, share_village=True,
    )  # fmt: skip

    page = phone(locale="en")
    log_in(page, live_server.url, "clinic")
    page.goto(live_server.url + reverse("referrals-list"))
    expect(page.locator("main")).to_contain_text(world.woman_a.display_name)
    shots(page, "clinic-1-inbox")

    page.goto(live_server.url + reverse("referrals-detail", args=[referral.pk]))
    expect(page.locator("[data-shared=phone]")).to_contain_text("012 345 678")
    expect(page.locator("main")).not_to_contain_text("Headaches")  # the reason was not shared
    for status in (ReferralStatus.RECEIVED, ReferralStatus.GIVEN):
        page.locator("#move-form select[name=status]").select_option(status)
        page.locator("#move-form button.primary").click()
        expect(page.locator("[data-status]")).to_have_text(str(ReferralStatus(status).label))
        shots(page, f"clinic-2-{status}")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.GIVEN
    assert list(referral.steps.values_list("by__username", flat=True)) == [
        "officer_a", "clinic", "clinic"
    ]  # fmt: skip
