"""How a phone form records a counselling contact with the woman it is about."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext_lazy

from tonle.cases.selectors import contact_case
from tonle.cases.services import counselling_contact_log
from tonle.collect.applying import Answers
from tonle.collect.registry import Applier, TargetField
from tonle.programs.models import Project


def _apply(answers: Answers) -> list[Model]:
    woman = answers.woman()
    date = answers.date("date")
    minutes = answers.integer("duration_minutes", required=True)
    if woman is None or date is None or minutes is None or answers.errors:
        return []
    # With no open case of hers with the woman, the contact opens one: undone with it.
    opens_case = contact_case(worker=answers.user, participant_id=woman.pk) is None
    try:
        session = counselling_contact_log(
            by=answers.user, participant=woman, project=Project.objects.get(pk=answers.project_id),
            date=date, duration_minutes=minutes, notes=answers.text("notes"),
            follow_up_on=answers.date("follow_up_on", required=False),
            new_goal=answers.text("new_goal"),
        )  # fmt: skip
    except ValidationError as invalid:
        answers.refused(invalid, {"date": "date", "duration_minutes": "duration_minutes",
                                  "follow_up_on": "follow_up_on", "": "date"})  # fmt: skip
        return []
    if not opens_case:  # her case was there already: its maker may not withdraw it under her
        answers.claim(session.case)
    return [session.case, session] if opens_case else [session]


COUNSELLING = Applier(
    kind="cases.counselling",
    label=gettext_lazy("A counselling contact with the woman"),
    fields=(
        TargetField("date", gettext_lazy("date"), ("contact_date", "date", "today")),
        TargetField(
            "duration_minutes", gettext_lazy("minutes"), ("duration_minutes", "minutes", "duration")
        ),
        TargetField("notes", gettext_lazy("notes"), ("notes", "note")),
        TargetField("follow_up_on", gettext_lazy("follow up on"), ("follow_up_on", "follow_up")),
        TargetField("new_goal", gettext_lazy("a new goal"), ("new_goal", "goal")),
    ),
    apply=_apply,
    order=30,
)
