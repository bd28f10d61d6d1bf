"""A person's page reads her change history in the same few queries, however long it is."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tonle.geo.tests.factories import VillageFactory
from tonle.people.history import participant_changes
from tonle.people.services import participant_update
from tonle.people.tests.factories import ParticipantFactory


def _moved(world, times: int):
    """A woman who moved village `times` times, a new village each time."""
    woman = ParticipantFactory(village=world.village_a, name_latin="Keo Sothea")
    for n in range(times):
        participant_update(participant=woman, by=world.manager, village=VillageFactory(),
                           phone=f"012 000 {n:03d}")  # fmt: skip
    return woman


def _queries_of_her_page(client, world, woman) -> int:
    client.force_login(world.manager)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("people-detail", args=[woman.pk]))
    assert response.status_code == 200
    assert len(response.context["changes"]) > 1
    return len(captured)


def test_the_person_page_does_not_read_once_per_change_in_her_history(client, world):
    few = _queries_of_her_page(client, world, _moved(world, 2))
    many = _queries_of_her_page(client, world, _moved(world, 20))
    assert many == few


def test_each_change_still_names_the_village_before_and_after(world):
    woman = ParticipantFactory(village=world.village_a, name_latin="Keo Sothea")
    elsewhere = VillageFactory()
    participant_update(participant=woman, by=world.manager, village=elsewhere)
    latest = participant_changes(participant=woman)[0]
    assert (str(world.village_a), str(elsewhere)) in [(old, new) for _f, old, new in latest.fields]
