"""Writes and outputs of reports: the sections an M&E manager edits, the PDF of a report."""

from __future__ import annotations

import json
import logging
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from weasyprint import HTML, Document
from weasyprint.urls import URLFetcher, URLFetcherResponse

from tonle.accounts.models import User
from tonle.lib.memo import reads_once
from tonle.lib.models import recorded_by
from tonle.lib.sitecache import public_pages_changed
from tonle.lib.spreadsheets import Sheet, xlsx_workbook
from tonle.lib.suppression import protected_table, safe_pair, too_small
from tonle.people.models import Participant
from tonle.reports.models import (
    IssuedReport,
    RenderFailure,
    RenderJob,
    RenderStatus,
    ReportTemplate,
    Section,
    SectionKind,
    SmallFigureRelease,
)
from tonle.reports.rendering import (
    Figure,
    RenderedReport,
    RenderedSection,
    donor_view,
    people_annex,
    period_text,
    report_figures,
    report_render,
)
from tonle.reports.selectors import render_job_failure, render_jobs_stalled
from tonle.results.bitmaps import chunks
from tonle.results.disclosure import donor_figures
from tonle.results.framework import people_change, plain_number
from tonle.results.grid import figure_and_splits
from tonle.results.indicators import DIMENSIONS, definition_check, dimensions_of
from tonle.results.labels import split_labels, split_order
from tonle.results.models import IndicatorUnit

logger = logging.getLogger(__name__)

LANGUAGES = ("en", "km")


class LocalFiles(URLFetcher):
    """What WeasyPrint may read: the report's own photos (by the paths of their views, which a
    page shows them at) and data: URIs. No network, no other file."""

    def __init__(self, *, media: dict[str, str]) -> None:
        super().__init__(allowed_protocols=["data"])
        self.media = media  # view path -> file in storage

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parts = urlsplit(url)
        name = self.media.get(parts.path) if parts.scheme == "file" and not parts.netloc else None
        if name is None:
            raise ValueError(f"Only the report's own photos may be read: {url}")
        with default_storage.open(name, "rb") as stored:
            return URLFetcherResponse(url, body=stored.read())


def report_template_save(*, by: User | None, template: ReportTemplate) -> ReportTemplate:
    """Add or change a report (its project, short name and period); sections are written on its page."""
    if template.starts_on and template.ends_on and template.ends_on < template.starts_on:
        raise ValidationError({"ends_on": _("A report's period ends after it starts.")})
    template.full_clean()
    recorded_by(template, user=by)
    with transaction.atomic():
        template.save()
    return template


def sections_save(
    *,
    by: User | None,
    template: ReportTemplate,
    saved: Collection[Section] = (),
    removed: Collection[Section] = (),
) -> None:
    """Write a report's edited and new sections and delete the removed ones, all or nothing,
    each change kept in the sections' history with who made it."""
    strangers = [s for s in (*saved, *removed) if s.pk and s.template_id != template.pk]
    if strangers:
        raise ValidationError(_("A section of another report cannot be changed here."))
    with transaction.atomic():
        for section in saved:
            section.template = template
            recorded_by(section, user=by)
            section.save()
        for section in removed:
            recorded_by(section, user=by)
            section.delete()


def report_media(*, report: RenderedReport) -> dict[str, str]:
    """The photos a report shows: each view's path and the file behind it."""
    media = {s.photo_url: s.photo_name for s in report.sections if s.photo_url}
    for section in report.sections:
        if section.kind == SectionKind.STORIES:
            media.update(
                {r["photo_url"]: r["photo_name"] for r in section.rows if r.get("photo_url")}
            )
    return media


def report_html(*, report: RenderedReport, issued: IssuedReport | None = None) -> str:
    """The report as one standalone page for print: cover, contents, sections."""
    template = report.template
    with override(report.language):
        return render_to_string(
            "reports/print.html",
            {
                "report": report,
                "issued": issued,
                "for_print": True,
                "period": period_text(template.starts_on, template.ends_on),
            },
        )


