"""Pages of imports: the KoboToolbox and ODK Central sources, and each batch with its progress,
its records one by one, "Run again" and "Undo". For M&E managers and administrators."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tonle.accounts.decorators import editor_required
from tonle.collect.forms import ImportSourceForm
from tonle.collect.imports import import_batch_start, import_batch_undo, import_source_save
from tonle.collect.models import BatchStatus, ImportSource
from tonle.collect.registry import projects_of
from tonle.collect.selectors import (
    import_batch_get_for_user,
    import_source_get_for_user,
    import_source_list,
    imported_records_of,
    may_import,
)
from tonle.lib.paging import page_of


def _managers_only(request: HttpRequest) -> None:
    if not may_import(request.user):
        raise PermissionDenied


@require_GET
@editor_required
def sources_page(request: HttpRequest) -> HttpResponse:
    _managers_only(request)
    names = {project.id: str(project) for project in projects_of(user=request.user)}
    sources = page_of(request, import_source_list(user=request.user))
    for source in sources:
        source.project_name = names.get(source.project_id, "")
        source.last_status = (
            BatchStatus(source.last_batch_status).label if source.last_batch_status else ""
        )
    return render(request, "collect/import_sources.html", {"sources": sources})


@require_http_methods(["GET", "POST"])
@editor_required
def source_edit(request: HttpRequest, source_id: int | None = None) -> HttpResponse:
    _managers_only(request)
    source = (
        import_source_get_for_user(user=request.user, source_id=source_id) if source_id else None
    )
    initial = {}
    if source is not None:
        initial = {
            "name": source.name,
            "kind": source.kind,
            "server_url": source.server_url,
            "project": source.project_id,
            "remote_project": source.remote_project,
        }
    form = ImportSourceForm(
        request.POST or None, initial=initial, projects=projects_of(user=request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = import_source_save(
                by=request.user, source=source, kind=data["kind"], name=data["name"],
                server_url=data["server_url"], project_id=data["project"],
                remote_project=data["remote_project"], token=data["token"],
                email=data["email"], password=data["password"],
            )  # fmt: skip
        except ValidationError as refused:
            form.add_error(None, refused)
        else:
            return redirect("collect-import-source", source_id=saved.pk)
    batches = page_of(request, source.batches.all()) if source else None
    return render(
        request,
        "collect/import_source.html",
        {"form": form, "source": source, "batches": batches},
    )


@require_POST
@editor_required
def source_run(request: HttpRequest, source_id: int) -> HttpResponse:
    _managers_only(request)
    source: ImportSource = import_source_get_for_user(user=request.user, source_id=source_id)
    try:
        batch = import_batch_start(by=request.user, source=source, language=get_language())
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect("collect-import-source", source_id=source.pk)
    return redirect("collect-import-batch", batch_id=batch.pk)


@require_GET
@editor_required
def batch_page(request: HttpRequest, batch_id: int) -> HttpResponse:
    _managers_only(request)
    batch = import_batch_get_for_user(user=request.user, batch_id=batch_id)
    context = {"batch": batch}
    if request.htmx:
        return render(request, "collect/_import_progress.html", context)
    records = page_of(request, imported_records_of(batch=batch))
    return render(request, "collect/import_batch.html", {**context, "records": records})


@require_POST
@editor_required
def batch_undo(request: HttpRequest, batch_id: int) -> HttpResponse:
    _managers_only(request)
    batch = import_batch_get_for_user(user=request.user, batch_id=batch_id)
    try:
        import_batch_undo(by=request.user, batch=batch)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, _("The import was undone."))
    return redirect("collect-import-batch", batch_id=batch.pk)
