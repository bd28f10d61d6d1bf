"""The lists of an activity's page: the women present and the sheets uploaded, a page at a
time, each saying how many there are; the attendee list keeps working by htmx."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from tonle.collect.models import Upload
from tonle.people.tests.factories import ParticipantFactory
from tonle.programs.services import attendance_record
from tonle.programs.sheets import UPLOAD_KIND
from tonle.programs.tests.factories import ActivityFactory

HTMX = {"HX-Request": "true"}


def _forum_with(world, women: int):
    activity = ActivityFactory(project=world.project_a)
    present = ParticipantFactory.create_batch(women, village=world.village_a)
    for woman in present:  # ticked in this order: the first ticked is the last listed
        attendance_record(by=world.officer_a, activity=activity, participant=woman)
    return activity, present


def test_the_first_woman_ticked_of_55_is_on_the_second_page_and_the_heading_counts_all(
    client, world
):
    activity, present = _forum_with(world, 55)
    client.force_login(world.officer_a)
    url = reverse("programs-activity", args=[activity.pk])

    page = client.get(url)

    html = page.content.decode()
    assert len(page.context["attendees"]) == 50 and present[0] not in page.context["attendees"]
    assert "55 present" in html and "Showing 1–50 of 55" in html
    second = client.get(url, {"attendees": "2"}, headers={**HTMX, "HX-Target": "attendees"})
    assert second.templates[0].name == "programs/_attendees.html"
    assert list(second.context["attendees"]) == present[4::-1]
    assert "55 present" in second.content.decode()


def test_the_attendee_pager_loads_a_page_into_the_list_and_is_a_plain_link_without_js(
    client, world
):
    activity, _present = _forum_with(world, 51)
    client.force_login(world.officer_a)

    html = client.get(reverse("programs-activity", args=[activity.pk])).content.decode()

    link = "?attendees=2#attendees"
    assert f'href="{link}" hx-get="{link}" hx-target="#attendees"' in html
    assert 'id="attendees"' in html  # a plain link lands on the list it names


def test_ticking_a_woman_shows_her_first_on_the_first_page_with_the_new_count(client, world):
    activity, _present = _forum_with(world, 55)
    client.force_login(world.officer_a)

    ticked = client.post(
        reverse("programs-attendance-add", args=[activity.pk, world.woman_a.pk]), headers=HTMX
    )

    assert ticked.context["attendees"].number == 1
    assert ticked.context["attendees"][0] == world.woman_a
    assert "56 present" in ticked.content.decode()


def test_unticking_a_woman_on_a_later_page_comes_back_to_that_page(client, world):
    activity, present = _forum_with(world, 55)
    client.force_login(world.officer_a)
    remove = reverse("programs-attendance-remove", args=[activity.pk])
    second = client.get(reverse("programs-activity", args=[activity.pk]), {"attendees": "2"})
    assert f'hx-post="{remove}?attendees=2"' in second.content.decode()

    removed = client.post(f"{remove}?attendees=2", {"participant": present[0].pk}, headers=HTMX)

    assert removed.context["attendees"].number == 2
    assert list(removed.context["attendees"]) == present[4:0:-1]
    assert "54 present" in removed.content.decode()
    without_js = client.post(f"{remove}?attendees=2", {"participant": present[1].pk})
    assert without_js.url == f"{reverse('programs-activity', args=[activity.pk])}?attendees=2"


def test_the_oldest_of_12_sign_in_sheets_is_on_the_second_page_and_the_count_is_shown(
    client, world
):
    activity = ActivityFactory(project=world.project_a)
    start = timezone.make_aware(dt.datetime(2024, 3, 1, 9))
    for day in range(12):
        Upload.objects.create(
            kind=UPLOAD_KIND,
            target={"activity": activity.pk},
            file_name=f"sheet-{day + 1}.csv",
            uploaded_at=start + dt.timedelta(days=day),
        )
    client.force_login(world.officer_a)
    url = reverse("programs-activity", args=[activity.pk])

    first = client.get(url)

    assert "sheet-1.csv" not in first.content.decode()
    assert "Showing 1–10 of 12" in first.content.decode()
    assert 'href="?sheets=2#sheets"' in first.content.decode()
    second = client.get(url, {"sheets": "2"}).content.decode()
    assert "sheet-1.csv" in second and "sheet-2.csv" in second and "sheet-3.csv" not in second
