"""The review page of two records, the merges list and undo: who may open them, what they do."""

import datetime as dt

import pytest
from django.urls import reverse

from tonle.people.models import DuplicateDecision, Participant, ParticipantMerge
from tonle.people.services import participants_merge
from tonle.people.tests.factories import ParticipantFactory
from tonle.programs.models import Attendance
from tonle.programs.tests.factories import ActivityFactory


@pytest.fixture
def twice(world):
    """Woman A registered a second time, with one attendance of her own; no consent on it."""
    again = ParticipantFactory(village=world.village_a, name_km="", name_latin="Chan Sopheap",
                               birth_year=1991, consent_given=False, consent_date=None)  # fmt: skip
    Attendance.objects.create(
        activity=ActivityFactory(project=world.project_a, date=dt.date(2023, 3, 1)),
        participant=again,
    )
    return world.woman_a, again


def _pair_url(first, second):
    return reverse("people-duplicate-pair", args=[first.pk, second.pk])


@pytest.mark.parametrize("persona", ["admin", "manager", "officer_a"])
def test_those_who_keep_the_registry_open_a_pair_in_their_scope(client, world, twice, persona):
    client.force_login(getattr(world, persona))
    response = client.get(_pair_url(*twice))
    assert response.status_code == 200
    rows = {
        choice: field is not None
        for choice, _l, _s, field in response.context["form"].rows_with_fields()
    }
    assert rows["name_latin"] and rows["birth"] and rows["consent"] and not rows["village"]
    assert "differs" in response.content.decode()


@pytest.mark.parametrize("persona", ["officer_b", "mentor", "donor"])
def test_anyone_else_gets_not_found(client, world, twice, persona):
    client.force_login(getattr(world, persona))
    assert client.get(_pair_url(*twice)).status_code == 404


def test_an_officer_cannot_open_a_pair_with_a_woman_outside_her_scope(client, world):
    client.force_login(world.officer_a)
    assert client.get(_pair_url(world.woman_a, world.woman_b)).status_code == 404
    client.force_login(world.mentor)  # the mentee is in her group, yet a mentor merges nobody
    assert client.get(_pair_url(world.mentee, world.mentor.participant)).status_code == 404


def test_same_merges_with_the_values_chosen_and_the_narrower_consent(client, world, twice):
    first, second = twice
    client.force_login(world.officer_a)
    response = client.post(_pair_url(first, second), {
        "decision": "same", "survivor": "first", "keep_name_latin": "second", "keep_birth": "second",
    })  # fmt: skip
    merge = ParticipantMerge.objects.get()
    assert response.status_code == 302 and response.url == reverse("people-merge", args=[merge.pk])
    first.refresh_from_db()
    assert (first.name_latin, first.birth_year, first.consent_given) == (
        "Chan Sopheap",
        1991,
        False,
    )
    assert Participant.objects.get(pk=second.pk).merged_into == first
    assert DuplicateDecision.objects.get().decision == "same"
    page = client.get(response.url)
    assert "Undo the merge" in page.content.decode()
    found = client.get(reverse("people-list"), {"q": "chan"}).context["people"]
    assert first in found and second not in found
    assert client.get(reverse("people-detail", args=[second.pk])).status_code == 404
    survivor_page = client.get(reverse("people-detail", args=[first.pk])).content.decode()
    assert reverse("people-merge", args=[merge.pk]) in survivor_page


def test_different_and_not_sure_are_recorded_and_merge_nothing(client, world, twice):
    client.force_login(world.manager)
    for decision in ("not_sure", "different"):
        response = client.post(_pair_url(*twice), {"decision": decision, "survivor": "first"})
        assert response.status_code == 302
    assert list(DuplicateDecision.objects.values_list("decision", flat=True)) == ["different"]
    assert not ParticipantMerge.objects.exists()
    assert "Decided before" in client.get(_pair_url(*twice)).content.decode()


def test_undo_from_the_merges_list_puts_both_back(client, world, twice):
    first, second = twice
    client.force_login(world.manager)
    client.post(_pair_url(first, second), {"decision": "same", "survivor": "first"})
    merge = ParticipantMerge.objects.get()
    listing = client.get(reverse("people-merges"))
    assert list(listing.context["merges"]) == [merge]
    response = client.post(reverse("people-merge-undo", args=[merge.pk]))
    assert response.status_code == 302
    merge.refresh_from_db()
    assert merge.undone_by == world.manager
    assert Attendance.objects.get(participant=second)
    assert client.get(reverse("people-detail", args=[second.pk])).status_code == 200


def test_merges_are_not_found_outside_the_scope(client, world, twice):
    client.force_login(world.manager)
    client.post(_pair_url(*twice), {"decision": "same", "survivor": "first"})
    merge = ParticipantMerge.objects.get()
    for persona, status in (
        ("officer_a", 200),
        ("officer_b", 404),
        ("mentor", 404),
        ("donor", 404),
    ):
        client.force_login(getattr(world, persona))
        assert client.get(reverse("people-merge", args=[merge.pk])).status_code == status
    client.force_login(world.officer_b)
    assert client.post(reverse("people-merge-undo", args=[merge.pk])).status_code == 404
    assert ParticipantMerge.objects.get().undone_at is None


def test_the_merges_list_reads_a_page_in_a_fixed_number_of_queries(
    client, world, django_assert_max_num_queries
):
    for _n in range(4):
        participants_merge(by=world.manager, survivor=world.woman_a,
                           merged=ParticipantFactory(village=world.village_a), values={})  # fmt: skip
    client.force_login(world.manager)
    with django_assert_max_num_queries(8):
        client.get(reverse("people-merges"))
