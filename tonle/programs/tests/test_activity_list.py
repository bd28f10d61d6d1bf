"""The activities page lists every activity, a page at a time, and says how many there are."""

import datetime as dt

from django.urls import reverse

from tonle.programs.tests.factories import ActivityFactory


def test_the_101st_activity_is_on_a_later_page_and_the_count_is_shown(client, world):
    oldest = ActivityFactory(project=world.project_a, date=dt.date(2022, 1, 5))
    ActivityFactory.create_batch(100, project=world.project_a, date=dt.date(2023, 3, 15))
    client.force_login(world.officer_a)
    first = client.get(reverse("programs-activities"))
    assert oldest not in first.context["recent"]
    assert "Showing 1–50 of 101" in first.content.decode()
    last = client.get(reverse("programs-activities"), {"page": "3"})
    assert list(last.context["recent"]) == [oldest]


def test_a_search_of_the_activities_is_kept_in_the_page_links(client, world):
    ActivityFactory.create_batch(55, project=world.project_a, name_en="Savings group meeting")
    ActivityFactory(project=world.project_a, name_en="Health forum")
    client.force_login(world.officer_a)
    page = client.get(reverse("programs-activities"), {"q": "savings"}).context["recent"]
    assert page.paginator.count == 55 and page.next_url == "?q=savings&page=2"
