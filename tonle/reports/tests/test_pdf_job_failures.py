"""Every PDF ends made or failed with its reason, and the page stops asking once it failed:
an error anywhere in the task, a task that failed, a worker that died or no worker at all."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tonle.reports import services, tasks
from tonle.reports.models import RenderFailure, RenderJob, RenderStatus
from tonle.reports.services import (
    PDFS_AT_ONCE,
    render_job_claim,
    render_job_finish,
    render_job_start,
    render_jobs_recover,
)

HTMX = {"HTTP_HX_REQUEST": "true"}
LONG_AGO = dt.timedelta(hours=2)


def _bar(client, job: RenderJob) -> str:
    return client.get(reverse("reports-job", args=[job.pk]), **HTMX).content.decode()


def _job(world, report) -> RenderJob:
    return render_job_start(by=world.donor, template=report, issued=None, language="en")


def test_a_pdf_that_fails_after_it_is_made_is_failed_with_its_reason_and_asked_no_more(
    client, world, report, monkeypatch
):
    """The disk is full when the PDF is saved, outside the part of the task that was guarded:
    the job was left "being made" and the page asked every second for ever."""

    def disk_full(*_args, **_kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(services, "ContentFile", disk_full)
    job = _job(world, report)
    with pytest.raises(OSError):
        tasks.render_pdf.call(job.pk)

    job.refresh_from_db()
    assert (job.status, job.failure) == (RenderStatus.FAILED, RenderFailure.ERROR)
    client.force_login(world.donor)
    bar = _bar(client, job)
    assert "hx-trigger" not in bar
    assert "The PDF could not be made" in bar and "Try again" in bar
    assert str(RenderFailure.ERROR.label) in bar


def test_a_pdf_whose_worker_fell_silent_is_shown_failed_without_a_write_and_then_settled(
    client, world, report
):
    job = _job(world, report)
    RenderJob.objects.filter(pk=job.pk).update(
        status=RenderStatus.RUNNING, attempts=1, heartbeat_at=timezone.now() - LONG_AGO
    )
    client.force_login(world.donor)
    with CaptureQueriesContext(connection) as queries:
        bar = _bar(client, job)
    assert "hx-trigger" not in bar and "Try again" in bar
    assert str(RenderFailure.WORKER_STOPPED.label) in bar
    writes = [q["sql"] for q in queries if "reports_renderjob" in q["sql"]
              and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))]  # fmt: skip
    assert writes == []

    assert render_jobs_recover() == {"requeued": 0, "failed": 1}
    job.refresh_from_db()
    assert (job.status, job.failure) == (RenderStatus.FAILED, RenderFailure.WORKER_STOPPED)
    # A late worker that wakes up finds the job is not its own any more.
    assert tasks.render_pdf.call(job.pk) == 0


def test_a_pdf_being_made_with_a_recent_heartbeat_is_still_asked_about(client, world, report):
    job = _job(world, report)
    RenderJob.objects.filter(pk=job.pk).update(
        status=RenderStatus.RUNNING, attempts=1, heartbeat_at=timezone.now()
    )
    client.force_login(world.donor)
    assert 'hx-trigger="every 1s"' in _bar(client, job)
    assert render_jobs_recover() == {"requeued": 0, "failed": 0}


def test_a_pdf_whose_task_failed_is_shown_failed(client, world, report):
    """The task failed before it could say so on the job (the job could not even be read)."""
    job = _job(world, report)
    DBTaskResult.objects.filter(id=job.task_id).update(status=TaskResultStatus.FAILED)
    client.force_login(world.donor)
    bar = _bar(client, job)
    assert "hx-trigger" not in bar and str(RenderFailure.ERROR.label) in bar


def test_a_pdf_waiting_with_no_worker_alive_fails_but_waits_while_a_worker_is_busy(
    client, world, report
):
    waiting = _job(world, report)
    RenderJob.objects.filter(pk=waiting.pk).update(requested_at=timezone.now() - LONG_AGO)
    busy = render_job_start(by=world.manager, template=report, issued=None, language="km")
    RenderJob.objects.filter(pk=busy.pk).update(
        status=RenderStatus.RUNNING, attempts=1, heartbeat_at=timezone.now()
    )
    client.force_login(world.donor)
    assert 'hx-trigger="every 1s"' in _bar(client, waiting)  # the queue moves: keep waiting

    RenderJob.objects.filter(pk=busy.pk).update(status=RenderStatus.DONE, heartbeat_at=None)
    bar = _bar(client, waiting)
    assert "hx-trigger" not in bar and str(RenderFailure.NO_WORKER.label) in bar
    render_jobs_recover()
    waiting.refresh_from_db()
    assert (waiting.status, waiting.failure) == (RenderStatus.FAILED, RenderFailure.NO_WORKER)


def _die(job: RenderJob, worker_id: str) -> None:
    """A worker takes the job's task and the job, then is killed."""
    DBTaskResult.objects.get(id=job.task_id).claim(worker_id)
    assert render_job_claim(job_id=job.pk) is not None


def test_a_pdf_whose_worker_died_is_queued_again_once_then_failed(world, report):
    job = _job(world, report)
    first_task = job.task_id
    _die(job, "worker-1")

    assert render_jobs_recover(dead_worker_ids=["worker-1"]) == {"requeued": 1, "failed": 0}
    job.refresh_from_db()
    assert job.status == RenderStatus.QUEUED and job.task_id != first_task
    assert DBTaskResult.objects.get(id=first_task).status == TaskResultStatus.FAILED
    assert DBTaskResult.objects.get(id=job.task_id).status == TaskResultStatus.READY

    _die(job, "worker-2")
    assert render_jobs_recover(dead_worker_ids=["worker-2"]) == {"requeued": 0, "failed": 1}
    job.refresh_from_db()
    assert (job.status, job.failure) == (RenderStatus.FAILED, RenderFailure.WORKER_STOPPED)


def test_an_attempt_given_up_for_dead_never_finishes_the_pdf_a_second_time(world, report):
    job = _job(world, report)
    first = render_job_claim(job_id=job.pk)
    RenderJob.objects.filter(pk=job.pk).update(status=RenderStatus.QUEUED)  # queued again
    second = render_job_claim(job_id=job.pk)
    assert render_job_claim(job_id=job.pk) is None  # never two workers on one PDF

    assert not render_job_finish(job=job, attempt=first, pdf=b"%PDF-1", pages=1, seconds=1.0)
    job.refresh_from_db()
    assert job.status == RenderStatus.RUNNING and not job.pdf
    assert render_job_finish(job=job, attempt=second, pdf=b"%PDF-2", pages=1, seconds=1.0)
    job.refresh_from_db()
    assert job.status == RenderStatus.DONE and job.pdf.read() == b"%PDF-2"


def test_pdfs_no_worker_will_finish_do_not_count_against_the_readers_three(world, report):
    for _n in range(PDFS_AT_ONCE):
        _job(world, report)
    RenderJob.objects.update(status=RenderStatus.RUNNING, heartbeat_at=timezone.now() - LONG_AGO)
    assert _job(world, report).status == RenderStatus.QUEUED
