"""The people list: past the first 50, every woman is reachable a page at a time, with the count."""

from django.urls import reverse

from tonle.people.tests.factories import ParticipantFactory


def test_the_51st_match_is_on_the_next_page_and_the_count_is_shown(client, world):
    ParticipantFactory.create_batch(60, village=world.village_a, name_latin="Mao Lina")
    client.force_login(world.officer_a)
    first = client.get(reverse("people-list"), {"q": "mao lina"})
    assert len(first.context["people"]) == 50
    assert "Showing 1–50 of 60" in first.content.decode()
    second = client.get(reverse("people-list"), {"q": "mao lina", "page": "2"})
    assert len(second.context["people"]) == 10
    assert not set(first.context["people"]) & set(second.context["people"])


def test_the_pager_of_a_search_as_you_type_keeps_the_search_and_the_village(client, world):
    ParticipantFactory.create_batch(55, village=world.village_a)
    client.force_login(world.officer_a)
    query = {"q": "sok", "village": world.village_a.pk}
    fragment = client.get(reverse("people-list"), query, headers={"HX-Request": "true"})
    assert fragment.templates[0].name == "people/_results.html"
    assert f"?q=sok&amp;village={world.village_a.pk}&amp;page=2" in fragment.content.decode()