def report_document(*, html: str, media: dict[str, str]) -> Document:
    """The print page laid out on A4 pages (WeasyPrint; Pango shapes the Khmer). Its photos
    (`media`: see report_media) are read from storage; nothing else is read."""
    return HTML(string=html, base_url="/", url_fetcher=LocalFiles(media=media)).render()


def report_pdf(*, report: RenderedReport, issued: IssuedReport | None = None) -> bytes:
    """The report as an A4 PDF."""
    html = report_html(report=report, issued=issued)
    return report_document(html=html, media=report_media(report=report)).write_pdf()


def report_tables(*, report: RenderedReport) -> list[Sheet]:
    """The indicator table and the annexes, as tables (one sheet or CSV file each); the
    participants annex (a row per woman) only for a reader who may see names."""
    with override(report.language):
        sheets = [
            Sheet(
                _("Indicators"),
                [_("Code"), _("Level"), _("Indicator"), _("Unit"), _("Baseline"), _("Target"),
                 _("Achieved")],
                [[i["code"], i["level_label"], i["name"], i["unit"], i["baseline"], i["target"],
                  i["error"] or i["value"]] for i in report.indicators],
                widths=[14, 10, 60, 10, 10, 10, 12],
            ),
            Sheet(
                _("Activities"),
                [_("Date"), _("Activity"), _("Type"), _("Topic"), _("Community"), _("Attendees")],
                [[a["iso"], a["title"], a["type"], a["topic"], a["community"], a["attendees"]]
                 for a in report.activities],
                widths=[12, 50, 16, 20, 24, 10],
            ),
            Sheet(
                _("Participants"),
                [_("No."), _("Community"), _("Age"), _("Activities attended")],
                [[n, *row] for n, row in enumerate(report.people, start=1)],
                widths=[8, 28, 16, 18],
            ),
        ]  # fmt: skip
        return sheets if report.names else sheets[:2]


def report_xlsx(*, report: RenderedReport) -> bytes:
    """The indicator table and the annexes in one workbook."""
    return xlsx_workbook(report_tables(report=report))


@transaction.atomic
def small_figure_release(
    *, by: User, template: ReportTemplate, code: str, reason: str
) -> SmallFigureRelease:
    """Publish one indicator's figure in one report even when it is under 5 (the two women who
    won leadership roles): only a manager may, and she says why; the choice is kept."""
    if not by.is_manager:
        raise ValidationError(_("Only an M&E manager may publish a figure under 5."))
    if not template.project.indicators.filter(code=code).exists():
        raise ValidationError({"code": _("No indicator has the code “%(code)s”.") % {"code": code}})
    release = SmallFigureRelease(
        template=template, code=code, released_by=by, reason=reason.strip()
    )
    release.full_clean()
    release.save()
    return release


PDFS_AT_ONCE = 3  # a reader's PDFs waiting or being made; the worker is shared by everyone
PDF_ATTEMPTS = 2  # a PDF whose worker died is made once more; if that dies too, it failed
ON_THE_WAY = (RenderStatus.QUEUED, RenderStatus.RUNNING)


def render_job_start(
    *, by: User, template: ReportTemplate, issued: IssuedReport | None, language: str
) -> RenderJob:
    """Queue a report's PDF for its reader, unless she already has PDFS_AT_ONCE on the way.

    The job and its background task are saved together, so no job waits for a task that was
    never queued."""
    from tonle.reports.tasks import render_pdf  # the task makes PDFs with this module

    with transaction.atomic():
        # Her row is locked so that two quick clicks are counted one after the other.
        User.objects.select_for_update().filter(pk=by.pk).first()
        waiting = (
            RenderJob.objects.filter(requested_by=by, status__in=ON_THE_WAY)
            .exclude(pk__in=render_jobs_stalled().values("pk"))
            .count()
        )
        if waiting >= PDFS_AT_ONCE:
            raise ValidationError(
                _("You have %(count)s PDFs being made already. Wait until one is ready, then "
                  "ask again.") % {"count": waiting}
            )  # fmt: skip
        job = RenderJob.objects.create(
            template=template, issued=issued, language=language, requested_by=by
        )
        job.task_id = render_pdf.enqueue(job.pk).id
        job.save(update_fields=["task_id"])
    return job


