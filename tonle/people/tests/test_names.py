"""The keys that let two spellings of one name meet, in one script or across the two."""

import pytest

from tonle.people.names import (
    khmer_skeleton,
    khmer_to_latin,
    latin_sound,
    name_keys,
    name_parts,
    skeleton,
)


@pytest.mark.parametrize(
    "spellings",
    [
        ["Sophea", "Sophia", "Sopheap", "SOPHEA", "Sopea"],
        ["Chan", "Chhan", "Chann"],
        ["Srey", "Srei"],
        ["Pov", "Pou"],
        ["Kolab", "Kolap", "Kola"],
    ],
)
def test_romanisations_of_one_name_fold_to_one_sound(spellings):
    assert len({latin_sound(spelling) for spelling in spellings}) == 1


def test_different_names_keep_different_sounds():
    assert latin_sound("Sophea") != latin_sound("Sokha")
    assert latin_sound("Chan") != latin_sound("Chea")
    assert latin_sound("Heng") != latin_sound("Hen")  # ng is a sound of its own


@pytest.mark.parametrize(
    ("khmer", "latin"),
    [
        ("សុភា", "Sophea"),
        ("ចាន់", "Chan"),
        ("ស្រីមុំ", "Sreymom"),
        ("សំណាង", "Samnang"),
        ("ពេជ្រ", "Pich"),  # a final subscript is silent
        ("វង្ស", "Vong"),
        ("ប្រាក់", "Prak"),  # ប is p here, b in Bopha
        ("បុប្ផា", "Bopha"),
        ("ញឹម", "Nhem"),
        ("ហេង", "Heng"),
        ("កុលាប", "Kolab"),
    ],
)
def test_a_khmer_name_and_its_romanisation_share_their_consonants(khmer, latin):
    assert skeleton(khmer_to_latin(khmer)) == skeleton(latin_sound(latin))


def test_khmer_spelling_variants_share_a_khmer_skeleton():
    # another vowel sign, a vowel left out, a zero-width space typed in the middle
    assert khmer_skeleton("ស្រីមុំ") == khmer_skeleton("ស្រីមុម") == khmer_skeleton("ស្រមុំ")
    assert khmer_skeleton("សុភា") == khmer_skeleton("សុ\u200bភា")
    assert khmer_skeleton("សុភា") != khmer_skeleton("សុខា")


def test_family_and_given_name_swapped_give_the_same_keys():
    plain = name_keys(name_km="ចាន់ ស្រីមុំ", name_latin="Chan Sreymom")
    swapped = name_keys(name_km="ស្រីមុំ ចាន់", name_latin="Sreymom Chhan")
    assert plain.khmer_skeleton == swapped.khmer_skeleton
    assert plain.latin_sound == swapped.latin_sound
    assert plain.km_skeleton == swapped.km_skeleton == plain.latin_skeleton


def test_a_name_written_as_one_word_meets_it_written_as_two():
    assert (
        name_keys(name_km="", name_latin="Chan Srey Mom").latin_sound
        == name_keys(name_km="", name_latin="Chan Sreymom").latin_sound
    )
    assert (
        name_keys(name_km="ចាន់ស្រីមុំ", name_latin="").khmer_skeleton
        == name_keys(name_km="ចាន់ ស្រីមុំ", name_latin="").khmer_skeleton
    )


def test_a_name_in_khmer_only_meets_the_same_name_in_latin_only():
    khmer_only = name_keys(name_km="សុខ សុភា", name_latin="")
    latin_only = name_keys(name_km="", name_latin="Sok Sophea")
    assert khmer_only.skeletons & latin_only.skeletons
    assert not khmer_only.skeletons & name_keys(name_km="", name_latin="Sok Dara").skeletons


def test_name_parts_are_the_same_whichever_comes_first():
    assert name_parts(name_km="", name_latin="Sok Dara") == name_parts(
        name_km="", name_latin="Dara Sok"
    )
    assert name_parts(name_km="សុខ ដារ៉ា", name_latin="") == name_parts(
        name_km="", name_latin="Sok Dara"
    )


def test_empty_names_give_empty_keys():
    keys = name_keys(name_km="", name_latin="")
    assert keys.skeletons == set()
    assert keys.latin_sound == keys.khmer_skeleton == ""
