"""Changing an indicator's code changes that indicator: it is neither copied nor put over another."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tonle.results.models import Indicator
from tonle.results.services import framework_import, indicator_save

PEOPLE = {"measure": "people_attending"}


@pytest.fixture
def engaged(world):
    indicator_save(project=world.project_a, code="trained", level="output", name_en="Trained",
                   definition=PEOPLE)  # fmt: skip
    return indicator_save(project=world.project_a, code="engaged", level="outcome",
                          name_en="Engaged", definition=PEOPLE)  # fmt: skip


def _form(code, name="Engaged"):
    return {"save": "1", "measure": "people_attending", "name_en": name, "code": code,
            "level": "outcome", "direction": "increase", "baseline": "0"}  # fmt: skip


def _codes(project):
    return sorted(project.indicators.values_list("code", "name_en"))


def test_a_new_code_typed_on_the_edit_page_renames_the_same_indicator(client, world, engaged):
    client.force_login(world.manager)
    url = reverse("results-indicator-edit", args=[world.project_a.slug, "engaged"])

    saved = client.post(url, _form("engaged-women", name="Women engaged"))

    assert saved.status_code == 302
    assert _codes(world.project_a) == [("engaged-women", "Women engaged"), ("trained", "Trained")]
    assert Indicator.objects.get(code="engaged-women").pk == engaged.pk


def test_the_code_of_another_indicator_is_refused_on_its_field_and_nothing_changes(
    client, world, engaged
):
    client.force_login(world.manager)
    before = _codes(world.project_a)

    for url in (reverse("results-indicator-edit", args=[world.project_a.slug, "engaged"]),
                reverse("results-indicator-new", args=[world.project_a.slug])):  # fmt: skip
        page = client.post(url, _form("trained", name="Not trained"))
        assert page.status_code == 200
        assert "Another indicator of this project" in page.context["form"].errors["code"][0]

    assert _codes(world.project_a) == before


def test_the_service_changes_the_indicator_it_is_given_by_its_id(world, engaged):
    renamed = indicator_save(project=world.project_a, indicator=engaged, code="engaged-women",
                             level="outcome", name_en="Engaged", definition=PEOPLE)  # fmt: skip
    assert renamed.pk == engaged.pk and world.project_a.indicators.count() == 2

    with pytest.raises(ValidationError) as refused:
        indicator_save(project=world.project_a, indicator=engaged, code="trained",
                       level="outcome", name_en="Engaged", definition=PEOPLE)  # fmt: skip
    assert list(refused.value.message_dict) == ["code"]


def test_an_import_still_changes_the_indicator_of_the_same_code(world, engaged):
    framework_import(project=world.project_a, rows=[
        {"code": "engaged", "level": "outcome", "name_en": "Engaged again", "definition": PEOPLE},
    ])  # fmt: skip
    assert _codes(world.project_a) == [("engaged", "Engaged again"), ("trained", "Trained")]
