"""Pages for activities: list, create, take attendance, and sign-in sheets."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tonle.accounts.decorators import editor_required
from tonle.accounts.guards import guarded_get
from tonle.accounts.media import media_response
from tonle.collect.models import RowStatus, Upload
from tonle.collect.sheets import SheetError
from tonle.geo.models import Village
from tonle.lib.forms import add_service_errors
from tonle.lib.paging import LinkedPage, id_in_query, page_of
from tonle.lib.templatetags.tonle import format_count
from tonle.lib.uploads import too_large_marked
from tonle.people.forms import consent_missing_message
from tonle.people.selectors import participant_get_for_user, participant_search
from tonle.people.services import participant_likely_duplicates
from tonle.programs.forms import (
    ActivityForm,
    DoorRegistrationForm,
    RowCorrectionForm,
    SheetUploadForm,
)
from tonle.programs.models import Activity
from tonle.programs.selectors import (
    activity_attendees,
    activity_get_for_user,
    activity_list,
    project_get_for_user,
    projects_visible_to,
)
from tonle.programs.services import (
    activity_create,
    attendance_record,
    attendance_register_and_record,
    attendance_remove,
)
from tonle.programs.sheets import (
    UPLOAD_KIND,
    ApplyCounts,
    activity_sheet_uploads,
    attendance_sheet_apply,
    attendance_sheet_row_correct,
    attendance_sheet_upload,
    cells_of,
)

# Tells the page's reach figure to fetch itself again.
ATTENDANCE_CHANGED = "attendance-changed"
# A forum may have 300 women present, and an activity many sheets over the years.
ATTENDEES_PER_PAGE = 50
SHEETS_PER_PAGE = 10


@require_GET
@editor_required
def activities(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    text = request.GET.get("q", "").strip()
    return render(
        request,
        "programs/activities.html",
        {
            "today": list(activity_list(user=request.user, on=today)),
            "recent": page_of(request, activity_list(user=request.user, text=text)),
            "projects": projects_visible_to(user=request.user),
            "q": text,
        },
    )


@require_http_methods(["GET", "POST"])
@editor_required
def activity_new(request: HttpRequest, slug: str) -> HttpResponse:
    project = project_get_for_user(user=request.user, slug=slug)
    form = ActivityForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            activity = activity_create(by=request.user, project=project, **form.cleaned_data)
        except ValidationError as invalid:
            add_service_errors(form, invalid)
        else:
            return redirect("programs-activity", activity_id=activity.pk)
    return render(request, "programs/activity_form.html", {"form": form, "project": project})


def _attendees_page(request: HttpRequest, activity: Activity) -> LinkedPage:
    # Newest ticked first: the woman just ticked is at the top of the first page.
    return page_of(
        request,
        activity_attendees(activity=activity, user=request.user),
        per_page=ATTENDEES_PER_PAGE,
        param="attendees",
        anchor="attendees",
    )


def _attendees_context(request: HttpRequest, activity: Activity, **extra: object) -> dict:
    """What the attendee list and the door registration need: all a tick's answer shows."""
    return {
        "activity": activity,
        "attendees": _attendees_page(request, activity),
        "register_form": extra.pop("register_form", None)
        or DoorRegistrationForm(user=request.user, initial={"village": activity.village_id}),
        **extra,
    }


def _attendance_context(
    request: HttpRequest,
    activity: Activity,
    upload_form: SheetUploadForm | None = None,
    **extra: object,
) -> dict:
    """The whole activity page's: the attendee list and, below it, the sign-in sheets."""
    return {
        **_attendees_context(request, activity, **extra),
        "upload_form": upload_form or SheetUploadForm(),
        "uploads": page_of(
            request,
            activity_sheet_uploads(activity=activity),
            per_page=SHEETS_PER_PAGE,
            param="sheets",
            anchor="sheets",
        ),
    }


