"""Report pages: the report in the reader's language, its PDF, and the section editor."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from pyroaring import BitMap

from tonle.accounts.guards import guarded_get
from tonle.accounts.media import media_response
from tonle.lib.forms import error_text
from tonle.lib.paging import id_in_query, page_of
from tonle.lib.spreadsheets import csv_response, xlsx_download
from tonle.lib.uploads import too_large_marked
from tonle.programs.models import Project
from tonle.programs.selectors import project_get_for_user, projects_visible_to
from tonle.reports.forms import IssueForm, ReleaseForm, SectionFormSet
from tonle.reports.iati import iati_activity_file
from tonle.reports.models import (
    IssuedReport,
    RenderFailure,
    RenderJob,
    RenderStatus,
    ReportTemplate,
    Section,
    SectionKind,
)
from tonle.reports.rendering import RenderedReport, period_text, report_render
from tonle.reports.selectors import render_job_failure
from tonle.reports.services import (
    LANGUAGES,
    issued_compare,
    issued_people_merged,
    issued_public,
    issued_render,
    render_job_start,
    report_issue,
    report_tables,
    sections_save,
    small_figure_release,
)
from tonle.results.indicators import DIMENSIONS
from tonle.results.labels import labelled_split
from tonle.results.views import people_page

# An annex on the web page is read this many rows at a time; the PDF and the spreadsheet
# keep every row.
ANNEX_ROWS = 100
_PAGED_ANNEXES = {SectionKind.ACTIVITIES, SectionKind.PEOPLE}


def _annexes_paged(request: HttpRequest, report: RenderedReport) -> RenderedReport:
    """The report for the web page: each annex a page at a time, its own pager in its section."""
    for number, part in enumerate(report.sections, start=1):
        if part.kind in _PAGED_ANNEXES and part.rows:
            part.page = page_of(request, part.rows, per_page=ANNEX_ROWS,
                                param=f"annex{number}", anchor=f"section-{number}")  # fmt: skip
            part.rows = part.page.object_list
    return report


def _template(request: HttpRequest, slug: str, report: str) -> ReportTemplate:
    project = project_get_for_user(user=request.user, slug=slug)
    return guarded_get(
        visible=project.report_templates.select_related("project__organisation"),
        record_type="report",
        record_id=report,
        slug=report,
    )


def _managed_template(request: HttpRequest, slug: str, report: str) -> ReportTemplate:
    """The report, for an M&E manager who edits, releases and issues it; others are refused."""
    template = _template(request, slug, report)
    if not request.user.is_manager:
        raise PermissionDenied
    return template


def _language(request: HttpRequest) -> str:
    wanted = request.GET.get("lang") or get_language() or "en"
    return wanted[:2] if wanted[:2] in LANGUAGES else "en"


@require_GET
@login_required
def report_list(request: HttpRequest, slug: str) -> HttpResponse:
    project = project_get_for_user(user=request.user, slug=slug)
    return render(
        request,
        "reports/list.html",
        {"project": project, "templates": project.report_templates.all()},
    )


@require_GET
@login_required
def report_page(request: HttpRequest, slug: str, report: str) -> HttpResponse:
    """The report as a web page; its M&E manager also sees each section's problems."""
    template = _template(request, slug, report)
    rendered = report_render(
        template=template, language=_language(request), names=request.user.may_see_names
    )
    return render(
        request,
        "reports/report.html",
        {
            "project": template.project,
            "template": template,
            "report": _annexes_paged(request, rendered),
            "period": period_text(template.starts_on, template.ends_on),
            "show_problems": request.user.is_manager,
            "languages": LANGUAGES,
            "issued_reports": template.issued.select_related("issued_by"),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def report_edit(request: HttpRequest, slug: str, report: str) -> HttpResponse:
    """The sections, English and Khmer side by side, with each section's problems."""
    template = _managed_template(request, slug, report)
    sections = template.sections.all()
    formset = SectionFormSet(request.POST or None, request.FILES or None, queryset=sections)
    refused = too_large_marked(request, *formset.forms)
    if request.method == "POST" and not refused and formset.is_valid():
        saved = formset.save(commit=False)
        sections_save(
            by=request.user, template=template, saved=saved, removed=formset.deleted_objects
        )
        messages.success(request, _("The report's sections are saved."))
        return redirect("reports-edit", slug=slug, report=report)
    rendered = report_render(template=template, language=_language(request), names=True)
    return render(
        request,
        "reports/edit.html",
        {
            "project": template.project,
            "template": template,
            "formset": formset,
            "report": rendered,
            "release_form": ReleaseForm(template=template),
            "releases": template.releases.select_related("released_by"),
        },
    )


@require_POST
@login_required
def report_release(request: HttpRequest, slug: str, report: str) -> HttpResponse:
    """Publish one figure under 5 in this report, saying why (M&E manager)."""
    template = _managed_template(request, slug, report)
    form = ReleaseForm(request.POST, template=template)
    if form.is_valid():
        try:
            small_figure_release(by=request.user, template=template, **form.cleaned_data)
        except ValidationError as refused:
            messages.error(request, error_text(refused))
        else:
            messages.success(request, _("The figure will be published in this report."))
    else:
        messages.error(request, _("Choose the indicator and say why it may be published."))
    return redirect("reports-edit", slug=slug, report=report)


@require_POST
@login_required
def report_issue_view(request: HttpRequest, slug: str, report: str) -> HttpResponse:
    """Issue the report: its text, figures and the records behind them are frozen."""
    template = _managed_template(request, slug, report)
    form = IssueForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["confirm"]))
        return redirect("reports-page", slug=slug, report=report)
    try:
        issued = report_issue(by=request.user, template=template)
    except ValidationError as broken:
        for problem in broken.messages:
            messages.error(request, problem)
        return redirect("reports-page", slug=slug, report=report)
    messages.success(request, _("The report is issued: its figures will not change."))
    return redirect("reports-issued", pk=issued.pk)


