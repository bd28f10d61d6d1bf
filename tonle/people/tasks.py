"""Background work of the registry: the search of the whole registry for duplicates."""

from __future__ import annotations

import logging

from django_tasks import task

from tonle.people.detection import duplicate_run_claim, duplicate_run_execute
from tonle.people.models import DuplicateRun
from tonle.people.selectors import duplicate_parameters

logger = logging.getLogger(__name__)


@task()
def detect_duplicates(run_id: int) -> int:
    """Run a duplicate search; returns the pairs found (0 when it was not this task's)."""
    if not duplicate_run_claim(run_id=run_id):
        logger.warning("Duplicate search %s is not waiting (run or taken): left alone", run_id)
        return 0
    duplicate_run_execute(run_id=run_id, parameters=duplicate_parameters())
    return DuplicateRun.objects.values_list("pairs", flat=True).get(pk=run_id)
