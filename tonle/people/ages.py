"""Ages and age bands: girls under 18 are always a band of their own."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tonle.lib.templatetags.tonle import kdigits


@dataclass(frozen=True)
class AgeBand:
    code: str
    low: int
    high: int | None  # inclusive; None is open-ended

    @property
    def label(self) -> str:
        """In the reader's language, and in Khmer digits on a Khmer page."""
        if self.high is not None and self.high < 18:
            return kdigits(_("Girls under 18"))
        if self.high is None:
            return kdigits(_("%(low)s and over") % {"low": self.low})
        return kdigits(f"{self.low}–{self.high}")

    def contains(self, age: int) -> bool:
        return age >= self.low and (self.high is None or age <= self.high)


# (low, high) pairs; override with TONLE_AGE_BANDS in settings.
DEFAULT_AGE_BANDS = [(0, 17), (18, 24), (25, 34), (35, 49), (50, None)]
UNKNOWN_AGE = "unknown"


def age_bands() -> list[AgeBand]:
    pairs = getattr(settings, "TONLE_AGE_BANDS", DEFAULT_AGE_BANDS)
    return [
        AgeBand(code=f"{low}-{high if high is not None else ''}", low=low, high=high)
        for low, high in pairs
    ]


def age_on(*, on: dt.date, date_of_birth: dt.date | None, birth_year: int | None) -> int | None:
    """Age in whole years; with only a year of birth, the age she reaches that year."""
    if date_of_birth:
        before_birthday = (on.month, on.day) < (date_of_birth.month, date_of_birth.day)
        return on.year - date_of_birth.year - before_birthday
    if birth_year:
        return on.year - birth_year
    return None


def age_band_code(age: int | None) -> str:
    if age is None:
        return UNKNOWN_AGE
    for band in age_bands():
        if band.contains(age):
            return band.code
    return UNKNOWN_AGE


def age_band_label(code: str) -> str:
    for band in age_bands():
        if band.code == code:
            return band.label
    return str(_("Age unknown"))