def _issued(request: HttpRequest, pk: int) -> IssuedReport:
    return guarded_get(
        visible=IssuedReport.objects.filter(
            template__project__in=projects_visible_to(user=request.user).values("pk")
        ).select_related("template__project__organisation", "issued_by"),
        record_type="issued-report",
        record_id=pk,
    )


@require_GET
@login_required
def issued_page(request: HttpRequest, pk: int) -> HttpResponse:
    issued = _issued(request, pk)
    template = issued.template
    return render(
        request,
        "reports/report.html",
        {
            "project": template.project,
            "template": template,
            "issued": issued,
            "report": _annexes_paged(
                request,
                issued_render(
                    issued=issued, language=_language(request), names=request.user.may_see_names
                ),
            ),
            "period": period_text(issued.starts_on, issued.ends_on),
            "languages": LANGUAGES,
        },
    )


def _may_see_project(request: HttpRequest, project: Project) -> bool:
    return projects_visible_to(user=request.user).filter(pk=project.pk).exists()


@require_GET
@login_required
def section_photo(request: HttpRequest, section_id: int) -> HttpResponse:
    """A section's photo, to those who may see the report's project."""
    section = Section.objects.select_related("template__project").filter(pk=section_id).first()
    return media_response(
        request,
        name=section.photo.name if section else "",
        allowed=section is not None and _may_see_project(request, section.template.project),
        record_type="report-photo",
        record_id=section_id,
    )


