"""Reads for cases, through the user's rights: every read of a case is logged, and so is every refusal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tonle.accounts.guards import guarded_get
from tonle.accounts.models import AccessAction, Role, User
from tonle.accounts.services import access_log
from tonle.cases.models import Case, CaseNote, CaseStatus, Session
from tonle.lib.templatetags.tonle import format_count
from tonle.people.models import Participant
from tonle.people.selectors import participants_visible_to, records_of_women_named
from tonle.people.timeline import TimelineEntry
from tonle.programs.selectors import projects_visible_to

# A case with no session for this long needs a supervisor's look.
QUIET_DAYS = 60


def mentor_open_cases(user: User) -> QuerySet[Case, Any]:
    """Her part of the one scope (people.selectors): the women she holds an open case for."""
    return Case.objects.filter(worker=user, status=CaseStatus.OPEN).values("participant_id")


def cases_visible_to(*, user: User) -> QuerySet[Case]:
    """Cases of the women in the user's scope: a mentor's own, an officer's projects' and team's."""
    if not user.is_authenticated or not user.may_see_names:
        return Case.objects.none()
    cases = Case.objects.filter(participant__in=participants_visible_to(user=user).values("pk"))
    if user.sees_every_project:
        return cases
    if user.role == Role.SMART_WOMAN:
        return cases.filter(worker=user)
    return cases.filter(
        Q(project__in=projects_visible_to(user=user).values("id"))
        | Q(worker=user)
        | Q(worker__supervisor=user)
    )


def may_read_notes(*, user: User, case: Case) -> bool:
    """Only the assigned worker, her supervisor and the M&E manager read notes."""
    return (
        user.pk == case.worker_id
        or (case.worker.supervisor_id is not None and user.pk == case.worker.supervisor_id)
        or user.role == Role.ME_MANAGER
    )


def case_get_for_user(*, user: User, case_id: int, path: str = "") -> Case:
    """The only way to open a case: the same 404 (logged) if missing or out of scope; a read is logged."""
    case = guarded_get(
        visible=cases_visible_to(user=user).select_related(
            "participant__village", "project", "worker__supervisor"
        ),
        record_type="case",
        record_id=case_id,
    )
    access_log(
        user=user, action=AccessAction.READ, record_type="case", record_id=case.pk, path=path
    )
    return case


def case_notes_for_user(*, user: User, case: Case, path: str = "") -> list[CaseNote] | None:
    """The notes, or None when she may not read them; a read of the notes is logged."""
    if not may_read_notes(user=user, case=case):
        return None
    access_log(
        user=user, action=AccessAction.READ, record_type="case-notes", record_id=case.pk, path=path
    )
    return list(case.notes.select_related("written_by"))


def case_note_history_for_user(*, user: User, case: Case, path: str = "") -> list[Any] | None:
    """Every version of the case's notes (written, changed, removed), newest first, to those who
    may read the notes, or None; the history holds the notes' text, so it is read and logged
    as the notes are."""
    if not may_read_notes(user=user, case=case):
        return None
    access_log(
        user=user, action=AccessAction.READ, record_type="case-notes", record_id=case.pk, path=path
    )
    return list(
        CaseNote.history.filter(case_id=case.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )


def case_sessions(*, case: Case) -> QuerySet[Session]:
    return case.sessions.select_related("recorded_by").prefetch_related("topics")


def case_list(*, user: User, text: str = "", status: str = CaseStatus.OPEN) -> QuerySet[Case]:
    cases = cases_visible_to(user=user).select_related("participant__village", "worker", "project")
    if status in CaseStatus.values:
        cases = cases.filter(status=status)
    cases = records_of_women_named(records=cases, text=text)
    return cases.order_by("-last_contact_on", "-id")


def _supervised(*, user: User) -> QuerySet[Case]:
    cases = cases_visible_to(user=user).filter(status=CaseStatus.OPEN)
    if user.sees_every_project:
        return cases
    # The team as a list of ids, so each worker's (worker, status, date) index is read,
    # instead of every open case of the organisation being joined to its worker.
    team = [user.pk, *User.objects.filter(supervisor=user).values_list("id", flat=True)]
    return cases.filter(worker_id__in=team)


def cases_gone_quiet(*, user: User, today: dt.date | None = None) -> QuerySet[Case]:
    """Open cases with no session for 60 days (or none since opening 60 days ago)."""
    cutoff = (today or timezone.localdate()) - dt.timedelta(days=QUIET_DAYS)
    return (
        _supervised(user=user)
        .filter(last_contact_on__lt=cutoff)
        .select_related("participant__village", "worker")
        .order_by("last_contact_on", "id")
    )


def follow_ups_due(*, user: User, today: dt.date | None = None) -> QuerySet[Case]:
    return (
        _supervised(user=user)
        .filter(next_follow_up_on__lte=today or timezone.localdate())
        .select_related("participant__village", "worker")
        .order_by("next_follow_up_on", "id")
    )


def contact_case(*, worker: User, participant_id: int | None) -> Case | None:
    """The case a Smart Woman's contact with a woman belongs to: her open case with her, of any kind.

    Mentoring or counselling, the newest if she holds several; None when she holds none (the
    contact then opens a counselling case). The contact page and its save both ask here.
    """
    if participant_id is None:
        return None
    return (
        Case.objects.filter(worker=worker, participant_id=participant_id, status=CaseStatus.OPEN)
        .select_related("project")
        .order_by("-opened_on", "-id")
        .first()
    )


def mentees_of(*, user: User) -> QuerySet[Participant]:
    """The women a Smart Woman supports: everyone in her scope but herself."""
    return participants_visible_to(user=user).exclude(account=user)


def case_timeline(participant: Participant, user: User) -> list[TimelineEntry]:
    """Her cases and sessions, only to those who may see the case; never the notes."""
    cases = list(
        cases_visible_to(user=user).filter(participant=participant).prefetch_related("sessions")
    )
    entries = []
    for case in cases:
        url = reverse("cases-detail", args=[case.pk])
        entries.append(
            TimelineEntry(
                date=case.opened_on, kind=case.get_kind_display(), title=_("Case opened"), url=url
            )
        )
        entries.extend(
            TimelineEntry(
                date=session.date,
                kind=case.get_kind_display(),
                title=_("Session of %(minutes)s minutes")
                % {"minutes": format_count(session.duration_minutes)},
                url=url,
            )
            for session in case.sessions.all()
        )
    return entries
