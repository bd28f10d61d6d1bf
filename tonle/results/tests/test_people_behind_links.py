"""A link to the names behind a figure, cut short or edited by hand, is a 404, never a 500."""

import pytest
from django.urls import reverse

from tonle.results.services import indicator_save


@pytest.mark.parametrize(
    "query",
    [{"dimension": "district"}, {"dimension": "district", "key": ""},
     {"dimension": "nonsense", "key": "x"}],
)  # fmt: skip
def test_a_split_of_the_names_behind_a_figure_without_its_cell_is_not_found(client, world, query):
    indicator_save(project=world.project_a, code="engaged", level="outcome", name_en="Engaged",
                   definition={"measure": "people_attending"})  # fmt: skip
    client.force_login(world.manager)
    url = reverse("results-indicator-people", args=[world.project_a.slug, "engaged"])

    assert client.get(url, query).status_code == 404
    assert client.get(url).status_code == 200