def render_job_claim(*, job_id: int) -> int | None:
    """Take a waiting PDF for the worker calling: its attempt's number, or None when it is not
    waiting (made already, failed, or taken by another worker), so no PDF is made twice."""
    with transaction.atomic():
        claimed = RenderJob.objects.filter(pk=job_id, status=RenderStatus.QUEUED).update(
            status=RenderStatus.RUNNING, attempts=F("attempts") + 1, progress=0, step="",
            heartbeat_at=timezone.now(),
        )  # fmt: skip
        if not claimed:
            return None
        return RenderJob.objects.values_list("attempts", flat=True).get(pk=job_id)


def render_job_beat(*, job_id: int, attempt: int, **progress: Any) -> bool:
    """Say the attempt is alive (and how far it is: progress, step, pages). False when the
    attempt is no longer the job's (it was given up for dead and queued again)."""
    return bool(
        RenderJob.objects.filter(pk=job_id, attempts=attempt, status=RenderStatus.RUNNING).update(
            heartbeat_at=timezone.now(), **progress
        )
    )


def render_job_finish(
    *, job: RenderJob, attempt: int, pdf: bytes, pages: int, seconds: float
) -> bool:
    """Keep the PDF made by this attempt, unless the job is no longer its own: then the file is
    removed again, so a job has one PDF, never two."""
    name = f"{job.template.slug}-{job.language}-{timezone.now():%Y%m%d-%H%M%S}.pdf"
    job.pdf.save(name, ContentFile(pdf), save=False)
    done = RenderJob.objects.filter(
        pk=job.pk, attempts=attempt, status=RenderStatus.RUNNING
    ).update(
        status=RenderStatus.DONE, progress=100, step="", pdf=job.pdf.name, pages=pages,
        seconds=seconds, heartbeat_at=timezone.now(),
    )  # fmt: skip
    if not done and job.pdf.name:
        job.pdf.storage.delete(job.pdf.name)
    return bool(done)


def render_job_fail(*, job_id: int, failure: str, attempt: int | None = None) -> bool:
    """Mark a PDF on its way as failed, with why (a RenderFailure): the page stops asking and
    says so. An attempt that is no longer the job's fails nothing."""
    jobs = RenderJob.objects.filter(pk=job_id, status__in=ON_THE_WAY)
    if attempt is not None:
        jobs = jobs.filter(attempts=attempt)
    return bool(jobs.update(status=RenderStatus.FAILED, failure=failure))


def render_jobs_recover(*, dead_worker_ids: Collection[str] = ()) -> dict[str, int]:
    """Settle the PDFs no worker will finish, so that no page asks about them for ever.

    A PDF whose worker is known to have died (its supervisor saw it exit) is queued again, up
    to PDF_ATTEMPTS; every stalled PDF (render_jobs_stalled) is failed with its reason. The
    tasks the dead workers left "running" are closed."""
    from tonle.reports.tasks import render_pdf

    requeued = failed = 0
    orphans = [
        result
        for result in DBTaskResult.objects.running()
        if result.worker_ids and result.worker_ids[-1] in dead_worker_ids
    ]
    for result in orphans:
        with transaction.atomic():
            job = (
                RenderJob.objects.select_for_update()
                .filter(task_id=result.id, status__in=ON_THE_WAY)
                .first()
            )
            _task_close(result=result)
            if job is None:
                continue
            if job.attempts < PDF_ATTEMPTS:
                job.status, job.progress, job.step, job.heartbeat_at = (
                    RenderStatus.QUEUED, 0, "", None,
                )  # fmt: skip
                job.task_id = render_pdf.enqueue(job.pk).id
                job.save(update_fields=["status", "progress", "step", "heartbeat_at", "task_id"])
                logger.warning("Render job %s lost its worker: queued again", job.pk)
                requeued += 1
            elif render_job_fail(job_id=job.pk, failure=RenderFailure.WORKER_STOPPED):
                logger.warning(
                    "Render job %s lost its worker %s times: failed", job.pk, job.attempts
                )
                failed += 1
    for job in render_jobs_stalled():
        failure = render_job_failure(job=job)
        if failure and render_job_fail(job_id=job.pk, failure=failure):
            logger.warning("Render job %s stalled (%s): failed", job.pk, failure)
            failed += 1
            if job.task_id:
                for result in DBTaskResult.objects.running().filter(id=job.task_id):
                    _task_close(result=result)
    return {"requeued": requeued, "failed": failed}


