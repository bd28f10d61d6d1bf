"""SQL expressions that put a record in its cell: its quarter, its age band. Shared by reach and indicators."""

from __future__ import annotations

from django.db.models import Case, CharField, F, IntegerField, Q, Value, When
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Cast, Concat, ExtractQuarter, ExtractYear

from tonle.people.ages import UNKNOWN_AGE, age_bands

# The annotation the age band's Case reads; annotate it before the band.
AGE = "_age"


def quarter_key(date: str) -> Concat:
    """The key "2023-Q2" of a date in April to June 2023."""
    return Concat(
        Cast(ExtractYear(date), CharField()),
        Value("-Q"),
        Cast(ExtractQuarter(date), CharField()),
        output_field=CharField(),
    )


def age_band_key(*, date: str, birth_year: str) -> tuple[CombinedExpression, Case]:
    """(her age, her band), to annotate as AGE and then as the key.

    Age in the year of the record: the age a girl reached that year, the way the NGO counts
    girls from a year of birth when no exact birthday is known. A woman who turned 18
    during the project is counted in both bands she was in.
    """
    age = Cast(ExtractYear(date), IntegerField()) - F(birth_year)
    whens = [
        When(
            Q(**{f"{AGE}__gte": band.low})
            if band.high is None
            else Q(**{f"{AGE}__gte": band.low, f"{AGE}__lte": band.high}),
            then=Value(band.code),
        )
        for band in age_bands()
    ]
    return age, Case(*whens, default=Value(UNKNOWN_AGE), output_field=CharField())
