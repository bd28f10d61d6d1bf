"""Background work of reports: making a PDF, step by step, so the page can show its progress."""

from __future__ import annotations

import logging
import time

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import override
from django_tasks import task

from tonle.reports.models import RenderJob, RenderStatus, RenderStep
from tonle.reports.rendering import report_render
from tonle.reports.services import issued_render, report_document, report_html

logger = logging.getLogger(__name__)


def _step(job: RenderJob, progress: int, step: RenderStep) -> None:
    """Say how far it is: a code, which the page says in its reader's language."""
    job.status, job.progress, job.step = RenderStatus.RUNNING, progress, step
    job.save(update_fields=["status", "progress", "step", "pages"])


@task()
def render_pdf(job_id: int) -> int:
    """Make the PDF of a render job; returns its number of pages."""
    job = RenderJob.objects.select_related("template__project", "issued", "requested_by").get(
        pk=job_id
    )
    names = job.requested_by.may_see_names  # the PDF is made for its reader
    started = time.perf_counter()
    try:
        with override(job.language):
            _step(job, 10, RenderStep.FIGURES)
            if job.issued:
                report = issued_render(issued=job.issued, language=job.language, names=names)
            else:
                report = report_render(template=job.template, language=job.language, names=names)
            _step(job, 40, RenderStep.SECTIONS)
            html = report_html(report=report, issued=job.issued)
            _step(job, 55, RenderStep.LAYOUT)
            document = report_document(report=report, html=html)
            job.pages = len(document.pages)
            _step(job, 85, RenderStep.WRITING)
            pdf = document.write_pdf()
    except Exception:
        # The reader is told in her language that it failed (reports/_job.html); what failed,
        # which may quote the report's data, goes to the log for an administrator.
        logger.exception("The PDF of render job %s could not be made", job.pk)
        job.status = RenderStatus.FAILED
        job.save(update_fields=["status"])
        raise
    name = f"{job.template.slug}-{job.language}-{timezone.now():%Y%m%d-%H%M%S}.pdf"
    job.pdf.save(name, ContentFile(pdf), save=False)
    job.status, job.progress, job.step = RenderStatus.DONE, 100, ""
    job.pages, job.seconds = len(document.pages), time.perf_counter() - started
    job.save()
    return job.pages