@require_GET
@editor_required
def activity_page(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = activity_get_for_user(user=request.user, activity_id=activity_id)
    if request.htmx and request.htmx.target == "attendees":
        # A page of the attendee list, loaded into its box by the list's pager.
        return render(request, "programs/_attendees.html", _attendees_context(request, activity))
    return render(request, "programs/activity.html", _attendance_context(request, activity))


@require_GET
@editor_required
def attendance_candidates(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = activity_get_for_user(user=request.user, activity_id=activity_id)
    text = request.GET.get("q", "").strip()
    people = (
        list(participant_search(user=request.user, text=text, limit=10)) if len(text) >= 2 else []
    )
    attending = set(
        activity.attendances.filter(participant__in=people).values_list("participant_id", flat=True)
    )
    return render(
        request,
        "programs/_candidates.html",
        {"activity": activity, "people": people, "attending": attending, "q": text},
    )


def _attendees_response(
    request: HttpRequest, activity: Activity, *, registered: bool = False
) -> HttpResponse:
    """The list after a tick: the search emptied for the next name, and the door registration
    emptied only when she was registered or found from it (what an officer is typing there
    for another woman is kept; nor is the form made again for every tick)."""
    if not request.htmx:
        # Without JS, back to the activity, on the page of the list she was on.
        url = reverse("programs-activity", args=[activity.pk])
        return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url)
    clear_register = registered or request.POST.get("from") == "register"
    context = (
        _attendees_context(request, activity, clear=True, clear_register=True)
        if clear_register
        else {"activity": activity, "attendees": _attendees_page(request, activity), "clear": True}
    )
    response = render(request, "programs/_attendees.html", context)
    response["HX-Trigger"] = ATTENDANCE_CHANGED
    return response


@require_POST
@editor_required
def attendance_add(request: HttpRequest, activity_id: int, participant_id: int) -> HttpResponse:
    activity = activity_get_for_user(user=request.user, activity_id=activity_id)
    participant = participant_get_for_user(user=request.user, participant_id=participant_id)
    attendance_record(by=request.user, activity=activity, participant=participant)
    return _attendees_response(request, activity)


@require_POST
@editor_required
def attendance_delete(request: HttpRequest, activity_id: int) -> HttpResponse:
    """Untick one woman; the list's one form says which in `participant`."""
    activity = activity_get_for_user(user=request.user, activity_id=activity_id)
    participant_id = id_in_query(request.POST.get("participant"))
    if participant_id is None:
        raise Http404
    participant = participant_get_for_user(user=request.user, participant_id=participant_id)
    attendance_remove(by=request.user, activity=activity, participant=participant)
    return _attendees_response(request, activity)


@require_POST
@editor_required
def attendance_register(request: HttpRequest, activity_id: int) -> HttpResponse:
    """Register a new woman at the door and mark her present, in one step."""
    activity = activity_get_for_user(user=request.user, activity_id=activity_id)
    form = DoorRegistrationForm(request.POST, user=request.user)
    duplicates = []
    if form.is_valid():
        data = form.cleaned_data
        duplicates = participant_likely_duplicates(
            user=request.user,
            village=data["village"],
            name_km=data["name_km"],
            name_latin=data["name_latin"],
            birth_year=data["birth_year"],
            phone=data["phone"],
        )
        if not duplicates or data["confirm_new"]:
            fields = {name: data[name] for name in DoorRegistrationForm.Meta.fields}
            if fields["consent_given"]:
                fields["consent_date"] = timezone.localdate()
            participant, _attendance = attendance_register_and_record(
                by=request.user, activity=activity, **fields
            )
            messages.success(
                request, _("%(name)s is registered and marked present.") % {"name": participant}
            )
            if not participant.consent_given:
                messages.warning(request, consent_missing_message(participant=participant))
            return _attendees_response(request, activity, registered=True)
    if request.htmx:
        context = _attendees_context(request, activity, register_form=form, duplicates=duplicates)
        response = render(request, "programs/_register.html", context)
        response["HX-Retarget"] = "#register"
        response["HX-Reswap"] = "outerHTML"
        return response
    context = _attendance_context(request, activity, register_form=form, duplicates=duplicates)
    return render(request, "programs/activity.html", context, status=200)


@require_POST
@editor_required
def sheet_upload(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = activity_get_for_user(user=request.user, activity_id=activity_id)
    form = SheetUploadForm(request.POST, request.FILES)
    if not too_large_marked(request, form) and form.is_valid():
        sheet = form.cleaned_data["sheet"]
        try:
            upload = attendance_sheet_upload(
                by=request.user, activity=activity, file_name=sheet.name, data=sheet.read()
            )
        except SheetError as bad_file:
            form.add_error("sheet", str(bad_file))
        else:
            return redirect("programs-sheet", upload_id=upload.pk)
    return render(
        request, "programs/activity.html", _attendance_context(request, activity, upload_form=form)
    )


def _sheet_villages(activity: Activity) -> list[Village]:
    """The villages a sheet's row may name: the project's communities."""
    return list(activity.project.communities.select_related("commune").order_by("name_en"))


def _upload_for_user(request: HttpRequest, upload_id: int) -> tuple[Upload, Activity]:
    upload = guarded_get(
        visible=Upload.objects.filter(kind=UPLOAD_KIND), record_type="upload", record_id=upload_id
    )
    activity = activity_get_for_user(user=request.user, activity_id=upload.target["activity"])
    return upload, activity


@require_GET
@editor_required
def sheet_page(request: HttpRequest, upload_id: int) -> HttpResponse:
    upload, activity = _upload_for_user(request, upload_id)
    rows = list(upload.rows.all())
    villages = _sheet_villages(activity)
    failed = [
        {"row": row, "form": RowCorrectionForm(values=cells_of(upload, row), villages=villages,
                                               prefix=f"row{row.pk}"),
         "as_arrived": row.as_arrived(upload.headers)}
        for row in rows
        if row.status == RowStatus.FAILED
    ]  # fmt: skip
    return render(
        request,
        "programs/sheet.html",
        {
            "upload": upload,
            "activity": activity,
            "applied": sum(1 for row in rows if row.status == RowStatus.APPLIED),
            "total": len(rows),
            "failed": failed,
            # Stored but not applied: the server stopped before it reached them.
            "waiting": [row for row in rows if row.status == RowStatus.PENDING],
        },
    )


def _applied_message(counts: ApplyCounts) -> str:
    """ "1 row applied. 0 rows still need correction.", counted as the reader writes numbers."""
    applied = ngettext("%(count)s row applied.", "%(count)s rows applied.", counts.applied) % {
        "count": format_count(counts.applied)
    }
    failed = ngettext(
        "%(count)s row still needs correction.", "%(count)s rows still need correction.",
        counts.failed,
    ) % {"count": format_count(counts.failed)}  # fmt: skip
    return f"{applied} {failed}"


@require_POST
@editor_required
def sheet_row_correct(request: HttpRequest, upload_id: int, row_id: int) -> HttpResponse:
    upload, activity = _upload_for_user(request, upload_id)
    row = guarded_get(
        visible=upload.rows.filter(status=RowStatus.FAILED),
        record_type="upload-row",
        record_id=row_id,
    )
    form = RowCorrectionForm(
        request.POST, values=cells_of(upload, row), villages=_sheet_villages(activity),
        prefix=f"row{row.pk}",
    )  # fmt: skip
    form.is_valid()
    counts = attendance_sheet_row_correct(
        by=request.user, upload=upload, row_id=row.pk, corrections=form.corrections()
    )
    messages.info(request, _applied_message(counts))
    return redirect("programs-sheet", upload_id=upload.pk)


@require_POST
@editor_required
def sheet_apply(request: HttpRequest, upload_id: int) -> HttpResponse:
    """Apply the rows still waiting, e.g. after the server stopped half-way through a sheet."""
    upload, _activity = _upload_for_user(request, upload_id)
    counts = attendance_sheet_apply(by=request.user, upload=upload)
    messages.info(request, _applied_message(counts))
    return redirect("programs-sheet", upload_id=upload.pk)


@require_GET
@editor_required
def sheet_file(request: HttpRequest, upload_id: int) -> FileResponse:
    """The file as it arrived, to those who may see its sheet."""
    upload, _activity = _upload_for_user(request, upload_id)
    response = media_response(
        request, name=upload.file.name, allowed=True, record_type="upload", record_id=upload.pk
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=upload.file_name
    )
    return response
