"""Writes to the registry: register, correct, and the duplicate check on entry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rapidfuzz import fuzz
from simple_history.utils import bulk_create_with_history

from tonle.accounts.models import User
from tonle.geo.models import Village
from tonle.lib.models import recorded_by
from tonle.lib.text import khmer_key, latin_key, phone_key
from tonle.people.models import Participant, Sex

# Two names this close (0-100) in the same village and birth year are worth a second look.
LIKELY_DUPLICATE_SCORE = 88

EDITABLE_FIELDS = (
    "name_km",
    "name_latin",
    "sex",
    "date_of_birth",
    "birth_year",
    "village",
    "phone",
    "has_disability",
    "has_national_id",
    "consent_given",
    "consent_date",
)


def participant_fill_keys(participant: Participant) -> None:
    """Tidy the names and write the search keys; every way into the registry goes through it."""
    participant.name_km = " ".join(participant.name_km.split())
    participant.name_latin = " ".join(participant.name_latin.split())
    participant.name_km_key = khmer_key(participant.name_km)
    participant.name_latin_key = latin_key(participant.name_latin)
    participant.phone_key = phone_key(participant.phone)
    if participant.date_of_birth:
        participant.birth_year = participant.date_of_birth.year


def _validate(participant: Participant) -> None:
    """Field checks, and the table's constraints as messages on their fields.

    The database holds the same constraints; checking them here in Python (instead of
    full_clean's query per constraint and per foreign key) keeps a 2,000-row sheet fast.
    """
    errors: dict[str, list[str]] = {}
    try:
        participant.full_clean(
            exclude=["village", "consent_recorded_by", "registered_by", "account"],
            validate_constraints=False,
        )
    except ValidationError as invalid:
        errors = invalid.message_dict
    if not (participant.name_km or participant.name_latin):
        errors.setdefault("name_latin", []).append(
            _("Write her name in Khmer or in Latin letters.")
        )
    if participant.birth_year is not None and not 1900 <= participant.birth_year <= 2100:
        errors.setdefault("birth_year", []).append(_("Give a year between 1900 and 2100."))
    if participant.consent_given and not participant.consent_date:
        errors.setdefault("consent_date", []).append(_("Give the date she gave her consent."))
    if errors:
        raise ValidationError(errors)


def participant_build(
    *,
    by: User | None,
    village: Village,
    name_km: str = "",
    name_latin: str = "",
    sex: str = Sex.FEMALE,
    date_of_birth: dt.date | None = None,
    birth_year: int | None = None,
    phone: str = "",
    has_disability: bool = False,
    has_national_id: bool = False,
    consent_given: bool = False,
    consent_date: dt.date | None = None,
) -> Participant:
    """A new person, checked and with her search keys, not yet saved."""
    participant = Participant(
        name_km=name_km,
        name_latin=name_latin,
        sex=sex,
        date_of_birth=date_of_birth,
        birth_year=birth_year,
        village=village,
        phone=phone,
        has_disability=has_disability,
        has_national_id=has_national_id,
        consent_given=consent_given,
        consent_date=consent_date,
        consent_recorded_by=by if consent_given else None,
        registered_by=by,
    )
    participant_fill_keys(participant)
    _validate(participant)
    return participant


def participant_register(*, by: User | None, village: Village, **fields: Any) -> Participant:
    """Check and save one new person (see participant_build for the fields)."""
    participant = participant_build(by=by, village=village, **fields)
    recorded_by(participant, user=by)
    with transaction.atomic():
        participant.save()
    return participant


def participants_register_many(
    *, by: User | None, participants: list[Participant]
) -> list[Participant]:
    """Save people already checked by participant_build, in bulk, each with her history row."""
    return bulk_create_with_history(participants, Participant, batch_size=500, default_user=by)


def participant_update(*, participant: Participant, by: User | None, **changes: Any) -> Participant:
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    consent_was_given = participant.consent_given
    for name, value in changes.items():
        setattr(participant, name, value)
    if participant.consent_given and not consent_was_given:
        participant.consent_recorded_by = by
    return participant_save(by=by, participant=participant)


def participant_save(*, by: User | None, participant: Participant) -> Participant:
    """Check and save a person whose fields are already set (a correction, or the admin's
    form), with her search keys written again and her history."""
    if participant.pk is None and participant.registered_by is None:
        participant.registered_by = by
    participant_fill_keys(participant)
    _validate(participant)
    recorded_by(participant, user=by)
    with transaction.atomic():
        participant.save()
    return participant


def participant_likely_duplicates(
    *,
    village: Village | int,
    name_km: str = "",
    name_latin: str = "",
    birth_year: int | None = None,
    exclude_id: int | None = None,
) -> list[Participant]:
    """People already registered who are probably the woman being entered now.

    Same village and birth year (a year either way, as women often give it from memory),
    and a name that matches closely in either script.
    """
    km, latin = khmer_key(name_km), latin_key(name_latin)
    if not (km or latin):
        return []
    candidates: QuerySet[Participant] = Participant.objects.filter(village=village)
    if birth_year:
        candidates = candidates.filter(
            birth_year__gte=birth_year - 1, birth_year__lte=birth_year + 1
        )
    if exclude_id:
        candidates = candidates.exclude(pk=exclude_id)
    matches = []
    for person in candidates.only(
        "id", "name_km", "name_latin", "name_km_key", "name_latin_key", "birth_year"
    ):
        score = max(
            fuzz.ratio(km, person.name_km_key) if km and person.name_km_key else 0,
            fuzz.ratio(latin, person.name_latin_key) if latin and person.name_latin_key else 0,
        )
        if score >= LIKELY_DUPLICATE_SCORE:
            matches.append(person)
    return matches
