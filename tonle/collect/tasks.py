"""Background work of incoming data: applying submissions to the records, chain by chain,
and an import batch, run from its queue to its end."""

from __future__ import annotations

from django_tasks import task

from tonle.collect.imports import import_batch_run
from tonle.collect.services import apply_queue_run


@task()
def apply_queued() -> int:
    """Apply the chains waiting in the queue, until it is empty; returns how many. Applying is
    idempotent, so a retry, or a second task at once, applies nothing twice."""
    return apply_queue_run()


@task()
def import_run(batch_id: int) -> int:
    """Run an import batch; returns the number of records it read (0 when it was not
    waiting: already run, or taken by another worker)."""
    batch = import_batch_run(batch_id=batch_id)
    return batch.records if batch is not None else 0
