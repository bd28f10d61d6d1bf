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
from tonle.programs.services import activity_create, attendance_remove, attendances_mark


def _activities(batch: list[Answers]) -> dict[Answers, tuple[Activity | None, bool]]:
    """Each submission's activity, chosen by id (those of one officer found in one query) or
    new from its answers; (activity, made)."""
    found: dict[Answers, tuple[Activity | None, bool]] = {}
    for user, group in _by_user(batch):
        chosen = [answers for answers in group if answers.text("activity")]
        picked = pick_each(chosen, "activity", activities_visible_to(user=user))
        for answers, activity in zip(chosen, picked, strict=True):
            found[answers] = (answers.claim(activity), False)
    for answers in batch:
        if answers not in found:
            found[answers] = _activity_new(answers)
    return found


def _activity_new(answers: Answers) -> tuple[Activity | None, bool]:
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


def _by_user(batch: list[Answers]) -> list[tuple[User, list[Answers]]]:
    """The submissions of each officer: what she may pick is read once for all of hers."""
    groups: dict[int, tuple[User, list[Answers]]] = {}
    for answers in batch:
        groups.setdefault(answers.user.pk, (answers.user, []))[1].append(answers)
    return list(groups.values())


def _apply_many(batch: list[Answers]) -> list[list[Model]]:
    """The activities and attendances of many submissions in a few statements: the women of
    one officer's submissions picked in one query, every attendance marked in one insert."""
    activities = _activities(batch)
    made: dict[Answers, list[Model]] = {
        a: [activities[a][0]] if activities[a][1] else [] for a in batch
    }
    women: dict[Answers, list[Participant]] = {}
    villages: dict[int, Village] = {}
    for user, group in _by_user([a for a in batch if activities[a][0] is not None]):
        repeats = [(answers, one) for answers in group for one in answers.repeats("women")]
        chosen = [one for _answers, one in repeats if one.text("woman")]
        # The women picked from the list, found at once; the others registered at the door.
        picked = dict(
            zip(chosen, pick_each(chosen, "woman", participants_visible_to(user=user)), strict=True)
        )
        for answers, one in repeats:
            if one in picked:
                woman = answers.claim(picked[one])
            else:
                village_id = activities[answers][0].village_id
                if village_id not in villages:
                    villages[village_id] = Village.objects.get(pk=village_id)
                woman = woman_new(one, village=villages[village_id])
                if woman is not None:  # registered at the door: undone after her attendance
                    made[answers].append(woman)
            if woman is not None:
                women.setdefault(answers, []).append(woman)
    # A submission refused as a whole records nothing.
    marking = [a for a in batch if a in women and not a.errors]
    marked = attendances_mark(
        marks=[(a.user, activities[a][0], woman) for a in marking for woman in women[a]],
        source=AttendanceSource.FORM,
    )
    made_now = {(a.activity_id, a.participant_id): a for a in marked.made}
    owned: set[tuple[int, int]] = set()
    for answers in marking:
        activity = activities[answers][0]
        for pair in dict.fromkeys((activity.pk, woman.pk) for woman in women[answers]):
            if pair in made_now and pair not in owned:  # made for the first that names it
                owned.add(pair)
                made[answers].append(made_now[pair])
            else:  # ticked already, by another form, the web page or an earlier one of these
                answers.claim(made_now.get(pair) or marked.already[pair])
    return [made[answers] for answers in batch]


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
    apply=lambda answers: _apply_many([answers])[0],
    apply_many=_apply_many,
    unapply=_unapply,
    order=20,
)
