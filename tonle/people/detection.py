"""The search of the whole registry for women registered twice: splink on DuckDB, step by
step with its progress in the database, the likely pairs saved for review.

A pair someone already decided to be two different women is left out, however often the
search runs again. The model that ran (settings and trained parameters) is kept with the
run; the check on entry scores with the latest one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.utils import timezone

from tonle.people.matching import (
    SURE_RULES,
    TRAINING_BLOCKS,
    Parameters,
    Reason,
    Record,
    model_pairs,
    model_train,
    pair_score,
    person_record,
    records_frame,
    splink_settings,
)
from tonle.people.models import (
    DuplicateAnswer,
    DuplicateDecision,
    DuplicatePair,
    DuplicateRun,
    DuplicateRunStatus,
    DuplicateRunStep,
    Participant,
)

logger = logging.getLogger(__name__)

# Below this many women there are too few pairs to learn from: the run scores with the
# parameters it starts from (the latest run's, or those shipped with Tonle).
MIN_PEOPLE_TO_TRAIN = 2000
SAVE_BATCH = 1000


def registry_records() -> Iterator[Record]:
    """Every registration as the model reads it, in batches (a national registry is large)."""
    rows = Participant.objects.values_list(
        "id", "name_km", "name_latin", "date_of_birth", "birth_year", "village_id",
        "village__commune_id", "village__commune__district_id", "phone",
    ).order_by("id")  # fmt: skip
    for pk, km, latin, born, year, village, commune, district, phone in rows.iterator(5000):
        yield person_record(
            unique_id=pk, name_km=km, name_latin=latin, date_of_birth=born, birth_year=year,
            village_id=village, commune_id=commune, district_id=district, phone=phone,
        )  # fmt: skip


def _progress(run_id: int, progress: int, step: str = "", **more: Any) -> None:
    DuplicateRun.objects.filter(pk=run_id).update(progress=progress, step=step, **more)


def duplicate_run_claim(*, run_id: int) -> bool:
    """Take a waiting run for this worker; False when it is not waiting (so it runs once)."""
    return bool(
        DuplicateRun.objects.filter(pk=run_id, status=DuplicateRunStatus.QUEUED).update(
            status=DuplicateRunStatus.RUNNING, started_at=timezone.now(), progress=1
        )
    )


def duplicate_run_execute(*, run_id: int, parameters: Parameters) -> None:
    """Search the registry, starting from `parameters`; the run ends done or failed."""
    try:
        _execute(run_id, parameters)
    except BaseException as error:
        logger.exception("Duplicate search %s failed", run_id)
        DuplicateRun.objects.filter(pk=run_id).update(
            status=DuplicateRunStatus.FAILED, finished_at=timezone.now(),
            failure=f"{type(error).__name__}: {error}"[:2000],
        )  # fmt: skip
        raise


def _execute(run_id: int, parameters: Parameters) -> None:
    _progress(run_id, 5, DuplicateRunStep.READING)
    records = list(registry_records())
    _progress(run_id, 15, DuplicateRunStep.TRAINING, people=len(records))
    settings = splink_settings(parameters=parameters)
    trained = len(records) >= MIN_PEOPLE_TO_TRAIN
    steps = iter(range(20, 65, 9))
    frame = records_frame(records)
    model = model_train(
        records=frame,
        settings=settings,
        training_blocks=TRAINING_BLOCKS if trained else (),
        sure_rules=SURE_RULES if trained else (),
        u_pairs=3e6 if trained else 0,
        step=lambda name: _progress(run_id, next(steps, 60), DuplicateRunStep.TRAINING),
    )
    # What splink ran with, and (for the reader) whether it learnt or scored as it started.
    kept = {**model, "tonle": {"trained": trained, "people": len(records)}}
    _progress(run_id, 65, DuplicateRunStep.PAIRING, model=kept)
    found = model_pairs(records=frame, model=model) if len(records) > 1 else None
    _progress(run_id, 85, DuplicateRunStep.SAVING)
    _save_pairs(run_id, found, {record["unique_id"]: record for record in records},
                Parameters.from_model(model))  # fmt: skip


def _decided_different() -> set[tuple[int, int]]:
    return set(
        DuplicateDecision.objects.filter(decision=DuplicateAnswer.DIFFERENT).values_list(
            "first_id", "second_id"
        )
    )


def _save_pairs(
    run_id: int, found: Any, records: dict[int, Record], parameters: Parameters
) -> None:
    different = _decided_different()
    pairs: list[tuple[int, int, float, float, list[Reason]]] = []
    left_out = 0
    for row in [] if found is None else found.to_dict("records"):
        first, second = sorted((int(row["unique_id_l"]), int(row["unique_id_r"])))
        if (first, second) in different:
            left_out += 1
            continue
        # The reasons are the levels of the same comparisons, scored again in Python.
        reasons = pair_score(records[first], records[second], parameters).reasons
        pairs.append((first, second, row["match_probability"], row["match_weight"], reasons))
    cluster_of = clusters([(first, second) for first, second, *_ in pairs])
    with transaction.atomic():
        DuplicatePair.objects.bulk_create(
            (
                DuplicatePair(
                    run_id=run_id,
                    first_id=first,
                    second_id=second,
                    match_probability=probability,
                    match_weight=weight,
                    reasons=[reason.as_json() for reason in reasons],
                    cluster=cluster_of[first],
                )
                for first, second, probability, weight, reasons in pairs
            ),
            batch_size=SAVE_BATCH,
        )
        DuplicateRun.objects.filter(pk=run_id).update(
            status=DuplicateRunStatus.DONE, progress=100, step="", finished_at=timezone.now(),
            pairs=len(pairs), clusters=len(set(cluster_of.values())), left_out=left_out,
        )  # fmt: skip


def clusters(pairs: list[tuple[int, int]]) -> dict[int, int]:
    """Each id of the pairs -> its cluster, the smallest id it is linked to through any chain
    of pairs (a woman registered three times is one cluster of three)."""
    parent: dict[int, int] = {}

    def root(node: int) -> int:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for first, second in pairs:
        a, b = root(first), root(second)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return {node: root(node) for node in list(parent)}
