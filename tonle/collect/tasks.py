"""Background work of collect: an import batch, run from its queue to its end."""

from __future__ import annotations

from django_tasks import task

from tonle.collect.imports import import_batch_run


@task()
def import_run(batch_id: int) -> int:
    """Run an import batch; returns the number of records it read (0 when it was not
    waiting: already run, or taken by another worker)."""
    batch = import_batch_run(batch_id=batch_id)
    return batch.records if batch is not None else 0
