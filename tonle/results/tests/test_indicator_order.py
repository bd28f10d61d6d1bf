"""The framework lists its indicators down the results chain, then by their position."""

import pytest
from django.urls import reverse

from tonle.results.framework import framework_figures
from tonle.results.models import Indicator
from tonle.results.services import framework_export, framework_import, indicator_save

PEOPLE = {"measure": "people_attending"}


def _save(project, code, level, **fields):
    """Make the indicator of this code, or change it if the project has it."""
    return indicator_save(
        project=project, indicator=project.indicators.filter(code=code).first(),
        code=code, level=level, name_en=code.title(),
        definition={} if level == "goal" else PEOPLE, **fields,
    )  # fmt: skip


@pytest.fixture
def chain(world):
    """Project A's goal, one outcome under it and two outputs under the outcome."""
    goal = _save(world.project_a, "goal", "goal")
    outcome = _save(world.project_a, "engaged", "outcome", parent=goal)
    for code in ("trained", "coached"):
        _save(world.project_a, code, "output", parent=outcome)
    return world.project_a


def _listed(project):
    return [item.indicator.code for item in framework_figures(project=project, split=False)]


def test_a_new_indicator_is_listed_after_the_others_of_its_level_not_above_the_goal(chain):
    _save(chain, "leaders", "outcome", parent=chain.indicators.get(code="goal"))
    _save(chain, "referred", "output")

    assert _listed(chain) == ["goal", "engaged", "leaders", "trained", "coached", "referred"]
    assert list(chain.indicators.filter(level="output").values_list("position", flat=True)) == [
        1, 2, 3,
    ]  # fmt: skip


def test_an_output_made_before_the_goal_is_still_listed_below_it(world):
    _save(world.project_a, "trained", "output")
    _save(world.project_a, "engaged", "outcome")
    _save(world.project_a, "goal", "goal")

    assert _listed(world.project_a) == ["goal", "engaged", "trained"]


def test_a_position_moves_the_indicator_among_its_level_and_numbers_the_others_again(chain):
    _save(chain, "coached", "output", position=1)

    assert _listed(chain) == ["goal", "engaged", "coached", "trained"]
    positions = dict(chain.indicators.values_list("code", "position"))
    assert (positions["coached"], positions["trained"]) == (1, 2)


def test_an_indicator_moved_to_another_level_goes_to_the_end_of_it(chain):
    _save(chain, "trained", "outcome")

    assert _listed(chain) == ["goal", "engaged", "trained", "coached"]
    assert chain.indicators.get(code="coached").position == 1


def test_the_manager_changes_the_order_with_the_position_in_the_indicator_form(
    client, world, chain
):
    client.force_login(world.manager)
    url = reverse("results-indicator-edit", args=[chain.slug, "coached"])
    form = client.get(url).context["form"]
    assert form.initial["position"] == 2

    saved = client.post(url, {"save": "1", "measure": "people_attending", "name_en": "Coached",
                              "code": "coached", "level": "output", "direction": "increase",
                              "baseline": "0", "position": "1",
                              "parent": chain.indicators.get(code="engaged").pk})  # fmt: skip

    assert saved.status_code == 302
    page = client.get(reverse("results-framework", args=[chain.slug]))
    assert [item.indicator.code for item in page.context["figures"]] == [
        "goal", "engaged", "coached", "trained",
    ]  # fmt: skip


def test_a_child_placed_above_its_parent_is_exported_after_it_and_imports_again(world, chain):
    _save(chain, "id-cards", "output", parent=chain.indicators.get(code="trained"), position=1)

    rows = framework_export(project=chain)
    codes = [row["code"] for row in rows]
    assert codes.index("trained") < codes.index("id-cards")

    framework_import(project=world.project_b, rows=rows)
    assert _listed(world.project_b) == _listed(chain)
    assert Indicator.objects.get(project=world.project_b, code="id-cards").position == 1
