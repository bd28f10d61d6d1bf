"""Staff pages for phone forms: forms, XLSForm upload, submissions as they arrived, phone password."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tonle.accounts.decorators import editor_required
from tonle.accounts.media import media_response
from tonle.accounts.models import User
from tonle.collect.applying import form_fields, suggested_fields
from tonle.collect.forms import (
    CorrectionForm,
    MappingForm,
    PhonePasswordForm,
    SubmissionFilterForm,
    XLSFormUploadForm,
)
from tonle.collect.models import PhoneCredential, RowStatus
from tonle.collect.registry import appliers, projects_of
from tonle.collect.selectors import (
    attachment_get_for_user,
    form_get_for_user,
    form_progress,
    forms_visible_to,
    may_collect,
    submission_get_for_user,
    submission_list,
    submissions_visible_to,
    unreadable_submissions_visible_to,
)
from tonle.collect.services import (
    form_set_active,
    form_upload,
    mapping_current,
    mapping_save,
    phone_password_set,
    submission_correct,
    submissions_apply_again,
)
from tonle.collect.xlsform import XLSFormError
from tonle.lib.paging import id_in_query, page_of
from tonle.lib.uploads import too_large_marked


def _project_names(user: User) -> dict[int, str]:
    return {project.id: str(project) for project in projects_of(user=user)}


@require_GET
@editor_required
def form_list(request: HttpRequest) -> HttpResponse:
    forms = forms_visible_to(user=request.user).defer("xml", "itemsets")
    page = page_of(request, forms.order_by("title", "form_id", "-uploaded_at", "-id"))
    names = _project_names(request.user)
    for form in page:
        form.project_name = names.get(form.project_id, "")
    return render(request, "collect/forms.html", {"forms": page})


@require_http_methods(["GET", "POST"])
@editor_required
def form_upload_page(request: HttpRequest) -> HttpResponse:
    if not request.user.is_manager:
        raise PermissionDenied
    projects = projects_of(user=request.user)
    form = XLSFormUploadForm(request.POST or None, request.FILES or None, projects=projects)
    problems = []
    if request.method == "POST" and not too_large_marked(request, form) and form.is_valid():
        upload = form.cleaned_data["xlsform"]
        try:
            saved = form_upload(
                by=request.user,
                project_id=form.cleaned_data["project"],
                file_name=upload.name,
                data=upload.read(),
            )
        except XLSFormError as refused:
            problems = refused.problems
        else:
            if mapping_current(form=saved) is None:
                return redirect("collect-form-mapping", form_id=saved.pk)
            return redirect("collect-form", form_id=saved.pk)
    return render(request, "collect/form_upload.html", {"form": form, "problems": problems})


@require_GET
@editor_required
def form_page(request: HttpRequest, form_id: int) -> HttpResponse:
    form = form_get_for_user(user=request.user, form_id=form_id)
    return render(
        request,
        "collect/form.html",
        {
            "form": form,
            "project": _project_names(request.user).get(form.project_id, form.project_id),
            "versions": forms_visible_to(user=request.user)
            .filter(form_id=form.form_id)
            .defer("xml", "itemsets")
            .order_by("-uploaded_at", "-id"),
            "submissions": page_of(
                request, submission_list(user=request.user, form_id=form.pk), param="page"
            ),
            "mapping": mapping_current(form=form),
            "progress": form_progress(form=form),
        },
    )


@require_GET
@editor_required
def form_progress_part(request: HttpRequest, form_id: int) -> HttpResponse:
    """The progress bar alone, which the form page asks for again while submissions wait."""
    form = form_get_for_user(user=request.user, form_id=form_id)
    return render(
        request,
        "collect/_progress.html",
        {"form": form, "progress": form_progress(form=form), "mapping": mapping_current(form=form)},
    )


@require_http_methods(["GET", "POST"])
@editor_required
def form_mapping(request: HttpRequest, form_id: int) -> HttpResponse:
    """Which records the form feeds and from which questions; saving applies it again."""
    if not request.user.is_manager:
        raise PermissionDenied
    form = form_get_for_user(user=request.user, form_id=form_id)
    current = mapping_current(form=form)
    fields = form_fields(form.xml)
    registered = appliers()
    if current is not None:
        initial = current.kinds
    else:  # suggestions by question name, for the kinds the form seems to record
        initial = {}
        for applier in registered:
            chosen = suggested_fields(applier=applier, fields=fields)
            if len(chosen) >= 2 or any(t.repeat and t.name in chosen for t in applier.fields):
                initial[applier.kind] = {"fields": chosen, "constants": {}}
    mapping_form = MappingForm(
        request.POST or None, appliers=registered, fields=fields, initial_kinds=initial
    )
    if request.method == "POST" and mapping_form.is_valid():
        mapping_save(by=request.user, form=form, kinds=mapping_form.kinds())
        messages.success(
            request, _("The mapping is saved; the form's submissions are being applied.")
        )
        return redirect("collect-form", form_id=form.pk)
    return render(
        request,
        "collect/form_mapping.html",
        {"form": form, "mapping_form": mapping_form, "current": current, "fields": fields},
    )


@require_POST
@editor_required
def form_apply_again(request: HttpRequest, form_id: int) -> HttpResponse:
    """Every submission that failed or waits is applied again (corrected or not)."""
    form = form_get_for_user(user=request.user, form_id=form_id)
    roots = submission_list(user=request.user, form_id=form.pk).filter(
        status__in=[RowStatus.FAILED, RowStatus.PENDING]
    )
    submissions_apply_again(
        root_ids=list(roots.values_list("root_id", flat=True)),
        language=get_language() or "",
    )
    return redirect("collect-form", form_id=form.pk)


@require_POST
@editor_required
def form_activate(request: HttpRequest, form_id: int) -> HttpResponse:
    if not request.user.is_manager:
        raise PermissionDenied
    form = form_get_for_user(user=request.user, form_id=form_id)
    form_set_active(form=form, active=request.POST.get("active") == "1")
    return redirect("collect-form", form_id=form.pk)


@require_GET
@editor_required
def form_xlsform(request: HttpRequest, form_id: int) -> HttpResponse:
    form = form_get_for_user(user=request.user, form_id=form_id)
    response = media_response(
        request, name=form.xlsform.name, allowed=True, record_type="form", record_id=form.pk
    )
    response["Content-Disposition"] = f'attachment; filename="{form.form_id}.xlsx"'
    return response


@require_GET
@editor_required
def submissions_page(request: HttpRequest) -> HttpResponse:
    filters = SubmissionFilterForm(request.GET or None)
    status = filters.cleaned_data["status"] if filters.is_valid() else ""
    form_id = id_in_query(request.GET.get("form"))
    return render(
        request,
        "collect/submissions.html",
        {
            "filters": filters,
            "forms": forms_visible_to(user=request.user)
            .only("id", "title", "version")
            .order_by("title", "-uploaded_at"),
            "form_id": form_id,
            "submissions": page_of(
                request, submission_list(user=request.user, form_id=form_id, status=status)
            ),
            "unreadable": unreadable_submissions_visible_to(user=request.user).count(),
        },
    )


@require_GET
@editor_required
def unreadable_submissions_page(request: HttpRequest) -> HttpResponse:
    """What phones sent that could not be read, with the reason each phone was told."""
    return render(
        request,
        "collect/unreadable.html",
        {"unreadable": page_of(request, unreadable_submissions_visible_to(user=request.user))},
    )


@require_GET
@editor_required
def submission_page(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = submission_get_for_user(user=request.user, submission_id=submission_id)
    return render(
        request,
        "collect/submission.html",
        {
            "submission": submission,
            "xml": bytes(submission.xml).decode("utf-8", errors="replace"),
            "attachments": submission.attachments.all(),
            "versions": submissions_visible_to(user=request.user)
            .filter(root_id=submission.root_id)
            .defer("xml")
            .order_by("received_at", "id"),
            "correction": CorrectionForm(submission=submission)
            if submission.status != RowStatus.APPLIED
            else None,
        },
    )


@require_POST
@editor_required
def submission_correct_page(request: HttpRequest, submission_id: int) -> HttpResponse:
    """Corrections beside the XML as it arrived; then it is applied again in the background."""
    submission = submission_get_for_user(user=request.user, submission_id=submission_id)
    if submission.status == RowStatus.APPLIED:
        raise PermissionDenied
    correction = CorrectionForm(request.POST, submission=submission)
    if correction.is_valid():
        submission_correct(
            submission=submission,
            corrections=correction.corrections(),
            language=get_language() or "",
        )
        messages.success(request, _("Corrected: it is being applied again."))
    return redirect("collect-submission", submission_id=submission.pk)


@require_POST
@editor_required
def submission_apply_page(request: HttpRequest, submission_id: int) -> HttpResponse:
    submission = submission_get_for_user(user=request.user, submission_id=submission_id)
    submissions_apply_again(root_ids=[submission.root_id], language=get_language() or "")
    messages.success(request, _("It is being applied again."))
    return redirect("collect-submission", submission_id=submission.pk)


@require_GET
@editor_required
def submission_xml(request: HttpRequest, submission_id: int) -> HttpResponse:
    """The XML exactly as the phone sent it, byte for byte."""
    submission = submission_get_for_user(user=request.user, submission_id=submission_id)
    response = HttpResponse(bytes(submission.xml), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{submission.pk}.xml"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@editor_required
def attachment_file(request: HttpRequest, attachment_id: int) -> HttpResponse:
    attachment = attachment_get_for_user(user=request.user, attachment_id=attachment_id)
    response = media_response(
        request,
        name=attachment.file.name,
        allowed=True,
        record_type="attachment",
        record_id=attachment.pk,
    )
    response["Content-Disposition"] = f'attachment; filename="{attachment.name}"'
    return response


@require_http_methods(["GET", "POST"])
@login_required
def phone_password(request: HttpRequest) -> HttpResponse:
    """She sets the password her phone signs with; the page says what to type in Collect."""
    if not may_collect(request.user):
        raise PermissionDenied
    form = PhonePasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        phone_password_set(user=request.user, password=form.cleaned_data["password"])
        messages.success(request, _("Your phone password is set."))
        return redirect("collect-phone-password")
    return render(
        request,
        "collect/phone_password.html",
        {
            "form": form,
            "server_url": request.build_absolute_uri("/collect"),
            "has_password": PhoneCredential.objects.filter(user=request.user).exists(),
        },
    )
