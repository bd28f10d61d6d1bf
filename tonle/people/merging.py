"""What a merge does to each kind of record about a woman, registered by the apps that keep them.

Apps further down the flow (programs, groups, cases, referrals, transport, outcomes) register
a step in their AppConfig.ready(), so the registry never imports them. A step moves the
merged woman's records to the survivor and says what it did (ids moved, duplicate rows
removed, serialized), and restores exactly that on undo. Records are saved one history row
each (simple-history), so the indicator grids, which catch up from the history tables,
count both women again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from tonle.accounts.models import User
from tonle.lib.models import recorded_by
from tonle.people.models import Participant

# What a step keeps for undo: {"moved": [ids], "removed": [rows as serialized JSON objects]}
StepRecord = dict[str, Any]
# The merged woman's records that cannot join the survivor's (the same activity attended by
# both, ...): they are removed, kept in the merge record, and put back by undo.
Clashing = Callable[..., QuerySet]  # (*, survivor, merged) -> the merged woman's records


@dataclass(frozen=True)
class MergeStep:
    name: str
    label: Any  # lazy translation: "Activities attended", shown with her count on the review page
    move: Callable[..., StepRecord]  # (*, by, survivor, merged) -> what undo needs
    restore: Callable[..., None]  # (*, by, survivor, merged, record)
    count: Callable[[Participant], int]


_steps: list[MergeStep] = []


def merge_step_register(step: MergeStep) -> None:
    if step.name not in {s.name for s in _steps}:
        _steps.append(step)


def merge_steps() -> list[MergeStep]:
    return list(_steps)


def records_merge_step(
    *,
    name: str,
    label: Any,
    model: type[models.Model],
    clashing: Clashing | None = None,
    field: str = "participant",
) -> MergeStep:
    """The step for a kind of record that names its woman in `field`: her records go to the
    survivor, those `clashing` returns are removed (and kept for undo)."""

    def records_of(person: Participant) -> QuerySet:
        return model._default_manager.filter(**{field: person})

    def move(*, by: User | None, survivor: Participant, merged: Participant) -> StepRecord:
        removed_ids = set()
        if clashing is not None:
            removed_ids = set(
                clashing(survivor=survivor, merged=merged).values_list("pk", flat=True)
            )
        records = list(records_of(merged).order_by("pk"))
        removed = [r for r in records if r.pk in removed_ids]
        moved = [r for r in records if r.pk not in removed_ids]
        kept = json.loads(serializers.serialize("json", removed)) if removed else []
        for record in removed:
            recorded_by(record, user=by)
            record.delete()
        for record in moved:
            setattr(record, field, survivor)
        if moved:
            bulk_update_with_history(moved, model, [field], default_user=by)
        return {"moved": [r.pk for r in moved], "removed": kept}

    def restore(
        *, by: User | None, survivor: Participant, merged: Participant, record: StepRecord
    ) -> None:
        # Records deleted since the merge stay deleted; the others go back to her.
        back = list(records_of(survivor).filter(pk__in=record.get("moved", [])))
        for row in back:
            setattr(row, field, merged)
        if back:
            bulk_update_with_history(back, model, [field], default_user=by)
        for kept in serializers.deserialize("json", json.dumps(record.get("removed", []))):
            row = kept.object
            recorded_by(row, user=by)
            try:
                with transaction.atomic():
                    row.save(force_insert=True)  # its own id again, with a history row
            except IntegrityError as clash:
                raise ValidationError(
                    _(
                        "Her %(kind)s (number %(id)s) cannot be put back: a record it belongs to "
                        "was removed or another like it was added since the merge."
                    )
                    % {"kind": model._meta.verbose_name, "id": row.pk}
                ) from clash

    return MergeStep(
        name=name,
        label=label,
        move=move,
        restore=restore,
        count=lambda person: records_of(person).count(),
    )
