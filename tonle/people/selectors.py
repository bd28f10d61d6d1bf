"""Reads of the registry, always through the user's permission scope."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Concat
from django.http import Http404

from tonle.accounts.models import AccessAction, Role, User
from tonle.accounts.services import access_log
from tonle.geo.models import Village
from tonle.lib.text import from_khmer_digits, has_khmer, khmer_key, latin_key, phone_key
from tonle.people.models import Participant

SEARCH_LIMIT = 50
_PHONE_LIKE = re.compile(r"[\d\s+()-]{3,}")


def villages_in_scope(*, user: User) -> QuerySet[Village]:
    """The villages of the projects the user works on (every project's for managers)."""
    villages = Village.objects.filter(projects__isnull=False)
    if not user.sees_every_project:
        villages = villages.filter(projects__memberships__user=user)
    return villages.distinct()


def participants_visible_to(*, user: User) -> QuerySet[Participant]:
    if not user.is_authenticated or not user.may_see_names:
        return Participant.objects.none()
    if user.sees_every_project:
        return Participant.objects.all()
    if user.role == Role.SMART_WOMAN:
        # A mentor sees the women of her own Smart Women group, herself included.
        return Participant.objects.filter(
            group_memberships__group__memberships__participant__account=user
        ).distinct()
    return Participant.objects.filter(village__in=villages_in_scope(user=user).values("id"))


def participant_get_for_user(*, user: User, participant_id: int, path: str = "") -> Participant:
    """The only way a view opens a person: 404 if she does not exist, 403 (logged) if out of scope."""
    if not user.may_see_names:
        access_log(user=user, action=AccessAction.REFUSED, record_type="participant",
                   record_id=participant_id, path=path)  # fmt: skip
        raise PermissionDenied
    try:
        participant = Participant.objects.select_related(
            "village__commune__district", "consent_recorded_by", "registered_by"
        ).get(pk=participant_id)
    except Participant.DoesNotExist as missing:
        raise Http404 from missing
    if not participants_visible_to(user=user).filter(pk=participant.pk).exists():
        access_log(user=user, action=AccessAction.REFUSED, record_type="participant",
                   record_id=participant_id, path=path)  # fmt: skip
        raise PermissionDenied
    return participant


def participant_search(
    *, user: User, text: str = "", village_id: int | None = None, limit: int = SEARCH_LIMIT
) -> QuerySet[Participant]:
    """People whose Khmer or Latin name contains the text, or whose phone does."""
    people = participants_visible_to(user=user)
    if village_id:
        people = people.filter(village_id=village_id)
    plain = from_khmer_digits((text or "").strip())
    if has_khmer(plain):
        people = _matching(people, "name_km_key", khmer_key(plain))
    elif _PHONE_LIKE.fullmatch(plain):
        people = _matching(people, "phone_key", phone_key(plain))
    elif plain:
        key = latin_key(plain)
        if not key:
            return people.none()
        people = _matching(people, "name_latin_key", key)
    return people.select_related("village")[:limit]


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
