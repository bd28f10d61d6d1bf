"""Writes for cases: open, set goals, record sessions, write notes, close. Nothing is saved half-way."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tonle.accounts.models import Role, User
from tonle.cases.models import (
    Case,
    CaseKind,
    CaseNote,
    CaseStatus,
    Goal,
    GoalProgress,
    Session,
    SessionTopic,
)
from tonle.cases.selectors import contact_case
from tonle.lib.models import recorded_by
from tonle.people.models import Participant
from tonle.programs.models import Project
from tonle.programs.selectors import project_serves, project_staff

WORKER_ROLES = {Role.ADMINISTRATOR, Role.ME_MANAGER, Role.FIELD_OFFICER, Role.SMART_WOMAN}


def topic_save(*, by: User | None, topic: SessionTopic) -> SessionTopic:
    """Add or rename a topic a coaching session can be about."""
    topic.full_clean()
    recorded_by(topic, user=by)
    with transaction.atomic():
        topic.save()
    return topic


def case_open(
    *,
    by: User,
    participant: Participant,
    project: Project,
    kind: str,
    worker: User,
    opened_on: dt.date,
    consent_given: bool,
    consent_date: dt.date | None = None,
    risk: str = "low",
) -> Case:
    errors: dict[str, str] = {}
    if not project_serves(project=project, participant=participant):
        errors["participant"] = _("She does not live in one of this project's communities.")
    if worker.role not in WORKER_ROLES or not project_staff(project=project, user=worker):
        errors["worker"] = _("The worker must be staff or a Smart Woman of this project.")
    if not consent_given:
        errors["consent_given"] = _("Record her consent before opening a case.")
    if opened_on > timezone.localdate():
        errors["opened_on"] = _("A case cannot open in the future.")
    if errors:
        raise ValidationError(errors)
    case = Case(
        participant=participant,
        project=project,
        kind=CaseKind(kind),
        worker=worker,
        opened_on=opened_on,
        last_contact_on=opened_on,
        consent_given=True,
        consent_date=consent_date or opened_on,
        risk=risk,
    )
    case.full_clean(validate_constraints=False)
    recorded_by(case, user=by)
    with transaction.atomic():
        case.save()
    return case


def goal_add(*, by: User, case: Case, description: str, target_date: dt.date | None = None) -> Goal:
    goal = Goal(case=case, description=description.strip(), target_date=target_date)
    goal.full_clean()
    recorded_by(goal, user=by)
    with transaction.atomic():
        goal.save()
    return goal


def session_record(
    *,
    by: User,
    case: Case,
    date: dt.date,
    duration_minutes: int,
    topics: list[SessionTopic] | None = None,
    notes: str = "",
    follow_up_on: dt.date | None = None,
    goal_progress: dict[int, str] | None = None,
) -> Session:
    """Record a session and the progress of her goals in it: all of it, or none of it."""
    errors: dict[str, str] = {}
    if date < case.opened_on:
        errors["date"] = _("The session is dated before the case opened (%(opened)s).") % {
            "opened": date_format(case.opened_on)
        }
    if date > timezone.localdate():
        errors["date"] = _("A session cannot be in the future.")
    if case.status == CaseStatus.CLOSED:
        errors["case"] = _("This case is closed.")
    if not duration_minutes or duration_minutes <= 0:
        errors["duration_minutes"] = _("Give the length of the session in minutes.")
    if follow_up_on and follow_up_on < date:
        errors["follow_up_on"] = _("The follow-up must come after the session.")
    goals = {goal.pk: goal for goal in case.goals.all()}
    for goal_id, progress in (goal_progress or {}).items():
        if goal_id not in goals or progress not in GoalProgress.values:
            errors["goal_progress"] = _("A goal or its progress is not valid for this case.")
    if errors:
        raise ValidationError(errors)
    session = Session(
        case=case,
        date=date,
        duration_minutes=duration_minutes,
        notes=notes.strip(),
        follow_up_on=follow_up_on,
        recorded_by=by,
    )
    recorded_by(session, user=by)
    with transaction.atomic():
        session.save()
        if topics:
            session.topics.set(topics)
        for goal_id, progress in (goal_progress or {}).items():
            goal = goals[goal_id]
            if goal.progress != progress:
                goal.progress = progress
                recorded_by(goal, user=by)
                goal.save(update_fields=["progress"])
        _refresh_case_dates(case, by=by)
    return session


def _refresh_case_dates(case: Case, *, by: User) -> None:
    latest = case.sessions.order_by("-date", "-id").first()
    case.last_contact_on = latest.date if latest else case.opened_on
    case.next_follow_up_on = latest.follow_up_on if latest else None
    recorded_by(case, user=by)
    case.save(update_fields=["last_contact_on", "next_follow_up_on"])


def note_add(*, by: User, case: Case, text: str) -> CaseNote:
    if not text.strip():
        raise ValidationError({"text": _("The note is empty.")})
    note = CaseNote(case=case, text=text.strip(), written_by=by)
    recorded_by(note, user=by)
    with transaction.atomic():
        note.save()
    return note


def case_close(*, by: User, case: Case, closed_on: dt.date) -> Case:
    if closed_on < case.opened_on:
        raise ValidationError({"closed_on": _("A case cannot close before it opened.")})
    case.status, case.closed_on = CaseStatus.CLOSED, closed_on
    recorded_by(case, user=by)
    with transaction.atomic():
        case.save(update_fields=["status", "closed_on"])
    return case


def counselling_contact_log(
    *,
    by: User,
    participant: Participant,
    project: Project,
    date: dt.date,
    duration_minutes: int,
    topics: list[SessionTopic] | None = None,
    notes: str = "",
    follow_up_on: dt.date | None = None,
    goal_progress: dict[int, str] | None = None,
    new_goal: str = "",
) -> Session:
    """A Smart Woman's contact with a woman she supports, in one step from her phone.

    It goes on the case `contact_case` chooses (her open mentoring or counselling case with
    the woman, in that case's project); with none, a counselling case is opened on the day
    in `project` (the woman's consent is recorded with the contact).
    """
    with transaction.atomic():
        case = contact_case(worker=by, participant_id=participant.pk)
        if case is None:
            case = case_open(
                by=by, participant=participant, project=project, kind=CaseKind.COUNSELLING,
                worker=by, opened_on=date, consent_given=True,
            )  # fmt: skip
        if new_goal.strip():
            goal = goal_add(by=by, case=case, description=new_goal)
            goal_progress = {**(goal_progress or {}), goal.pk: GoalProgress.IN_PROGRESS}
        return session_record(
            by=by, case=case, date=date, duration_minutes=duration_minutes, topics=topics,
            notes=notes, follow_up_on=follow_up_on, goal_progress=goal_progress,
        )  # fmt: skip
