"""Background work of incoming data: applying submissions to the records, chain by chain,
and an import batch, run from its queue to its end."""

from __future__ import annotations

from django_tasks import task

from tonle.collect.imports import import_batch_run
from tonle.collect.models import Submission
from tonle.collect.services import submission_apply


@task()
def apply_chain(root_id: str) -> str:
    """Apply the newest version of a submission chain; idempotent, so a retry or a second
    task for the same chain changes nothing. Returns the status it ended with."""
    submission = Submission.objects.filter(root_id=root_id).defer("xml").first()
    if submission is None:
        return ""
    applied = submission_apply(submission=submission)
    return applied.status if applied is not None else "waiting"


@task()
def import_run(batch_id: int) -> int:
    """Run an import batch; returns the number of records it read (0 when it was not
    waiting: already run, or taken by another worker)."""
    batch = import_batch_run(batch_id=batch_id)
    return batch.records if batch is not None else 0
