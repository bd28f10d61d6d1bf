"""A counselling case of the world's Smart Woman, with a note, for the permission tests."""

import pytest

from tonle.cases.models import CaseKind
from tonle.cases.services import note_add
from tonle.cases.tests.factories import CaseFactory


@pytest.fixture
def mentor_case(world):
    world.mentor.supervisor = world.officer_a
    world.mentor.save()
    case = CaseFactory(
        participant=world.mentee,
        project=world.project_a,
        worker=world.mentor,
        kind=CaseKind.COUNSELLING,
    )
    note_add(by=world.mentor, case=case, text="She fears her husband's debts.")
    return case
