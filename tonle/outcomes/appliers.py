"""How a phone form records a milestone of the woman it is about."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tonle.collect.applying import Answers
from tonle.collect.registry import Applier, TargetField
from tonle.outcomes.models import MilestoneKind
from tonle.outcomes.services import milestone_record
from tonle.programs.models import Project


def _apply(answers: Answers) -> list[Model]:
    woman = answers.woman()
    kind = answers.required("kind")
    if kind and kind not in MilestoneKind.values:
        answers.fail("kind", _("“%(value)s” is not a milestone Tonle knows.") % {"value": kind})
    date = answers.date("date")
    if woman is None or answers.errors or date is None:
        return []
    try:
        return [milestone_record(
            by=answers.user, participant=woman, project=Project.objects.get(pk=answers.project_id),
            kind=kind, date=date, evidence=answers.text("evidence"),
        )]  # fmt: skip
    except ValidationError as invalid:
        answers.refused(invalid, {"date": "date", "evidence": "evidence", "kind": "kind",
                                  "": "kind"})  # fmt: skip
        return []


MILESTONE = Applier(
    kind="outcomes.milestone",
    label=gettext_lazy("A milestone of the woman"),
    fields=(
        TargetField("kind", gettext_lazy("milestone"), ("milestone", "kind")),
        TargetField("date", gettext_lazy("date"), ("milestone_date", "date", "today")),
        TargetField("evidence", gettext_lazy("evidence"), ("evidence", "how_we_know")),
    ),
    apply=_apply,
    order=30,
)