def _task_close(*, result: DBTaskResult) -> None:
    """A task left "running" by a worker that is gone is closed as failed, saying why."""
    result.status = TaskResultStatus.FAILED
    result.finished_at = timezone.now()
    result.exception_class_path = "tonle.reports.services.WorkerLost"
    result.traceback = "The worker running this task stopped before it finished."
    result.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])


FROZEN_SPLITS = ("district", "age_band", "quarter")  # what a donor sees behind a frozen figure


# The issued report's id in its figures' links until it has one: the links are made while its
# figures are computed, before the report is written (see report_issue).
_NOT_YET_ISSUED = 0


def report_issue(*, by: User, template: ReportTemplate) -> IssuedReport:
    """Freeze the report as it stands: its text in both languages, its figures, the ids of the
    people behind each figure and the definitions used. Refused while a section has a problem.

    Every figure is computed first, outside any transaction (a long one would hold the write
    lock, and on SQLite keep every officer from ticking attendance meanwhile), each grid read
    once for all the figures it serves; the frozen result is then written in one short
    transaction."""
    with reads_once():
        return _report_issue(by=by, template=template)


def _report_issue(*, by: User, template: ReportTemplate) -> IssuedReport:
    figures = report_figures(template=template, ids=True)
    links = {
        key: reverse("reports-issued-figure", args=[_NOT_YET_ISSUED, key])
        for key, figure in figures.items()
        if not figure.error
    }
    languages = {}
    for language in LANGUAGES:
        report = report_render(template=template, language=language, names=False,
                               figures=figures, figure_links=links)  # fmt: skip
        if report.problems:
            raise ValidationError([f"{section}: {problem}" for section, problem in report.problems])
        languages[language] = {
            "sections": [section.frozen() for section in report.sections],
            "indicators": report.indicators,
            "activities": report.activities,
            # Frozen for those who may see names: the report itself was made for donors.
            "people": _people_annex_in(template, language),
        }
    definitions = {i.code: i for i in template.project.indicators.all()}
    donor = donor_view(template, False)
    frozen = {}
    for key, figure in figures.items():
        indicator = definitions[figure.code]
        measure = definition_check(project=template.project, definition=indicator.definition)
        splits: dict[str, dict[str, Any]] = {}
        if figure.dimension is None:
            wanted = [d for d in FROZEN_SPLITS if d in dimensions_of(measure)]
            _value, splits = figure_and_splits(
                project=template.project, definition=indicator.definition, dimensions=wanted,
                start=template.starts_on, end=template.ends_on,
            )  # fmt: skip
        frozen[key] = {
            "code": figure.code, "dimension": figure.dimension, "value": plain_number(figure.value),
            "cells": {k: plain_number(v) for k, v in figure.cells.items()}, "ids": figure.ids,
            "splits": {d: {k: plain_number(v) for k, v in c.items()} for d, c in splits.items()},
            "definition": indicator.definition, "name_en": indicator.name_en,
            "name_km": indicator.name_km,
            "public": _public(figure, splits, (donor or {}).get(figure.code)),
        }  # fmt: skip
    with transaction.atomic():
        issued = IssuedReport.objects.create(
            template=template, issued_by=by, starts_on=template.starts_on,
            ends_on=template.ends_on, snapshot={},
        )  # fmt: skip
        issued.snapshot = {"languages": _linked(languages, links, issued.pk), "figures": frozen}
        issued.save(update_fields=["snapshot"])
        public_pages_changed()  # the impact pages show the latest issued figures
    return issued


