"""Background work of reports: making a PDF, step by step, so the page can show its progress.

Whatever happens, a PDF ends made or failed with its reason: any error in the task fails it,
and while it is being made a heartbeat says its worker is alive, so a worker that dies
(killed, out of memory, the server restarted) leaves a job that is seen to be lost, never one
that is polled for ever (see selectors.render_jobs_stalled and manage.py run_worker)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connections
from django.utils.translation import override
from django_tasks import task

from tonle.lib.memo import reads_once
from tonle.reports.layout import pdf_laid_out_apart
from tonle.reports.models import RenderFailure, RenderJob, RenderStep
from tonle.reports.rendering import report_render
from tonle.reports.services import (
    issued_render,
    render_job_beat,
    render_job_claim,
    render_job_fail,
    render_job_finish,
    report_html,
    report_media,
)

logger = logging.getLogger(__name__)


class _NotOursAnyMore(Exception):
    """The job was given up for dead and queued again: this attempt stops without writing."""


def _step(job_id: int, attempt: int, progress: int, step: RenderStep, **more: int) -> None:
    """Say how far it is: a code, which the page says in its reader's language."""
    if not render_job_beat(job_id=job_id, attempt=attempt, progress=progress, step=step, **more):
        raise _NotOursAnyMore


@contextmanager
def _heartbeat(job_id: int, attempt: int) -> Iterator[None]:
    """Say every PDF_HEARTBEAT_SECONDS that the attempt is alive, even in a step that takes
    minutes; the beat stops with the process, which is how a dead worker is noticed."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(settings.PDF_HEARTBEAT_SECONDS):
                if not render_job_beat(job_id=job_id, attempt=attempt):
                    return
        except Exception:  # a missed beat is not worth failing the PDF for
            logger.exception("The heartbeat of render job %s failed", job_id)
        finally:
            connections.close_all()  # this thread's own connections

    thread = threading.Thread(target=beat, name=f"render-job-{job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _make(job_id: int, attempt: int) -> int:
    job = RenderJob.objects.select_related("template__project", "issued", "requested_by").get(
        pk=job_id
    )
    names = job.requested_by.may_see_names  # the PDF is made for its reader
    started = time.perf_counter()
    if settings.PDF_RENDER_PAUSE:
        time.sleep(settings.PDF_RENDER_PAUSE)
    with override(job.language), reads_once():  # each grid read once for all its figures
        _step(job_id, attempt, 10, RenderStep.FIGURES)
        if job.issued:
            report = issued_render(issued=job.issued, language=job.language, names=names)
        else:
            report = report_render(template=job.template, language=job.language, names=names)
        _step(job_id, attempt, 40, RenderStep.SECTIONS)
        html = report_html(report=report, issued=job.issued)
        _step(job_id, attempt, 55, RenderStep.LAYOUT)
        pdf, pages = pdf_laid_out_apart(
            html=html,
            media=report_media(report=report),
            laid_out=lambda pages: _step(job_id, attempt, 85, RenderStep.WRITING, pages=pages),
        )
    seconds = time.perf_counter() - started
    if not render_job_finish(job=job, attempt=attempt, pdf=pdf, pages=pages, seconds=seconds):
        raise _NotOursAnyMore
    return pages


@task()
def render_pdf(job_id: int) -> int:
    """Make the PDF of a render job; returns its number of pages (0 when it was not this
    task's to make)."""
    attempt = render_job_claim(job_id=job_id)
    if attempt is None:
        logger.warning("Render job %s is not waiting (made, failed or taken): left alone", job_id)
        return 0
    try:
        with _heartbeat(job_id, attempt):
            return _make(job_id, attempt)
    except _NotOursAnyMore:
        logger.warning("Render job %s was queued again while attempt %s ran", job_id, attempt)
        return 0
    except BaseException as error:
        # The reader is told in her language that it failed (reports/_job.html); what failed,
        # which may quote the report's data, goes to the log for an administrator.
        logger.exception("The PDF of render job %s could not be made", job_id)
        stopped = isinstance(error, (KeyboardInterrupt, SystemExit))
        failure = RenderFailure.WORKER_STOPPED if stopped else RenderFailure.ERROR
        render_job_fail(job_id=job_id, attempt=attempt, failure=failure)
        raise
