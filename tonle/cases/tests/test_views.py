"""The Smart Woman's counselling page, and bad input in the session form."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tonle.cases.models import Case, CaseKind, GoalProgress
from tonle.cases.tests.factories import CaseFactory, GoalFactory, SessionTopicFactory


def test_a_smart_woman_logs_a_counselling_contact_with_goal_progress(client, world, mentor_case):
    goal = GoalFactory(case=mentor_case, description="Talk to the village chief")
    topic = SessionTopicFactory()
    client.force_login(world.mentor)
    page = client.get(reverse("cases-counselling"), {"participant": world.mentee.pk})
    assert f"goal_{goal.pk}" in page.context["form"].fields

    response = client.post(
        reverse("cases-counselling"),
        {"participant": world.mentee.pk, "date": timezone.localdate().isoformat(), "duration_minutes": "25",
         "topics": [topic.pk], f"goal_{goal.pk}": GoalProgress.ACHIEVED},
    )  # fmt: skip

    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.progress == GoalProgress.ACHIEVED
    assert mentor_case.sessions.get().topics.get() == topic


def test_only_smart_women_use_the_counselling_page(client, world):
    client.force_login(world.officer_a)
    assert client.get(reverse("cases-counselling")).status_code == 403


def test_a_session_before_the_case_opened_shows_the_form_again_naming_the_date(
    client, world, mentor_case
):
    client.force_login(world.mentor)
    response = client.post(
        reverse("cases-session", args=[mentor_case.pk]),
        {
            "date": (mentor_case.opened_on - dt.timedelta(days=3)).isoformat(),
            "duration_minutes": "30",
        },
    )
    assert response.status_code == 200
    assert "date" in response.context["form"].errors
    assert not mentor_case.sessions.exists()


def test_a_field_officer_opens_a_case_from_a_persons_page(client, world):
    client.force_login(world.officer_a)
    response = client.post(
        reverse("cases-new", args=[world.woman_a.pk]),
        {"project": world.project_a.pk, "kind": "coaching", "worker": world.officer_a.pk,
         "opened_on": "2023-01-05", "risk": "low", "consent_given": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Case.objects.get().participant == world.woman_a


@pytest.mark.parametrize("kind", [CaseKind.MENTORING, CaseKind.COUNSELLING])
def test_a_smart_woman_logs_a_contact_on_the_open_case_she_holds_whatever_its_kind(
    client, world, kind
):
    """The page shows the goals of the case the save then writes to: her mentoring or counselling case."""
    case = CaseFactory(participant=world.mentee, project=world.project_a, worker=world.mentor,
                       kind=kind, opened_on=dt.date(2023, 1, 10))  # fmt: skip
    goal = GoalFactory(case=case, description="Open a savings account")
    client.force_login(world.mentor)
    page = client.get(reverse("cases-counselling"), {"participant": world.mentee.pk})
    assert page.context["case"] == case and f"goal_{goal.pk}" in page.context["form"].fields

    response = client.post(
        reverse("cases-counselling"),
        {"participant": world.mentee.pk, "date": timezone.localdate().isoformat(),
         "duration_minutes": "30", f"goal_{goal.pk}": GoalProgress.IN_PROGRESS},
    )  # fmt: skip

    assert response.status_code == 302, response.context["form"].errors
    goal.refresh_from_db()
    assert goal.progress == GoalProgress.IN_PROGRESS
    assert case.sessions.count() == 1
    assert list(Case.objects.filter(participant=world.mentee)) == [case]  # no second case opened
