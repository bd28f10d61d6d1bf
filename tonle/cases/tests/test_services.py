"""Cases: consent first, sessions after opening, goals followed, supervisors warned."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tonle.cases.models import Case, CaseKind, GoalProgress, Session
from tonle.cases.selectors import cases_gone_quiet, follow_ups_due
from tonle.cases.services import case_open, counselling_contact_log, goal_add, session_record
from tonle.cases.tests.factories import SessionTopicFactory


@pytest.fixture
def case(world):
    return case_open(
        by=world.officer_a, participant=world.woman_a, project=world.project_a, kind=CaseKind.COACHING,
        worker=world.officer_a, opened_on=dt.date(2023, 1, 10), consent_given=True,
    )  # fmt: skip


def test_a_case_needs_consent_a_worker_of_the_project_and_a_woman_of_the_project(world):
    with pytest.raises(ValidationError) as refused:
        case_open(
            by=world.officer_a, participant=world.woman_b, project=world.project_a, kind=CaseKind.COACHING,
            worker=world.officer_b, opened_on=dt.date(2023, 1, 10), consent_given=False,
        )  # fmt: skip
    assert set(refused.value.message_dict) == {"participant", "worker", "consent_given"}
    assert not Case.objects.exists()


def test_a_session_dated_before_the_case_opened_is_refused_and_nothing_saved(world, case):
    goal = goal_add(by=world.officer_a, case=case, description="Open a savings account")
    with pytest.raises(ValidationError) as refused:
        session_record(
            by=world.officer_a, case=case, date=dt.date(2022, 12, 1), duration_minutes=30,
            goal_progress={goal.pk: GoalProgress.ACHIEVED},
        )  # fmt: skip
    assert "date" in refused.value.message_dict
    goal.refresh_from_db()
    assert goal.progress == GoalProgress.NOT_STARTED and not Session.objects.exists()


def test_a_session_moves_her_goals_and_the_cases_dates(world, case):
    goal = goal_add(by=world.officer_a, case=case, description="Plan the family budget")
    topic = SessionTopicFactory()
    session_record(
        by=world.officer_a, case=case, date=dt.date(2023, 2, 1), duration_minutes=45, topics=[topic],
        follow_up_on=dt.date(2023, 3, 1), goal_progress={goal.pk: GoalProgress.IN_PROGRESS},
    )  # fmt: skip
    case.refresh_from_db()
    goal.refresh_from_db()
    assert (case.last_contact_on, case.next_follow_up_on) == (
        dt.date(2023, 2, 1),
        dt.date(2023, 3, 1),
    )
    assert goal.progress == GoalProgress.IN_PROGRESS
    assert list(goal.history.values_list("progress", flat=True)) == ["in_progress", "not_started"]


def test_supervisors_see_quiet_cases_and_due_follow_ups(world, case):
    world.officer_b.supervisor = None
    session_record(
        by=world.officer_a, case=case, date=dt.date(2023, 2, 1), duration_minutes=30,
        follow_up_on=dt.date(2023, 2, 15),
    )  # fmt: skip
    assert list(cases_gone_quiet(user=world.manager, today=dt.date(2023, 3, 1))) == []
    assert list(cases_gone_quiet(user=world.manager, today=dt.date(2023, 4, 15))) == [case]
    assert list(follow_ups_due(user=world.manager, today=dt.date(2023, 2, 14))) == []
    assert list(follow_ups_due(user=world.manager, today=dt.date(2023, 2, 15))) == [case]
    assert list(follow_ups_due(user=world.officer_b, today=dt.date(2023, 2, 15))) == []


def test_a_counselling_contact_opens_her_case_once_and_then_adds_to_it(world):
    for day in (dt.date(2023, 5, 1), dt.date(2023, 5, 20)):
        counselling_contact_log(
            by=world.mentor, participant=world.mentee, project=world.project_a, date=day,
            duration_minutes=20, new_goal="Get her ID card" if day.day == 1 else "",
        )  # fmt: skip
    case = Case.objects.get()
    assert (case.worker, case.kind, case.sessions.count()) == (
        world.mentor,
        CaseKind.COUNSELLING,
        2,
    )
    assert case.goals.get().progress == GoalProgress.IN_PROGRESS
