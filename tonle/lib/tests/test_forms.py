"""Form helpers: the only choice is made already."""

from tonle.outcomes.forms import MilestoneForm
from tonle.programs.models import Project


def test_the_only_project_is_chosen_already(world):
    assert (
        MilestoneForm(projects=Project.objects.filter(pk=world.project_a.pk)).initial["project"]
        == world.project_a.pk
    )
    assert "project" not in MilestoneForm(projects=Project.objects.all()).initial