def _linked(languages: dict[str, Any], links: dict[str, str], pk: int) -> dict[str, Any]:
    """The frozen texts with their figures' links pointing at the issued report `pk`."""
    text = json.dumps(languages)
    for key, link in links.items():
        text = text.replace(link, reverse("reports-issued-figure", args=[pk, key]))
    return json.loads(text)


def _people_annex_in(template: ReportTemplate, language: str) -> list[list[Any]]:
    """The participants annex with its age bands in the language (and digits) of the report."""
    with override(language):
        return [list(row) for row in people_annex(template)]


def _public(figure: Figure, splits: dict[str, Any], item: Any) -> dict[str, Any]:
    """What a donor was shown of a frozen figure: the framework's protected value and cells."""
    if item is None or item.indicator.unit != IndicatorUnit.PEOPLE or item.error:
        return {"value": plain_number(figure.value), "cells": figure.cells, "splits": splits}
    shown = {d: {k: plain_number(v) for k, v in item.splits.get(d, {}).items()} for d in splits}
    cells = item.splits.get(figure.dimension, {}) if figure.dimension else {}
    return {"value": plain_number(item.value), "splits": shown,
            "cells": {k: plain_number(v) for k, v in cells.items()}}  # fmt: skip


def issued_public(frozen: dict[str, Any]) -> dict[str, Any]:
    """A frozen figure as a donor may see it (older snapshots: protected as one table)."""
    if "public" in frozen:
        return frozen["public"]
    value, splits = protected_table(frozen["value"], frozen["splits"] or {})
    _value, cells = protected_table(frozen["value"], {"": frozen["cells"]})
    return {"value": value, "splits": splits, "cells": cells[""]}


def issued_render(*, issued: IssuedReport, language: str, names: bool) -> RenderedReport:
    """The issued report exactly as it was frozen, in one of its two languages; its
    participants annex (a row per woman) only for a reader who may see names."""
    frozen = issued.snapshot["languages"][language]
    people = frozen["people"] if names else []
    sections = [
        RenderedSection.thawed(
            section, photo_url=reverse("reports-issued-photo", args=[issued.pk, number])
        )
        for number, section in enumerate(frozen["sections"])
    ]
    for section in sections:
        if section.kind == SectionKind.PEOPLE:
            section.rows = people
    figures = {
        key: Figure(key=key, code=f["code"], dimension=f["dimension"], value=f["value"],
                    cells=f["cells"], ids=f["ids"])
        for key, f in issued.snapshot["figures"].items()
    }  # fmt: skip
    return RenderedReport(
        template=issued.template,
        language=language,
        sections=sections,
        figures=figures,
        indicators=frozen["indicators"],
        activities=frozen["activities"],
        people=people,
        names=names,
    )


@dataclass
class FigureChange:
    key: str
    name: str
    reported: Any
    today: Any
    added: int = 0  # people counted today who were not then
    removed: int = 0  # people counted then who are not today
    gone: int = 0  # of the removed: no longer in the registry (deleted)
    merged: int = 0  # of the people counted then: merged since into another record of hers
    redefined: bool = False  # the indicator's definition changed since
    cells: list[tuple[str, Any, Any]] = field(default_factory=list)  # of a split: (cell, then, now)


