"""Writes to the registry: register, correct, the duplicate check on entry, the search of
the whole registry for duplicates and the decisions on its pairs, merge and undo."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Field, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from tonle.accounts.models import User
from tonle.geo.models import Village
from tonle.lib.models import recorded_by
from tonle.lib.text import phone_key
from tonle.people.matching import Likeness, Record, pair_score, person_record
from tonle.people.merging import merge_steps
from tonle.people.models import (
    DuplicateDecision,
    DuplicateRun,
    Participant,
    ParticipantMerge,
    Sex,
)
from tonle.people.names import name_keys
from tonle.people.selectors import duplicate_parameters, participants_visible_to
from tonle.people.tasks import detect_duplicates

# The check on entry reads at most this many candidates of each block, and shows the best few.
CANDIDATES_PER_BLOCK = 200
LIKELY_DUPLICATES_SHOWN = 10
# It shows women less likely than the search of the registry proposes for review: a glance
# at a name that is not her costs the officer a second, a woman registered twice is counted
# twice until someone finds her.
ENTRY_THRESHOLD = 0.2

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
    keys = name_keys(name_km=participant.name_km, name_latin=participant.name_latin)
    participant.name_km_key = keys.km_key
    participant.name_latin_key = keys.latin_key
    participant.name_km_skeleton = keys.km_skeleton
    participant.name_latin_skeleton = keys.latin_skeleton
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


@dataclass(frozen=True)
class LikelyDuplicate(Likeness):
    """A woman already registered who may be the one being entered, and why."""

    person: Participant


def participant_likely_duplicates(
    *,
    user: User,
    village: Village,
    name_km: str = "",
    name_latin: str = "",
    date_of_birth: dt.date | None = None,
    birth_year: int | None = None,
    phone: str = "",
    exclude_id: int | None = None,
) -> list[LikelyDuplicate]:
    """Women the user may see who are probably the woman being entered now, best first.

    The same model as the search of the whole registry: candidates are found in SQL by the
    keys stored beside each name (each block on an index), then scored in Python with the
    comparisons and the trained parameters of the latest search (people.matching).
    """
    keys = name_keys(name_km=name_km, name_latin=name_latin)
    if not (keys.km_key or keys.latin_key):
        return []
    year = birth_year or (date_of_birth.year if date_of_birth else None)
    blocks = []
    if year:
        years = (year - 1, year + 1)
        blocks.append(Q(village=village, birth_year__range=years))
        if keys.km_key:
            blocks.append(Q(name_km_key=keys.km_key, birth_year__range=years))
        if keys.latin_key:
            blocks.append(Q(name_latin_key=keys.latin_key, birth_year__range=years))
    for field in ("name_km_skeleton", "name_latin_skeleton"):
        if keys.skeletons:
            blocks.append(
                Q(village__commune=village.commune_id, **{f"{field}__in": keys.skeletons})
            )
    if phone_key(phone):
        blocks.append(Q(phone_key=phone_key(phone)))
    visible = participants_visible_to(user=user)
    if exclude_id:
        visible = visible.exclude(pk=exclude_id)
    ids: set[int] = set()
    for block in blocks:
        ids.update(visible.filter(block).values_list("pk", flat=True)[:CANDIDATES_PER_BLOCK])
    entered = person_record(
        unique_id=0, name_km=name_km, name_latin=name_latin, date_of_birth=date_of_birth,
        birth_year=year, village_id=village.pk, commune_id=village.commune_id,
        district_id=village.commune.district_id, phone=phone,
    )  # fmt: skip
    parameters = duplicate_parameters()
    found = []
    for person in Participant.objects.filter(pk__in=ids).select_related("village__commune"):
        score = pair_score(entered, _record_of(person), parameters)
        if score.probability >= ENTRY_THRESHOLD:
            found.append(
                LikelyDuplicate(probability=score.probability, reasons=score.reasons, person=person)
            )
    found.sort(key=lambda match: (-match.probability, match.person.pk))
    return found[:LIKELY_DUPLICATES_SHOWN]


def _record_of(person: Participant) -> Record:
    return person_record(
        unique_id=person.pk, name_km=person.name_km, name_latin=person.name_latin,
        date_of_birth=person.date_of_birth, birth_year=person.birth_year,
        village_id=person.village_id, commune_id=person.village.commune_id,
        district_id=person.village.commune.district_id, phone=person.phone,
    )  # fmt: skip


def duplicate_run_request(*, by: User) -> DuplicateRun:
    """Queue a search of the whole registry for the background worker."""
    run = DuplicateRun.objects.create(requested_by=by)
    run.task_id = detect_duplicates.enqueue(run.pk).id
    run.save(update_fields=["task_id"])
    return run


# The choices of a merge, one per line of the review page, and the fields each one carries:
# a date of birth goes with its year, a consent with its date and who recorded it.
MERGE_CHOICES: dict[str, tuple[str, ...]] = {
    "name_km": ("name_km",),
    "name_latin": ("name_latin",),
    "sex": ("sex",),
    "birth": ("date_of_birth", "birth_year"),
    "village": ("village",),
    "phone": ("phone",),
    "has_disability": ("has_disability",),
    "has_national_id": ("has_national_id",),
    "consent": ("consent_given", "consent_date", "consent_recorded_by"),
}
SURVIVOR, MERGED = "survivor", "merged"
# What undo puts back on both women besides the fields above.
_KEPT_FIELDS = ("account", "merged_into", "merged_at")


def merge_defaults(*, survivor: Participant, merged: Participant) -> dict[str, str]:
    """What the review page offers before anyone chooses: the survivor's values, a blank one
    filled from the other record, and never a consent wider than either woman gave."""
    choices = {}
    for choice, fields in MERGE_CHOICES.items():
        ours = [getattr(survivor, f) for f in fields]
        theirs = [getattr(merged, f) for f in fields]
        if choice == "consent":
            wider = survivor.consent_given and not merged.consent_given
            choices[choice] = MERGED if wider else SURVIVOR
        elif all(v in ("", None) for v in ours) and any(v not in ("", None) for v in theirs):
            choices[choice] = MERGED
        else:
            choices[choice] = SURVIVOR
    return choices


def _fields(names: Iterable[str]) -> list[Field]:
    by_name = {f.name: f for f in Participant._meta.concrete_fields}
    return [by_name[name] for name in names]


def _state(person: Participant) -> dict[str, Any]:
    """Her fields as undo will write them back (by attname: foreign keys by id, dates as text)."""
    names = [f for c in MERGE_CHOICES.values() for f in c] + list(_KEPT_FIELDS)
    return {
        field.attname: None
        if getattr(person, field.attname) is None
        else field.value_to_string(person)
        for field in _fields(names)
    }


def _set_state(person: Participant, state: Mapping[str, Any]) -> None:
    by_attname = {f.attname: f for f in Participant._meta.concrete_fields}
    for attname, text in state.items():
        setattr(person, attname, None if text is None else by_attname[attname].to_python(text))


def _locked_pair(first_id: int, second_id: int) -> tuple[Participant, Participant]:
    # In id order, so two merges of the same women cannot wait on each other.
    people = Participant.objects.select_for_update().order_by("pk").in_bulk([first_id, second_id])
    return people[first_id], people[second_id]


def participants_merge(
    *, by: User, survivor: Participant, merged: Participant, values: Mapping[str, str]
) -> ParticipantMerge:
    """Make two records of one woman one: `survivor` keeps every record of both, with the
    value chosen for each field (merge_defaults for those not chosen); `merged` stays in the
    table, marked, out of every list and count, until the merge is undone.

    Records that would break a rule of their own (both attended the same activity, ...) are
    resolved by the step of their kind (people.merging): the merged woman's copy is removed
    and kept in the merge record."""
    unknown = set(values) - set(MERGE_CHOICES)
    if unknown or set(values.values()) - {SURVIVOR, MERGED}:
        raise ValueError(f"not a merge choice: {dict(values)}")
    if survivor.pk == merged.pk:
        raise ValidationError(_("A woman cannot be merged into herself."))
    with transaction.atomic():
        survivor, merged = _locked_pair(survivor.pk, merged.pk)
        for person in (survivor, merged):
            if person.merged_into_id:
                raise ValidationError(
                    _("%(name)s was already merged into another record.") % {"name": person}
                )
        if survivor.account_id and merged.account_id:
            raise ValidationError(
                _("Both records have a user account: close one of the accounts first.")
            )
        chosen = {**merge_defaults(survivor=survivor, merged=merged), **values}
        before = {SURVIVOR: _state(survivor), MERGED: _state(merged)}
        steps = {s.name: s.move(by=by, survivor=survivor, merged=merged) for s in merge_steps()}
        for choice, side in chosen.items():
            if side == MERGED:
                for name in MERGE_CHOICES[choice]:
                    setattr(survivor, name, getattr(merged, name))
        account = merged.account
        merged.merged_into, merged.merged_at = survivor, timezone.now()
        merged.account = None
        recorded_by(merged, user=by)
        merged.save()
        if account is not None:
            survivor.account = account
        participant_save(by=by, participant=survivor)
        return ParticipantMerge.objects.create(
            survivor=survivor, merged=merged, merged_by=by, merged_at=merged.merged_at,
            values=chosen, before=before, steps=steps,
        )  # fmt: skip


def participants_merge_undo(*, by: User, merge: ParticipantMerge) -> ParticipantMerge:
    """Put both women back as they were before the merge, each with her own records.

    Refused while a later merge involving either of them stands (undo that one first): its
    records and values were built on this one. Fields of the survivor the merge did not change
    keep any correction made since; those it changed go back to what they were."""
    with transaction.atomic():
        merge = ParticipantMerge.objects.select_for_update().get(pk=merge.pk)
        if merge.undone_at is not None:
            raise ValidationError(_("This merge was already undone."))
        survivor, merged = _locked_pair(merge.survivor_id, merge.merged_id)
        later = ParticipantMerge.objects.filter(
            Q(survivor__in=[survivor, merged]) | Q(merged__in=[survivor, merged]),
            undone_at__isnull=True,
            pk__gt=merge.pk,
        ).first()
        if later is not None:
            raise ValidationError(
                _("%(name)s was merged again after this (on %(date)s): undo that merge first.")
                % {"name": later.survivor, "date": later.merged_at.date().isoformat()}
            )
        for step in reversed(merge_steps()):
            if step.name in merge.steps:
                step.restore(by=by, survivor=survivor, merged=merged, record=merge.steps[step.name])
        # The survivor lets go of the account before the merged woman takes it back.
        survivor_before = merge.before[SURVIVOR]
        survivor.account_id = survivor_before["account_id"]
        changed = {
            field.attname
            for choice, side in merge.values.items()
            if side == MERGED
            for field in _fields(MERGE_CHOICES[choice])
        }
        _set_state(survivor, {k: v for k, v in survivor_before.items() if k in changed})
        participant_save(by=by, participant=survivor)
        _set_state(merged, merge.before[MERGED])
        participant_save(by=by, participant=merged)
        merge.undone_by, merge.undone_at = by, timezone.now()
        merge.save(update_fields=["undone_by", "undone_at"])
    return merge


def duplicate_decision_record(
    *, by: User, first: Participant, second: Participant, decision: str
) -> DuplicateDecision:
    """Remember what someone decided about two registrations (the latest word counts);
    "different" keeps the pair out of every later search."""
    low, high = sorted((first, second), key=lambda person: person.pk)
    if low.pk == high.pk:
        raise ValidationError(_("A woman cannot be her own duplicate."))
    with transaction.atomic():
        record, _created = DuplicateDecision.objects.update_or_create(
            first=low, second=high,
            defaults={"decision": decision, "decided_by": by, "decided_at": timezone.now()},
        )  # fmt: skip
    return record
