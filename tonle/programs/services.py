"""Writes for programs: activities and attendance, each checked against the project."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from tonle.accounts.models import User
from tonle.geo.models import Village
from tonle.lib.models import recorded_by
from tonle.people.models import Participant
from tonle.people.services import participant_register
from tonle.programs.models import (
    Activity,
    ActivityType,
    Attendance,
    AttendanceSource,
    Component,
    Project,
    Topic,
)


def activity_create(
    *,
    by: User | None,
    project: Project,
    component: Component,
    activity_type: ActivityType,
    date: dt.date,
    village: Village,
    topic: Topic | None = None,
    name_en: str = "",
    name_km: str = "",
    place: str = "",
    facilitator: str = "",
) -> Activity:
    activity = Activity(
        project=project,
        component=component,
        activity_type=activity_type,
        topic=topic,
        name_en=name_en,
        name_km=name_km,
        date=date,
        village=village,
        place=place,
        facilitator=facilitator,
        created_by=by,
    )
    _check_activity(activity)
    recorded_by(activity, user=by)
    with transaction.atomic():
        activity.save()
    return activity


def _check_activity(activity: Activity) -> None:
    activity.full_clean(validate_constraints=False)
    errors: dict[str, str] = {}
    if not (activity.name_en or activity.name_km):
        errors["name_en"] = _("Give the activity a title, in English or in Khmer.")
    project = activity.project
    if activity.component.project_id != project.pk:
        errors["component"] = _("This component belongs to another project.")
    if not project.communities.filter(pk=activity.village_id).exists():
        errors["village"] = _("This village is not one of the project's communities.")
    if not project.starts_on <= activity.date <= project.ends_on:
        errors["date"] = _("The date is outside the project's period (%(start)s to %(end)s).") % {
            "start": date_format(project.starts_on),
            "end": date_format(project.ends_on),
        }
    if errors:
        raise ValidationError(errors)


def attendance_record(
    *,
    by: User | None,
    activity: Activity,
    participant: Participant,
    source: str = AttendanceSource.WEB,
) -> tuple[Attendance, bool]:
    """Mark her present; ticking twice keeps one attendance. Returns (attendance, created)."""
    existing = Attendance.objects.filter(activity=activity, participant=participant).first()
    if existing:
        return existing, False
    attendance = Attendance(
        activity=activity, participant=participant, source=source, recorded_by=by
    )
    recorded_by(attendance, user=by)
    try:
        with transaction.atomic():
            attendance.save()
    except IntegrityError:
        # Two phones ticked her at the same moment: the other tick won, which is the same thing.
        return Attendance.objects.get(activity=activity, participant=participant), False
    return attendance, True


def attendance_register_and_record(
    *, by: User | None, activity: Activity, village: Village, **fields: Any
) -> tuple[Participant, Attendance]:
    """Register a new woman at the door and mark her present: both or neither, so a tick that
    fails leaves no woman registered without her attendance (see participant_build for the
    fields)."""
    with transaction.atomic():
        participant = participant_register(by=by, village=village, **fields)
        attendance, _created = attendance_record(by=by, activity=activity, participant=participant)
    return participant, attendance


def attendances_record_many(
    *, by: User | None, activity: Activity, participants: list[Participant], source: str
) -> list[Attendance]:
    """Mark many present at once (a sign-in sheet); those already present stay as they are.
    Returns the attendances made."""
    return attendances_mark(marks=[(by, activity, p) for p in participants], source=source).made


# Who marked her present, at which activity, whom.
Mark = tuple[User | None, Activity, Participant]


@dataclass(frozen=True)
class Marked:
    """What marking many present did: the attendances it made, and those that were there
    already (by activity and woman)."""

    made: list[Attendance]
    already: dict[tuple[int, int], Attendance]


def attendances_mark(*, marks: list[Mark], source: str) -> Marked:
    """Mark many present at many activities in a few statements (phone forms applied by the
    hundred); those present already stay as they are. Each attendance made has its history
    written as by whoever marked it."""
    for attempt in range(2):
        already = {
            (attendance.activity_id, attendance.participant_id): attendance
            for attendance in Attendance.objects.filter(
                activity__in={activity.pk for _by, activity, _p in marks},
                participant__in={participant.pk for _by, _a, participant in marks},
            )
        }
        present = set(already)
        fresh = []
        for by, activity, participant in marks:
            if (activity.pk, participant.pk) not in present:
                present.add((activity.pk, participant.pk))
                attendance = Attendance(
                    activity=activity, participant=participant, source=source, recorded_by=by
                )
                recorded_by(attendance, user=by)  # bulk_create_with_history reads it
                fresh.append(attendance)
        try:
            with transaction.atomic():
                made = bulk_create_with_history(fresh, Attendance, batch_size=500)
            return Marked(made=made, already=already)
        except IntegrityError:
            if attempt:
                raise
            # Someone ticked one of them at this moment: she is present, the rest are made.
    raise AssertionError("unreachable")


def attendance_remove(*, by: User | None, activity: Activity, participant: Participant) -> bool:
    """Untick her. The history keeps who removed it and when."""
    attendance = Attendance.objects.filter(activity=activity, participant=participant).first()
    if attendance is None:
        return False
    recorded_by(attendance, user=by)
    with transaction.atomic():
        attendance.delete()
    return True


def attendances_clashing_in_merge(*, survivor: Participant, merged: Participant) -> QuerySet:
    """The merged woman's attendances of activities the survivor attended too: one woman
    attends an activity once, so these are removed by the merge (and put back by undo)."""
    theirs = Attendance.objects.filter(participant=survivor).values("activity_id")
    return Attendance.objects.filter(participant=merged, activity_id__in=theirs)