def issued_compare(*, issued: IssuedReport, names: bool) -> list[FigureChange]:
    """Each frozen figure beside today's for the same period, and what changed in between.

    A reader who sees no names gets a change only where both figures and their gap are safe
    (no count from 1 to 4 read or worked out), today's figures protected as on the framework."""
    template = issued.template
    indicators = {i.code: i for i in template.project.indicators.all()}
    period = {"start": issued.starts_on, "end": issued.ends_on}
    donor = None if names else {
        f.indicator.code: f for f in donor_figures(project=template.project, **period)
    }  # fmt: skip
    changes = []
    for key, frozen in sorted(issued.snapshot["figures"].items()):
        name = (frozen["name_km"] if get_language() == "km" else frozen["name_en"]) or frozen[
            "name_en"
        ]
        if frozen["dimension"]:
            name = f"{name} · {DIMENSIONS.get(frozen['dimension'], frozen['dimension'])}"
        change = FigureChange(key=key, name=name, reported=frozen["value"], today=None)
        indicator = indicators.get(frozen["code"])
        change.redefined = indicator is None or indicator.definition != frozen["definition"]
        # Today's figure by the definition used then, so a changed definition is not mistaken
        # for changed records.
        dimensions = [frozen["dimension"]] if frozen["dimension"] else []
        value, splits = figure_and_splits(
            project=template.project, definition=frozen["definition"], dimensions=dimensions,
            **period,
        )  # fmt: skip
        change.today = plain_number(value)
        then, now = (
            frozen["cells"],
            ({k: plain_number(v) for k, v in splits[dimensions[0]].items()} if dimensions else {}),
        )
        if frozen["ids"] is not None:
            added, removed = people_change(
                project=template.project, definition=frozen["definition"], then=frozen["ids"],
                **period,
            )  # fmt: skip
            change.added, change.removed = len(added), len(removed)
            present = set(Participant.objects.filter(pk__in=removed).values_list("pk", flat=True))
            change.gone = len(removed - present)
            change.merged = len(_merged_since(frozen["ids"]))
        if donor is not None:
            then, now = _donor_side(change, frozen, donor.get(frozen["code"]), now)
        if dimensions:
            keys = set(then) | set(now)
            labels = split_labels(dimensions[0], list(keys))
            change.cells = [
                (labels.get(k, k), then.get(k, 0), now.get(k, 0))
                for k in split_order(dimensions[0], keys, labels)
                if then.get(k, 0) != now.get(k, 0)
            ]
        changes.append(change)
    return changes


def _merged_since(ids: Collection[int]) -> set[int]:
    """Those of the people behind a frozen figure who have been merged into another record."""
    merged: set[int] = set()
    for chunk in chunks(sorted(ids)):
        merged.update(
            Participant.objects.filter(pk__in=chunk, merged_into__isnull=False).values_list(
                "pk", flat=True
            )
        )
    return merged


def issued_people_merged(*, issued: IssuedReport, names: bool) -> int:
    """How many of the people an issued report counted have since been merged into another
    record of the same woman (0 for a reader who sees no names when it is 1 to 4)."""
    ids = {pk for frozen in issued.snapshot["figures"].values() for pk in frozen["ids"] or ()}
    merged = len(_merged_since(ids))
    return 0 if not names and too_small(merged) else merged


def _donor_side(
    change: FigureChange, frozen: dict[str, Any], item: Any, now: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Blank what a donor may not see of a change; the cells she may compare (then, now)."""
    public = issued_public(frozen)
    of_people = item is not None and item.indicator.unit == IndicatorUnit.PEOPLE
    if of_people and not change.redefined:
        change.today = plain_number(item.value)
        now = item.splits.get(frozen["dimension"], {}) if frozen["dimension"] else {}
    elif of_people:
        change.today = None  # by another definition: not protected with today's framework
    change.reported = public["value"]
    if not safe_pair(change.reported, change.today):
        change.reported = change.today = None
    if change.today is None or too_small(change.added) or too_small(change.removed):
        change.added = change.removed = 0
    change.gone = 0 if too_small(change.gone) or not change.removed else change.gone
    change.merged = 0 if too_small(change.merged) else change.merged
    then = public["cells"]
    pairs = [k for k in set(then) | set(now) if safe_pair(then.get(k, 0), now.get(k, 0))]
    return {k: then.get(k, 0) for k in pairs}, {k: now.get(k, 0) for k in pairs}
