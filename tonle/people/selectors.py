"""Reads of the registry, always through the user's permission scope."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Concat

from tonle.accounts.guards import guarded_get
from tonle.accounts.models import Role, User
from tonle.geo.models import Village
from tonle.lib.text import from_khmer_digits, has_khmer, khmer_key, latin_key, phone_key
from tonle.people.matching import Likeness, Parameters, Reason, default_model
from tonle.people.merging import merge_steps
from tonle.people.models import (
    DuplicateAnswer,
    DuplicateDecision,
    DuplicatePair,
    DuplicateRun,
    DuplicateRunStatus,
    Participant,
    ParticipantMerge,
)

SEARCH_LIMIT = 50
_PHONE_LIKE = re.compile(r"[\d\s+()-]{3,}")


def villages_in_scope(*, user: User) -> QuerySet[Village]:
    """The villages of the projects the user works on (every project's for managers)."""
    if user.sees_every_project:
        return Village.objects.filter(projects__isnull=False).distinct()
    # One join through her memberships (a second, for "in some project", would be redundant).
    return Village.objects.filter(projects__memberships__user=user).distinct()


# What a Smart Woman sees is decided by the apps that know her work (her current group,
# the women she holds an open case for). They register here in AppConfig.ready(), so the
# registry never imports them; see mentor_scope_register.
MentorScope = Callable[[User], QuerySet]  # the ids of the women, as a subquery
_mentor_scopes: list[MentorScope] = []


def mentor_scope_register(source: MentorScope) -> None:
    if source not in _mentor_scopes:
        _mentor_scopes.append(source)


def participants_visible_to(*, user: User) -> QuerySet[Participant]:
    """The one scope: the women a user may see, for every page, list, picker, export and PDF.

    - administrators and M&E managers: everyone;
    - field officers: the women of her projects' communities;
    - Smart Women: the current members of her current group(s) (herself included) and the
      women she holds an open case for. She searches only these; a woman outside them is
      brought to her by a field officer, who opens a case with her as its worker;
    - donor viewers and service providers: nobody by name (providers read the referrals
      addressed to them, through the referral's own scope);
    - nobody: a woman merged into another record (until the merge is undone).
    """
    if not user.is_authenticated or not user.may_see_names:
        return Participant.objects.none()
    # A woman merged into another record is that record now: nobody lists, finds or opens her.
    registered = Participant.objects.filter(merged_into__isnull=True)
    if user.sees_every_project:
        return registered
    if user.role == Role.SMART_WOMAN:
        mine = Q(pk__in=[])
        for source in _mentor_scopes:
            mine |= Q(pk__in=source(user))
        return registered.filter(mine)
    return registered.filter(village__in=villages_in_scope(user=user).values("id"))


def participant_get_for_user(*, user: User, participant_id: int) -> Participant:
    """The only way a view opens a person: the same 404 (logged) if missing or out of scope."""
    return guarded_get(
        visible=participants_visible_to(user=user).select_related(
            "village__commune__district", "consent_recorded_by", "registered_by"
        ),
        record_type="participant",
        record_id=participant_id,
    )


def participant_search(
    *,
    user: User,
    text: str = "",
    village_id: int | None = None,
    limit: int | None = SEARCH_LIMIT,
) -> QuerySet[Participant]:
    """People whose Khmer or Latin name contains the text, or whose phone does (all of them
    when `limit` is None, for a list read a page at a time)."""
    people = participants_visible_to(user=user)
    if village_id:
        people = people.filter(village_id=village_id)
    plain = from_khmer_digits((text or "").strip())
    if not has_khmer(plain) and _PHONE_LIKE.fullmatch(plain):
        people = _matching(people, "phone_key", phone_key(plain))
    elif plain:
        people = participants_named(people=people, text=plain)
    people = people.select_related("village")
    return people if limit is None else people[:limit]


def participants_named(*, people: QuerySet[Participant], text: str) -> QuerySet[Participant]:
    """Those of `people` whose name contains the text, in Khmer script or in Latin letters,
    matched on the same keys as the people search (spacing, case and accents aside).

    Records of a woman (referrals, cases, trips) search by her name through
    `records_of_women_named`, inside their own scope.
    """
    plain = from_khmer_digits((text or "").strip())
    if not plain:
        return people
    if has_khmer(plain):
        return _matching(people, "name_km_key", khmer_key(plain))
    key = latin_key(plain)
    return _matching(people, "name_latin_key", key) if key else people.none()


def records_of_women_named(*, records: QuerySet, text: str) -> QuerySet:
    """Those of `records` (anything with a `participant`) whose woman's name contains the text.

    The records are already in the reader's scope, so the names are searched among everyone:
    a provider finds, by name, the women referred to her and no one else.
    """
    if not text.strip():
        return records
    named = participants_named(people=Participant.objects.all(), text=text)
    return records.filter(participant__in=named.values("pk"))


def _matching(people: QuerySet[Participant], field: str, part: str) -> QuerySet[Participant]:
    """People whose key contains the part, in the order of that key.

    SQLite walks the key's index in order and stops at the limit. PostgreSQL would do the
    same and, when a family name clusters in the order, read most of the table; ordering by
    an expression its btree cannot serve makes it use the trigram index and sort the matches.
    """
    people = people.filter(**{f"{field}__contains": part})
    if connection.vendor == "postgresql":
        return people.order_by(Concat(F(field), Value("")), "id")
    return people.order_by(field, "id")


def duplicate_run_latest() -> DuplicateRun | None:
    """The latest search that finished: its pairs are the ones to review."""
    return DuplicateRun.objects.filter(status=DuplicateRunStatus.DONE).first()


def duplicate_parameters() -> Parameters:
    """The parameters the check on entry scores with: the latest finished search's, or those
    shipped with Tonle until one has run."""
    model = (
        DuplicateRun.objects.filter(status=DuplicateRunStatus.DONE)
        .exclude(model={})
        .values_list("model", flat=True)
        .first()
    )
    return Parameters.from_model(model or default_model())


def duplicate_pairs_visible_to(*, user: User) -> QuerySet[DuplicatePair]:
    """The latest search's pairs in which the user may see both women, best first; a pair
    decided to be two different women since the search ran is left out."""
    latest = duplicate_run_latest()
    if latest is None:
        return DuplicatePair.objects.none()
    # Those who may merge them: a Smart Woman or a donor reviews no pair.
    visible = participants_mergeable_by(user=user).values("pk")
    decided_different = DuplicateDecision.objects.filter(
        first=OuterRef("first"), second=OuterRef("second"), decision=DuplicateAnswer.DIFFERENT
    )
    return (
        DuplicatePair.objects.filter(run=latest, first__in=visible, second__in=visible)
        .exclude(Exists(decided_different))
        .select_related("first__village", "second__village")
    )


@dataclass(frozen=True)
class PairToReview(Likeness):
    """A pair of the review queue, with its score and reasons in words."""

    pair: DuplicatePair


def pairs_to_review(*, pairs: Iterable[DuplicatePair]) -> list[PairToReview]:
    return [
        PairToReview(
            probability=pair.match_probability,
            reasons=[Reason.from_json(reason) for reason in pair.reasons],
            pair=pair,
        )
        for pair in pairs
    ]


def duplicate_run_get_for_user(*, user: User, run_id: int) -> DuplicateRun:
    """A search, for the managers who start them (anyone else: the same logged 404)."""
    runs = DuplicateRun.objects.all() if user.is_manager else DuplicateRun.objects.none()
    return guarded_get(visible=runs, record_type="duplicate_run", record_id=run_id)


def participants_mergeable_by(*, user: User) -> QuerySet[Participant]:
    """The women whose records a user may compare and merge: those she sees, if she keeps the
    registry (administrators, M&E managers, field officers); nobody for anyone else."""
    if not user.is_authenticated or not user.may_edit_records:
        return Participant.objects.none()
    return participants_visible_to(user=user)


def duplicate_pair_get_for_user(
    *, user: User, first_id: int, second_id: int
) -> tuple[Participant, Participant]:
    """Two women to compare, both in the user's scope (else the same logged 404 as one)."""
    people = participants_mergeable_by(user=user).select_related("village__commune__district")
    return tuple(  # type: ignore[return-value]
        guarded_get(visible=people, record_type="participant", record_id=pk)
        for pk in (first_id, second_id)
    )


@dataclass(frozen=True)
class RecordCount:
    name: str
    label: Any
    first: int
    second: int


def pair_record_counts(*, first: Participant, second: Participant) -> list[RecordCount]:
    """How many records of each kind each woman has, as a merge would move them."""
    return [
        RecordCount(step.name, step.label, step.count(first), step.count(second))
        for step in merge_steps()
    ]


def merges_visible_to(*, user: User) -> QuerySet[ParticipantMerge]:
    """The merges a user may read and undo: of two women both in the villages she works in
    (every merge for managers); none for those who do not keep the registry."""
    merges = ParticipantMerge.objects.select_related("survivor", "merged", "merged_by", "undone_by")
    if not user.is_authenticated or not user.may_edit_records:
        return merges.none()
    if user.sees_every_project:
        return merges
    villages = villages_in_scope(user=user).values("id")
    return merges.filter(survivor__village__in=villages, merged__village__in=villages)


def merge_get_for_user(*, user: User, merge_id: int) -> ParticipantMerge:
    return guarded_get(
        visible=merges_visible_to(user=user), record_type="merge", record_id=merge_id
    )


def participant_merges_standing(
    *, user: User, participant: Participant
) -> QuerySet[ParticipantMerge]:
    """The merges into her record that stand (not undone), for her page's link to undo them."""
    return merges_visible_to(user=user).filter(survivor=participant, undone_at__isnull=True)
