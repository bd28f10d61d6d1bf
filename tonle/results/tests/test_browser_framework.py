"""The results framework in a real browser: an M&E manager defines an indicator without code.

Acceptance: she builds "women who attended at least 3 business trainings" in the browser,
sets a target, and sees it on the framework page with its splits and the list of women
behind the figure, as long as the figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tonle.lib.testing.browser import log_in
from tonle.lib.text import from_khmer_digits
from tonle.people.tests.factories import ParticipantFactory
from tonle.programs.models import Attendance
from tonle.programs.tests.factories import ActivityFactory, TopicFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_an_me_manager_builds_an_indicator_and_follows_it_to_the_women_behind_it(
    live_server, world, phone: Callable[..., Page]
):
    business = TopicFactory(code="business", name_en="Business training", name_km="អាជីវកម្ម")
    trainings = [
        ActivityFactory(project=world.project_a, topic=business, date=dt.date(2023, month, 10))
        for month in (1, 4, 7)
    ]
    keen = ParticipantFactory.create_batch(3, village=world.village_a)
    for woman in keen:
        for activity in trainings:
            Attendance.objects.create(activity=activity, participant=woman)
    once = ParticipantFactory(village=world.village_a)
    Attendance.objects.create(activity=trainings[0], participant=once)

    page = phone()
    log_in(page, live_server.url, "manager")
    page.goto(live_server.url + reverse("results-framework", args=[world.project_a.slug]))
    page.locator(
        f"a[href='{reverse('results-indicator-new', args=[world.project_a.slug])}']"
    ).click()

    form = page.locator("#indicator-form")
    form.locator("input[name=name_km]").fill("ស្ត្រីដែលចូលរួមវគ្គអាជីវកម្មយ៉ាងហោចណាស់ ៣ ដង")
    form.locator("input[name=name_en]").fill("Women who attended at least 3 business trainings")
    form.locator("select[name=measure]").select_option(
        "people_attending"
    )  # reloads with its filters
    expect(form.locator("input[name=filter_topic][value=business]")).to_be_visible()
    expect(form.locator("input[name=name_en]")).to_have_value(
        "Women who attended at least 3 business trainings"
    )
    form.locator("input[name=code]").fill("business-3")
    form.locator("input[name=filter_topic][value=business]").check()
    form.locator("input[name=at_least]").fill("3")
    form.locator("input[name=target]").fill("10")
    form.locator("button[name=save]").click()

    card = page.locator("#indicator-business-3")
    expect(card).to_be_visible()
    value = card.locator("[data-value]")
    assert (
        int(from_khmer_digits(value.inner_text()).replace(",", "")) == 3
    )  # not the one who came once
    card.locator("details summary").click()
    expect(card.locator("table.split").first).to_be_visible()

    value.click()
    expect(page.locator("[data-figure]")).to_have_text("៣")
    expect(page.locator("tr[data-person]")).to_have_count(3)
    assert world.project_a.indicators.get(code="business-3").targets.get().value == 10
