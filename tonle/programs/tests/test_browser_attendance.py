"""A field officer takes attendance on her phone, in Khmer, in a real browser.

Acceptance 3: two women already reached tick present, one new woman registered at the
door; the attendee list shows three and the project's reach rises by exactly one.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from tonle.accounts.models import Role
from tonle.accounts.tests.factories import PASSWORD, UserFactory
from tonle.geo.tests.factories import VillageFactory
from tonle.lib.testing.browser import log_in
from tonle.lib.text import from_khmer_digits, to_khmer_digits
from tonle.people.models import Participant
from tonle.people.tests.factories import ParticipantFactory
from tonle.programs.models import Attendance, ProjectMembership
from tonle.programs.services import attendance_record
from tonle.programs.tests.factories import ActivityFactory, ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

NEWCOMER_KM = "ម៉ៅ ចន្ធូ"
KHMER_NUMBER = re.compile(r"[០-៩][០-៩,]*")


def reach_figure(page: Page) -> int:
    figure = page.locator("#reach [data-reach]")
    expect(figure).to_have_text(KHMER_NUMBER)
    return int(from_khmer_digits(figure.inner_text()).replace(",", ""))


def tick_present(page: Page, *, letters: str, participant_id: int, activity_id: int) -> None:
    search = page.locator("input[name=q][data-refocus]")
    search.fill(letters)
    attend = reverse("programs-attendance-add", args=[activity_id, participant_id])
    page.locator(f'#candidates form[action="{attend}"] button').tap()
    person = reverse("people-detail", args=[participant_id])
    expect(page.locator(f'#attendee-list a[href="{person}"]')).to_be_visible()
    # app.js empties the search box and puts the cursor back for the next name.
    expect(search).to_have_value("")
    expect(search).to_be_focused()


def test_officer_ticks_two_women_and_registers_a_third_in_khmer(live_server, page: Page):
    village = VillageFactory()
    project = ProjectFactory(communities=[village])
    officer = UserFactory(username="sreymom", role=Role.FIELD_OFFICER)
    ProjectMembership.objects.create(project=project, user=officer)
    earlier = ActivityFactory(project=project, date=dt.date(2024, 5, 2))
    activity = ActivityFactory(project=project, date=timezone.localdate())
    sophea = ParticipantFactory(village=village, name_km="ចាន់ សុភា", name_latin="Chan Sophea")
    dara = ParticipantFactory(village=village, name_km="កែវ ដារ៉ា", name_latin="Keo Dara")
    for woman in (sophea, dara):
        attendance_record(by=officer, activity=earlier, participant=woman)
    page.set_default_timeout(10_000)

    page.goto(live_server.url + reverse("accounts-login"))
    page.locator("input[name=username]").fill("sreymom")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url(re.compile(r"/results/"))
    # The phone asks for Khmer; she tries English, then switches back with the header button.
    page.locator("header button[name=language][value=en]").tap()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator("header button[name=language][value=km]").tap()
    expect(page.locator("html")).to_have_attribute("lang", "km")

    page.goto(live_server.url + reverse("programs-activity", args=[activity.pk]))
    expect(page.locator("html")).to_have_attribute("lang", "km")
    before = reach_figure(page)
    assert before == 2

    tick_present(page, letters="ចា", participant_id=sophea.pk, activity_id=activity.pk)
    tick_present(page, letters="ke", participant_id=dara.pk, activity_id=activity.pk)

    page.locator("#register-box > summary").tap()
    page.locator("#register input[name=name_km]").press_sequentially(NEWCOMER_KM)
    page.locator("#register input[name=birth_year]").fill("2001")
    page.locator("#register form button:not([formaction])").tap()

    attendees = page.locator("#attendee-list > li")
    expect(attendees).to_have_count(3)
    expect(attendees.filter(has_text=NEWCOMER_KM)).to_have_count(1)
    expect(page.locator("#reach [data-reach]")).to_have_text(to_khmer_digits(str(before + 1)))

    newcomer = Participant.objects.get(name_km=NEWCOMER_KM)
    assert newcomer.village == village and newcomer.registered_by == officer
    present = Attendance.objects.filter(activity=activity).values_list("participant", flat=True)
    assert set(present) == {sophea.pk, dara.pk, newcomer.pk}


def test_officer_turns_the_page_of_a_forums_300_women_inside_the_list_then_ticks_one_more(
    live_server, phone
):
    village = VillageFactory()
    project = ProjectFactory(communities=[village])
    officer = UserFactory(username="sreymom", role=Role.FIELD_OFFICER)
    ProjectMembership.objects.create(project=project, user=officer)
    activity = ActivityFactory(project=project, date=timezone.localdate())
    present = ParticipantFactory.create_batch(55, village=village)
    for woman in present:
        attendance_record(by=officer, activity=activity, participant=woman)
    late = ParticipantFactory(village=village, name_km="ចាន់ សុភា", name_latin="Chan Sophea")
    page = phone(locale="en")
    log_in(page, live_server.url, "sreymom")
    url = live_server.url + reverse("programs-activity", args=[activity.pk])
    page.goto(url)
    expect(page.locator("#attendees h2")).to_have_text("55 present")
    first_ticked = page.locator(
        f'#attendee-list a[href="{reverse("people-detail", args=[present[0].pk])}"]'
    )
    expect(first_ticked).to_have_count(0)

    page.locator("#attendees a[rel=next]").tap()

    expect(first_ticked).to_be_visible()
    expect(page.locator("#attendees .pager-count")).to_have_text("Showing 51–55 of 55")
    expect(page.locator("#attendees h2")).to_have_text("55 present")
    assert page.url == url  # loaded into the list by htmx, not a new page
    expect(page.locator("input[name=q][data-refocus]")).not_to_be_focused()

    tick_present(page, letters="ch", participant_id=late.pk, activity_id=activity.pk)

    expect(page.locator("#attendee-list > li").first).to_contain_text("Chan Sophea")
    expect(page.locator("#attendees .pager-count")).to_have_text("Showing 1–50 of 56")
