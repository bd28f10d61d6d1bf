"""The gazetteer loads every place of the MEF list, and loading it again changes nothing."""

import pytest

from tonle.geo.models import Commune, District, Province, Village
from tonle.geo.services import gazetteer_load, gazetteer_spellings_apply


@pytest.mark.django_db
def test_gazetteer_loads_every_place_once_and_a_second_run_changes_nothing():
    first = gazetteer_load()
    assert (first.provinces, first.districts, first.villages) == (25, 210, 14576)
    # 1,661 named communes, and one the list names only through its 13 villages.
    assert first.communes == 1662
    ids = set(Village.objects.values_list("id", flat=True))

    second = gazetteer_load()

    assert second == first
    assert set(Village.objects.values_list("id", flat=True)) == ids


@pytest.mark.django_db
def test_the_project_districts_are_there_in_both_languages():
    gazetteer_load()
    bakong = District.objects.get(code="1709")
    assert (bakong.name_en, bakong.name_km) == ("Prasat Bakong", "ប្រាសាទបាគង")
    assert bakong.province == Province.objects.get(code="17")
    assert Commune.objects.get(code="170902").name_en == "Bakong"


@pytest.mark.django_db
def test_angkor_thom_is_spelt_one_way_when_loaded_and_when_already_there():
    gazetteer_load()
    district = District.objects.get(code="1702")
    assert (district.name_en, district.name_km) == ("Angkor Thom", "អង្គរធំ")
    District.objects.filter(code="1702").update(name_en="Angkor Thum")  # loaded before the fix

    assert gazetteer_spellings_apply() == 1

    assert District.objects.get(code="1702").name_en == "Angkor Thom"
    assert not District.objects.filter(name_en="Angkor Thum").exists()
