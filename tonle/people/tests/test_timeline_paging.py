"""A woman's timeline on her page: newest first, a page at a time, saying how many entries."""

import datetime as dt

from django.urls import reverse

from tonle.programs.tests.factories import AttendanceFactory


def test_her_oldest_of_35_timeline_entries_is_on_the_second_page_and_the_count_is_shown(
    client, world
):
    attended = [
        AttendanceFactory(
            activity__project=world.project_a,
            activity__date=dt.date(2023, 1, 1) + dt.timedelta(days=day),
            participant=world.woman_a,
        )
        for day in range(35)
    ]
    oldest = attended[0].activity.title
    client.force_login(world.officer_a)
    url = reverse("people-detail", args=[world.woman_a.pk])

    first = client.get(url)

    titles = [entry.title for entry in first.context["timeline"]]
    assert len(titles) == 30 and oldest not in titles
    assert titles[0] == attended[-1].activity.title  # newest first
    assert "Showing 1–30 of 35" in first.content.decode()
    assert 'href="?timeline=2#timeline"' in first.content.decode()
    second = client.get(url, {"timeline": "2"})
    assert [entry.title for entry in second.context["timeline"]][-1] == oldest
    assert 'id="timeline"' in second.content.decode()
