"""Registering and correcting a participant, and the check for someone registered twice."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tonle.geo.tests.factories import VillageFactory
from tonle.people.services import (
    participant_likely_duplicates,
    participant_register,
    participant_update,
)
from tonle.people.tests.factories import ParticipantFactory


def test_register_writes_search_keys_and_who_recorded_consent(world):
    person = participant_register(
        by=world.officer_a,
        village=world.village_a,
        name_km="ហេង  ស្រីពៅ",
        name_latin="Heng Srey Pov",
        date_of_birth=dt.date(2007, 5, 2),
        phone="+855 12 000 111",
        consent_given=True,
        consent_date=dt.date(2023, 1, 5),
    )
    assert person.name_km == "ហេង ស្រីពៅ"
    assert person.name_latin_key == "hengsreypov"
    assert person.birth_year == 2007
    assert person.phone_key == "012000111"
    assert person.consent_recorded_by == world.officer_a
    assert person.age(on=dt.date(2023, 5, 1)) == 15
    assert person.age(on=dt.date(2023, 5, 2)) == 16


def test_register_refuses_a_person_without_any_name(world):
    with pytest.raises(ValidationError):
        participant_register(by=world.officer_a, village=world.village_a)


def test_register_refuses_consent_without_a_date(world):
    with pytest.raises(ValidationError):
        participant_register(
            by=world.officer_a, village=world.village_a, name_latin="Sok Dara", consent_given=True
        )


def test_every_change_is_kept_with_who_made_it(world):
    person = participant_register(
        by=world.officer_a, village=world.village_a, name_latin="Sok Dara"
    )
    participant_update(participant=person, by=world.manager, phone="012345678")

    history = list(person.history.order_by("history_id"))

    assert [h.history_type for h in history] == ["+", "~"]
    assert [h.history_user for h in history] == [world.officer_a, world.manager]
    assert history[1].diff_against(history[0]).changed_fields == ["phone"]


def test_likely_duplicate_is_found_by_a_close_name_in_the_same_village_and_year(world):
    existing = ParticipantFactory(
        village=world.village_a, name_latin="Chan Sreymom", name_km="ចាន់ ស្រីមុំ", birth_year=1988
    )
    found = participant_likely_duplicates(
        user=world.manager, village=world.village_a, name_latin="Chan Srey Mom", birth_year=1989
    )
    assert existing in [match.person for match in found]
    assert not participant_likely_duplicates(
        user=world.manager, village=world.village_b, name_latin="Chan Sreymom", birth_year=1988
    )
    assert not participant_likely_duplicates(
        user=world.manager, village=world.village_a, name_latin="Chan Sreymom", birth_year=1950
    )


def test_a_woman_registered_in_khmer_is_found_when_entered_in_latin_letters(world):
    existing = ParticipantFactory(
        village=world.village_a, name_km="ចាន់ សុភា", name_latin="", birth_year=1985
    )
    neighbour = VillageFactory(commune=world.village_a.commune)

    found = participant_likely_duplicates(
        user=world.officer_a, village=neighbour, name_latin="Sopheap Chhan", birth_year=1985
    )

    assert [match.person for match in found] == [existing]
    words = [reason.words for reason in found[0].agreeing]
    assert "the name in Khmer script sounds like the name in Latin letters" in words
    assert "neighbouring villages of one commune" in words


def test_the_check_on_entry_names_nobody_outside_the_officers_scope(world):
    ParticipantFactory(village=world.village_b, name_latin="Keo Dara", phone="012333444")

    assert not participant_likely_duplicates(
        user=world.officer_a, village=world.village_a, name_latin="Keo Dara", phone="012333444"
    )
    assert participant_likely_duplicates(
        user=world.manager, village=world.village_a, name_latin="Keo Dara", phone="012333444"
    )
