"""Reads for cases, through the user's rights: every read of a case is logged, and so is every refusal."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tonle.accounts.models import AccessAction, Role, User
from tonle.accounts.services import access_log
from tonle.cases.models import Case, CaseNote, CaseStatus, Session
from tonle.lib.templatetags.tonle import format_count
from tonle.people.models import Participant
from tonle.people.timeline import TimelineEntry
from tonle.programs.selectors import projects_visible_to

# A case with no session for this long needs a supervisor's look.
QUIET_DAYS = 60


def cases_visible_to(*, user: User) -> QuerySet[Case]:
    if not user.is_authenticated:
        return Case.objects.none()
    if user.sees_every_project:
        return Case.objects.all()
    if user.role == Role.SMART_WOMAN:
        return Case.objects.filter(worker=user)
    if user.role == Role.FIELD_OFFICER:
        return Case.objects.filter(
            Q(project__in=projects_visible_to(user=user).values("id"))
            | Q(worker=user)
            | Q(worker__supervisor=user)
        )
    return Case.objects.none()


def may_read_notes(*, user: User, case: Case) -> bool:
    """Only the assigned worker, her supervisor and the M&E manager read notes."""
    return (
        user.pk == case.worker_id
        or (case.worker.supervisor_id is not None and user.pk == case.worker.supervisor_id)
        or user.role == Role.ME_MANAGER
    )


def case_get_for_user(*, user: User, case_id: int, path: str = "") -> Case:
    """The only way to open a case: 404, 403 (logged), or the case (its read logged)."""
    try:
        case = Case.objects.select_related(
            "participant__village", "project", "worker__supervisor"
        ).get(pk=case_id)
    except Case.DoesNotExist as missing:
        raise Http404 from missing
    visible = cases_visible_to(user=user).filter(pk=case.pk).exists()
    access_log(
        user=user,
        action=AccessAction.READ if visible else AccessAction.REFUSED,
        record_type="case",
        record_id=case.pk,
        path=path,
    )
    if not visible:
        raise PermissionDenied
    return case


def case_notes_for_user(*, user: User, case: Case, path: str = "") -> list[CaseNote] | None:
    """The notes, or None when she may not read them; a read of the notes is logged."""
    if not may_read_notes(user=user, case=case):
        return None
    access_log(
        user=user, action=AccessAction.READ, record_type="case-notes", record_id=case.pk, path=path
    )
    return list(case.notes.select_related("written_by"))


def case_sessions(*, case: Case) -> QuerySet[Session]:
    return case.sessions.select_related("recorded_by").prefetch_related("topics")


def case_list(*, user: User, text: str = "", status: str = CaseStatus.OPEN) -> QuerySet[Case]:
    cases = cases_visible_to(user=user).select_related("participant__village", "worker", "project")
    if status in CaseStatus.values:
        cases = cases.filter(status=status)
    if text:
        cases = cases.filter(
            Q(participant__name_latin__icontains=text) | Q(participant__name_km__icontains=text)
        )
    return cases.order_by("-last_contact_on", "-id")


def _supervised(*, user: User) -> QuerySet[Case]:
    cases = Case.objects.filter(status=CaseStatus.OPEN)
    if user.role == Role.ME_MANAGER or user.is_superuser:
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


def mentees_of(*, user: User) -> QuerySet[Participant]:
    """The women a Smart Woman supports: her group's members and the women of her cases."""
    return (
        Participant.objects.filter(
            Q(group_memberships__group__memberships__participant__account=user)
            | Q(cases__worker=user)
        )
        .exclude(account=user)
        .distinct()
    )


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