@require_GET
@login_required
def issued_photo(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The photo of an issued report's section as it was issued (the section may have a new one)."""
    issued = IssuedReport.objects.select_related("template__project").filter(pk=pk).first()
    allowed = issued is not None and _may_see_project(request, issued.template.project)
    sections = issued.snapshot["languages"]["en"]["sections"] if allowed else []
    return media_response(
        request,
        name=sections[number].get("photo_name", "") if number < len(sections) else "",
        allowed=allowed,
        record_type="report-photo",
        record_id=f"issued-{pk}/{number}",
    )


@require_GET
@login_required
def issued_figure(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """Behind a frozen figure: the people counted when it was issued (for those who may see
    names), else its frozen split."""
    issued = _issued(request, pk)
    frozen = issued.snapshot["figures"].get(key)
    if frozen is None:
        raise Http404
    name = frozen["name_km"] if _language(request) == "km" else frozen["name_en"]
    names = request.user.may_see_names
    if names and frozen["ids"] is not None:
        return people_page(request, issued.template.project, BitMap(frozen["ids"]), name, "")
    shown = frozen if names else issued_public(frozen)
    tables = [
        {"code": d, "label": DIMENSIONS.get(d, d), "cells": labelled_split(d, cells, names)}
        for d, cells in (shown["splits"] or {frozen["dimension"]: shown["cells"]}).items()
        if d
    ]
    frozen = {**frozen, "value": shown["value"]}
    return render(
        request,
        "reports/issued_figure.html",
        {"issued": issued, "frozen": frozen, "name": name or frozen["name_en"], "tables": tables},
    )


@require_GET
@login_required
def issued_changes(request: HttpRequest, pk: int) -> HttpResponse:
    """The issued figures beside today's, and what changed in the records since."""
    issued = _issued(request, pk)
    return render(
        request,
        "reports/compare.html",
        {
            "issued": issued,
            "project": issued.template.project,
            "changes": issued_compare(issued=issued, names=request.user.may_see_names),
            "merged": issued_people_merged(issued=issued, names=request.user.may_see_names),
        },
    )


@require_GET
@login_required
def iati_export(request: HttpRequest, slug: str) -> HttpResponse:
    """The project's IATI file: offered for download only when it passes the schema."""
    project = project_get_for_user(user=request.user, slug=slug)
    iati = iati_activity_file(project=project)
    if request.GET.get("download"):
        if not iati.valid:
            return render(request, "reports/iati.html", {"project": project, "iati": iati},
                          status=409)  # fmt: skip
        response = HttpResponse(iati.xml, content_type="application/xml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="iati-{project.slug}.xml"'
        return response
    return render(request, "reports/iati.html", {"project": project, "iati": iati})


@require_POST
@login_required
def render_start(request: HttpRequest, slug: str, report: str) -> HttpResponse:
    """Queue the PDF of the report (or of one of its issued versions) and show its progress."""
    template = _template(request, slug, report)
    issued = None
    if request.POST.get("issued"):
        # Only an id is looked up: any other text (edited by hand) is a report not found,
        # and is never carried into the query or the access log as it was typed.
        issued = guarded_get(
            visible=template.issued.all(),
            record_type="issued-report",
            record_id=id_in_query(request.POST["issued"]) or 0,
        )
    language = request.POST.get("lang") if request.POST.get("lang") in LANGUAGES else "en"
    try:
        job = render_job_start(by=request.user, template=template, issued=issued,
                               language=language)  # fmt: skip
    except ValidationError as busy:
        messages.error(request, " ".join(busy.messages))
        if issued:
            return redirect("reports-issued", pk=issued.pk)
        return redirect("reports-page", slug=slug, report=report)
    return redirect("reports-job", pk=job.pk)


def _job(request: HttpRequest, pk: int) -> RenderJob:
    """A PDF being made is its requester's (on a project she still sees): a PDF made for a
    reader who sees names is never another's."""
    return guarded_get(
        visible=RenderJob.objects.filter(
            requested_by=request.user,
            template__project__in=projects_visible_to(user=request.user).values("pk"),
        ).select_related("template__project"),
        record_type="pdf",
        record_id=pk,
    )


@require_GET
@login_required
def render_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF's progress: the whole page, or (for htmx, every second) the bar alone. A PDF
    that failed, or that no worker will finish, is said to have failed and is asked no more."""
    job = _job(request, pk)
    name = "reports/_job.html" if request.htmx else "reports/job.html"
    failure = render_job_failure(job=job)
    return render(request, name, {
        "job": job, "project": job.template.project, "failure": failure,
        "failure_reason": RenderFailure(failure).label if failure else "",
    })  # fmt: skip


@require_GET
@login_required
def render_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if job.status != RenderStatus.DONE:
        raise Http404
    name = f"{_file_name(job.template, job.issued, job.language)}.pdf"
    return FileResponse(job.pdf.open("rb"), as_attachment=True, filename=name,
                        content_type="application/pdf")  # fmt: skip


def _file_name(template: ReportTemplate, issued: IssuedReport | None, language: str) -> str:
    """closing-draft-km, or closing-issued-2024-01-15-km: a draft and an issued copy never
    download under the same name."""
    if issued is None:
        return f"{template.slug}-draft-{language}"
    return f"{template.slug}-issued-{timezone.localdate(issued.issued_at).isoformat()}-{language}"


def _tables_response(request: HttpRequest, report: RenderedReport, name: str) -> HttpResponse:
    """The indicator table and annexes: one XLSX workbook, or one table as CSV (?table=N)."""
    tables = report_tables(report=report)
    if request.GET.get("format") != "csv":
        return xlsx_download(filename=f"{name}.xlsx", sheets=tables)
    try:
        table = tables[int(request.GET.get("table", "0"))]
    except (ValueError, IndexError) as unknown:
        raise Http404 from unknown
    return csv_response(
        filename=f"{name}-{slugify(table.name)}.csv", headers=table.headers, rows=table.rows
    )


@require_GET
@login_required
def report_tables_download(request: HttpRequest, slug: str, report: str) -> HttpResponse:
    template = _template(request, slug, report)
    language = _language(request)
    rendered = report_render(template=template, language=language, names=request.user.may_see_names)
    return _tables_response(request, rendered, f"{template.slug}-{language}")


@require_GET
@login_required
def issued_tables_download(request: HttpRequest, pk: int) -> HttpResponse:
    issued = _issued(request, pk)
    language = _language(request)
    rendered = issued_render(issued=issued, language=language, names=request.user.may_see_names)
    return _tables_response(
        request, rendered, f"{issued.template.slug}-{issued.issued_at:%Y%m%d}-{language}"
    )
