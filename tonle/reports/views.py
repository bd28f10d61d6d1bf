"""Report pages: the report in the reader's language, its PDF, and the section editor."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tonle.programs.selectors import project_get_for_user
from tonle.reports.forms import SectionFormSet
from tonle.reports.models import ReportTemplate
from tonle.reports.rendering import period_text, report_render
from tonle.reports.services import report_pdf

LANGUAGES = ("en", "km")


def _template(request: HttpRequest, slug: str, report: str) -> ReportTemplate:
    project = project_get_for_user(user=request.user, slug=slug)
    return get_object_or_404(
        ReportTemplate.objects.select_related("project__organisation"), project=project, slug=report
    )


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
            "report": rendered,
            "period": period_text(template.starts_on, template.ends_on),
            "show_problems": request.user.is_manager,
            "languages": LANGUAGES,
        },
    )


@require_GET
@login_required
def report_pdf_download(request: HttpRequest, slug: str, report: str) -> HttpResponse:
    template = _template(request, slug, report)
    language = _language(request)
    rendered = report_render(template=template, language=language, names=False)
    response = HttpResponse(report_pdf(report=rendered), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{template.slug}-{language}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
@login_required
def report_edit(request: HttpRequest, slug: str, report: str) -> HttpResponse:
    """The sections, English and Khmer side by side, with each section's problems."""
    template = _template(request, slug, report)
    if not request.user.is_manager:
        raise PermissionDenied
    sections = template.sections.all()
    formset = SectionFormSet(request.POST or None, request.FILES or None, queryset=sections)
    if request.method == "POST" and formset.is_valid():
        for section in formset.save(commit=False):
            section.template = template
            section.save()
        for gone in formset.deleted_objects:
            gone.delete()
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
        },
    )
