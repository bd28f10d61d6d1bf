"""How a phone form records a tuk-tuk trip of the woman it is about."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tonle.collect.applying import Answers
from tonle.collect.registry import Applier, TargetField
from tonle.programs.models import Project
from tonle.referrals.models import ServiceProvider
from tonle.transport.selectors import contracts_for_trip
from tonle.transport.services import trip_record


def _distance(answers: Answers) -> Decimal | None:
    text = answers.text("distance_km")
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        answers.fail("distance_km", _("“%(value)s” is not a number.") % {"value": text})
        return None


def _apply(answers: Answers) -> list[Model]:
    woman = answers.woman()
    date = answers.date("date")
    contract = (
        answers.pick("contract", contracts_for_trip(user=answers.user, on=date)) if date else None
    )
    provider = answers.pick("to_provider", ServiceProvider.objects.all())
    project = Project.objects.get(pk=answers.project_id)
    from_village = (
        answers.pick("from_village", project.communities.all())
        if answers.mapped("from_village")
        else getattr(woman, "village", None)
    )
    distance = _distance(answers)
    if None in (woman, contract, provider, from_village) or answers.errors:
        return []
    try:
        return [trip_record(
            by=answers.user, contract=contract, date=date, participant=woman,
            from_village=from_village, to_provider=provider, distance_km=distance,
        )]  # fmt: skip
    except ValidationError as invalid:
        answers.refused(invalid, {"date": "date", "distance_km": "distance_km",
                                  "participant": "contract", "": "contract"})  # fmt: skip
        return []


TRIP = Applier(
    kind="transport.trip",
    label=gettext_lazy("A tuk-tuk trip of the woman"),
    fields=(
        TargetField("contract", gettext_lazy("driver's contract (id)"), ("contract", "driver")),
        TargetField("date", gettext_lazy("date"), ("trip_date", "date", "today")),
        TargetField(
            "to_provider",
            gettext_lazy("to the service provider (id)"),
            ("to_provider", "provider", "destination"),
        ),
        TargetField(
            "from_village", gettext_lazy("from the village (id); else hers"), ("from_village",)
        ),
        TargetField(
            "distance_km", gettext_lazy("distance (km)"), ("distance_km", "distance", "km")
        ),
    ),
    apply=_apply,
    order=40,
)
