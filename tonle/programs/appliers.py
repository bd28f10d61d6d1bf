"""How a phone form records an activity and its attendance: a repeat of women, each chosen from
the phone's list or registered new at the door."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext_lazy

from tonle.accounts.models import User
from tonle.collect.applying import Answers, pick_each
from tonle.collect.registry import Applier, TargetField
from tonle.geo.models import Village
from tonle.lib.models import record_withdraw
from tonle.people.appliers import NEW_WOMAN_FIELDS, woman_new
from tonle.people.models import Participant
from tonle.people.selectors import participants_visible_to
from tonle.programs.models import (
    Activity,
    ActivityType,
    Attendance,
    AttendanceSource,
    Component,
    Project,
)
from tonle.programs.selectors import activities_visible_to
from tonle.programs.services import activity_create, attendance_remove, attendances_record_many


def _activity(answers: Answers) -> tuple[Activity | None, bool]:
    """The activity chosen by id, or a new one from the form's answers; (activity, made)."""
    if answers.text("activity"):
        picked = answers.pick("activity", activities_visible_to(user=answers.user))
        return answers.claim(picked), False
    project = Project.objects.get(pk=answers.project_id)
    component = answers.pick("component", Component.objects.filter(project=project))
    activity_type = answers.pick("activity_type", ActivityType.objects.all())
    village = answers.pick("village", project.communities.all())
    date = answers.date("date")
    if answers.errors or None in (component, activity_type, village, date):
        return None, False
    try:
        return activity_create(
            by=answers.user, project=project, component=component, activity_type=activity_type,
            date=date, village=village, name_en=answers.text("name_en"),
            name_km=answers.text("name_km_activity"),
        ), True  # fmt: skip
    except ValidationError as invalid:
        answers.refused(invalid, {"date": "date", "village": "village", "component": "component",
                                  "": "activity"})  # fmt: skip
        return None, False


def _apply(answers: Answers) -> list[Model]:
    activity, made_it = _activity(answers)
    if activity is None:
        return []
    made: list[Model] = [activity] if made_it else []
    repeats = answers.repeats("women")
    chosen = [one for one in repeats if one.text("woman")]
    # The women picked from the list, found in one query; the others registered at the door.
    picked = dict(
        zip(
            chosen,
            pick_each(chosen, "woman", participants_visible_to(user=answers.user)),
            strict=True,
        )
    )
    village = Village.objects.get(pk=activity.village_id)
    present: list[Participant] = []
    for one in repeats:
        woman = answers.claim(picked[one]) if one in picked else woman_new(one, village=village)
        if woman is None:
            continue
        if one not in picked:
            made.append(woman)  # registered at the door: undone after her attendance
        present.append(woman)
    if answers.errors:
        return made  # refused as a whole: nothing is recorded
    fresh = attendances_record_many(
        by=answers.user, activity=activity, participants=present, source=AttendanceSource.FORM
    )
    # Those ticked already, by another form or on the web page: theirs to undo.
    for attendance in activity.attendances.filter(participant__in=present).exclude(
        pk__in=[a.pk for a in fresh]
    ):
        answers.claim(attendance)
    made += fresh
    return made


def _unapply(by: User | None, record: Model) -> None:
    if isinstance(record, Attendance):
        attendance_remove(by=by, activity=record.activity, participant=record.participant)
    else:  # the activity, or a woman registered at the door, once her attendance is gone
        record_withdraw(record=record, user=by)


ATTENDANCE = Applier(
    kind="programs.attendance",
    label=gettext_lazy("An activity and its attendance (a repeat of women)"),
    fields=(
        TargetField(
            "activity",
            gettext_lazy("activity (id of an existing one)"),
            ("activity", "activity_id"),
        ),
        TargetField(
            "component", gettext_lazy("component (id), for a new activity"), ("component",)
        ),
        TargetField(
            "activity_type",
            gettext_lazy("type of activity (id), for a new activity"),
            ("activity_type", "type"),
        ),
        TargetField("date", gettext_lazy("date"), ("date", "activity_date", "today")),
        TargetField("village", gettext_lazy("village (id)"), ("village", "village_id")),
        TargetField(
            "name_en", gettext_lazy("title in English"), ("title", "activity_name", "name_en")
        ),
        TargetField(
            "name_km_activity", gettext_lazy("title in Khmer"), ("title_km", "activity_name_km")
        ),
        TargetField(
            "women",
            gettext_lazy("the repeat of women present"),
            ("women", "attendees", "attendance", "participants"),
            repeat=True,
        ),
        TargetField(
            "woman",
            gettext_lazy("woman from the list (women.csv)"),
            ("woman", "participant", "woman_id"),
            in_repeat=True,
        ),
        *(TargetField(f.name, f.label, f.hints, in_repeat=True) for f in NEW_WOMAN_FIELDS),
    ),
    apply=_apply,
    unapply=_unapply,
    order=20,
)
