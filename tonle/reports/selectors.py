"""Reads for reports: the small figures released for publication (other apps are told of
them), and whether a PDF being made will ever be finished."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tonle.programs.models import Project
from tonle.reports.models import RenderFailure, RenderJob, RenderStatus, SmallFigureRelease


def released_small_figures(project: Project) -> set[tuple[tuple[dt.date, dt.date], str]]:
    """(the report's period, indicator code) of each figure under 5 a manager chose to publish."""
    rows = SmallFigureRelease.objects.filter(template__project=project).values_list(
        "template__starts_on", "template__ends_on", "code"
    )
    return {((start, end), code) for start, end, code in rows}


def pdf_silence() -> dt.timedelta:
    """How long a PDF being made may go unheard of before its worker is taken for dead."""
    return dt.timedelta(seconds=6 * settings.PDF_HEARTBEAT_SECONDS)


def render_jobs_stalled(*, now: dt.datetime | None = None) -> QuerySet[RenderJob]:
    """PDFs still said to be on their way that no worker will finish: the task failed, the
    worker making it fell silent, or it waited past its patience with no worker alive.

    Computed when read and never written here: the worker's supervisor (run_worker) marks
    them, and the page shows them failed in the meantime."""
    now = now or timezone.now()
    silent_since = now - pdf_silence()
    task_failed = Exists(
        DBTaskResult.objects.filter(id=OuterRef("task_id"), status=TaskResultStatus.FAILED)
    )
    stalled = Q(task_failed=True) | Q(
        Q(heartbeat_at__lt=silent_since) | Q(heartbeat_at__isnull=True),
        status=RenderStatus.RUNNING,
    )
    # Any job heard of lately, finished or not, means a worker is alive and the queue moves.
    if not RenderJob.objects.filter(heartbeat_at__gte=silent_since).exists():
        patience = dt.timedelta(seconds=settings.PDF_QUEUE_PATIENCE)
        stalled |= Q(status=RenderStatus.QUEUED, requested_at__lt=now - patience)
    return (
        RenderJob.objects.filter(status__in=[RenderStatus.QUEUED, RenderStatus.RUNNING])
        .annotate(task_failed=task_failed)
        .filter(stalled)
    )


def render_job_failure(*, job: RenderJob) -> str:
    """Why the job's PDF was not made (a RenderFailure), or "" while it is on its way or done."""
    if job.status == RenderStatus.FAILED:
        return job.failure or RenderFailure.ERROR
    if job.status == RenderStatus.DONE:
        return ""
    stalled = render_jobs_stalled().filter(pk=job.pk).values_list("task_failed", flat=True)  # type: ignore[misc]
    for task_failed in stalled:
        if task_failed:
            return RenderFailure.ERROR
        if job.status == RenderStatus.RUNNING:
            return RenderFailure.WORKER_STOPPED
        return RenderFailure.NO_WORKER
    return ""
