"""How a phone form records a woman: one chosen from the phone's list (women.csv), or a new one."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tonle.collect.applying import Answers
from tonle.collect.registry import Applier, TargetField
from tonle.geo.models import Village
from tonle.people.models import Participant
from tonle.people.selectors import participants_visible_to
from tonle.people.services import participant_register, participant_update

# The fields of a new woman, as a form gives them (shared with the attendance of new women).
NEW_WOMAN_FIELDS = (
    TargetField("name_km", gettext_lazy("name in Khmer"), ("name_km", "khmer_name", "name_khmer")),
    TargetField(
        "name_latin", gettext_lazy("name in Latin letters"), ("name_latin", "name", "latin_name")
    ),
    TargetField(
        "birth_year", gettext_lazy("year of birth"), ("birth_year", "year_of_birth", "born")
    ),
)


def woman_new(
    answers: Answers, *, village: Village | None, extra: dict[str, object] | None = None
) -> Participant | None:
    """Register the woman the answers describe, if she would be in the user's own scope."""
    birth_year = answers.integer("birth_year")
    if village is None or answers.errors:
        return None
    fields = {
        "name_km": answers.text("name_km"),
        "name_latin": answers.text("name_latin"),
        "birth_year": birth_year,
        **(extra or {}),
    }
    earlier = answers.take_up("people", "participant")
    try:
        if earlier is not None:  # the chain registered her before: she is changed, not made again
            woman = participant_update(participant=earlier, by=answers.user, village=village,
                                       **fields)  # fmt: skip
        else:
            woman = participant_register(by=answers.user, village=village, **fields)
    except ValidationError as invalid:
        answers.refused(invalid, {"name_km": "name_km", "name_latin": "name_latin",
                                  "birth_year": "birth_year", "": "name_latin"})  # fmt: skip
        return None
    if not participants_visible_to(user=answers.user).filter(pk=woman.pk).exists():
        answers.fail("village", _("This village is not one of your communities."))
        return None
    return woman


def _apply(answers: Answers) -> list[Model]:
    if answers.text("woman"):
        answers.shared["participant"] = answers.claim(
            answers.pick("woman", participants_visible_to(user=answers.user))
        )
        return []
    village = answers.pick("village", Village.objects.all())
    consent = answers.boolean("consent_given")
    consent_date = answers.date("consent_date", required=False) if consent else None
    woman = woman_new(
        answers,
        village=village,
        extra={
            "phone": answers.text("phone"),
            "has_disability": answers.boolean("has_disability"),
            "has_national_id": answers.boolean("has_national_id"),
            "consent_given": consent,
            "consent_date": consent_date
            or (answers.submission.received_at.date() if consent else None),
        },
    )
    answers.shared["participant"] = woman
    return [woman] if woman is not None else []


WOMAN = Applier(
    kind="people.woman",
    label=gettext_lazy("A woman (chosen from the phone's list, or new)"),
    fields=(
        TargetField(
            "woman",
            gettext_lazy("woman from the list (women.csv)"),
            ("woman", "participant", "woman_id", "person"),
        ),
        *NEW_WOMAN_FIELDS,
        TargetField("village", gettext_lazy("village (id)"), ("village", "village_id")),
        TargetField("phone", gettext_lazy("phone"), ("phone", "phone_number")),
        TargetField(
            "has_disability", gettext_lazy("has a disability"), ("disability", "has_disability")
        ),
        TargetField(
            "has_national_id",
            gettext_lazy("has an ID card"),
            ("id_card", "has_national_id", "national_id"),
        ),
        TargetField("consent_given", gettext_lazy("consent given"), ("consent", "consent_given")),
        TargetField("consent_date", gettext_lazy("consent date"), ("consent_date",)),
    ),
    apply=_apply,
    order=10,
)
