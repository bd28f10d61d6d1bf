"""Pages for cases: lists, a case, opening one, sessions, notes, and the Smart Woman's quick log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tonle.accounts.decorators import editor_required, names_required, supervisor_required
from tonle.accounts.models import Role
from tonle.cases.forms import (
    CaseOpenForm,
    CloseForm,
    CounsellingContactForm,
    GoalForm,
    NoteForm,
    SessionForm,
)
from tonle.cases.models import Case, CaseStatus
from tonle.cases.selectors import (
    case_get_for_user,
    case_list,
    case_notes_for_user,
    case_sessions,
    cases_gone_quiet,
    contact_case,
    follow_ups_due,
    may_read_notes,
    mentees_of,
)
from tonle.cases.services import (
    case_close,
    case_open,
    counselling_contact_log,
    goal_add,
    note_add,
    session_record,
)
from tonle.cases.supervision import supervision_sections
from tonle.lib.forms import add_service_errors, error_text
from tonle.lib.paging import id_in_query, page_of
from tonle.people.recording import record_for_person
from tonle.programs.selectors import projects_visible_to

# Each list of the supervision page is read a page at a time, so both fit a phone.
SUPERVISION_ROWS = 20


def _case(request: HttpRequest, case_id: int) -> Case:
    return case_get_for_user(user=request.user, case_id=case_id, path=request.get_full_path())


def _may_work_on(request: HttpRequest, case: Case) -> bool:
    """Sessions, goals and closing are for those who may also read the notes they write."""
    return may_read_notes(user=request.user, case=case)


@require_GET
@names_required
def cases(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", CaseStatus.OPEN)
    text = request.GET.get("q", "").strip()
    return render(
        request,
        "cases/list.html",
        {
            "cases": page_of(request, case_list(user=request.user, text=text, status=status)),
            "status": status,
            "q": text,
        },
    )


@require_GET
@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "goals": case.goals.all(),
            "sessions": case_sessions(case=case),
            "notes": case_notes_for_user(
                user=request.user, case=case, path=request.get_full_path()
            ),
            "may_read_notes": may_read_notes(user=request.user, case=case),
            "may_work": _may_work_on(request, case) and case.status == CaseStatus.OPEN,
            "goal_form": GoalForm(),
            "note_form": NoteForm(),
            "close_form": CloseForm(),
        },
    )


@require_http_methods(["GET", "POST"])
@editor_required
def case_new(request: HttpRequest, participant_id: int) -> HttpResponse:
    return record_for_person(
        request,
        participant_id=participant_id,
        form_for=lambda person: CaseOpenForm(
            request.POST or None, projects=projects_visible_to(user=request.user)
        ),
        save=lambda person, data: case_open(by=request.user, participant=person, **data),
        heading=_("Open a case"),
        submit=_("Open the case"),
        done=lambda case, person: redirect("cases-detail", case_id=case.pk),
    )


@require_http_methods(["GET", "POST"])
@login_required
def session_new(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    if not _may_work_on(request, case):
        raise PermissionDenied
    goals = list(case.goals.all())
    form = SessionForm(request.POST or None, goals=goals)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session_record(
                by=request.user, case=case, date=data["date"], duration_minutes=data["duration_minutes"],
                topics=list(data["topics"]), notes=data["notes"], follow_up_on=data["follow_up_on"],
                goal_progress=form.goal_progress(),
            )  # fmt: skip
        except ValidationError as invalid:
            add_service_errors(form, invalid)
        else:
            messages.success(request, _("The session is recorded."))
            return redirect("cases-detail", case_id=case.pk)
    return render(request, "cases/session.html", {"form": form, "case": case})


@require_POST
@login_required
def goal_new(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    if not _may_work_on(request, case):
        raise PermissionDenied
    form = GoalForm(request.POST)
    if form.is_valid():
        goal_add(by=request.user, case=case, **form.cleaned_data)
    else:
        messages.error(request, _("The goal needs a description."))
    return redirect("cases-detail", case_id=case.pk)


@require_POST
@login_required
def note_new(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    if not may_read_notes(user=request.user, case=case):
        raise PermissionDenied
    form = NoteForm(request.POST)
    if form.is_valid():
        note_add(by=request.user, case=case, text=form.cleaned_data["text"])
    return redirect("cases-detail", case_id=case.pk)


@require_POST
@login_required
def case_end(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    if not _may_work_on(request, case):
        raise PermissionDenied
    form = CloseForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"closed_on": _("Give the date the case closed.")})
        case_close(by=request.user, case=case, closed_on=form.cleaned_data["closed_on"])
    except ValidationError as invalid:
        messages.error(request, error_text(invalid))
    return redirect("cases-detail", case_id=case.pk)


@require_http_methods(["GET", "POST"])
@login_required
def counselling_contact(request: HttpRequest) -> HttpResponse:
    """The Smart Woman's page: one form on her phone for a counselling contact."""
    if request.user.role != Role.SMART_WOMAN:
        raise PermissionDenied
    mentees = mentees_of(user=request.user)
    chosen = request.POST.get("participant") or request.GET.get("participant")
    # The case the contact goes on: the page shows its goals, and the save uses the same one.
    case = contact_case(worker=request.user, participant_id=id_in_query(chosen))
    goals = list(case.goals.exclude(progress__in=["achieved", "dropped"])) if case else []
    form = CounsellingContactForm(
        request.POST or None, goals=goals, mentees=mentees, initial={"participant": chosen}
    )
    project = projects_visible_to(user=request.user).first()
    if request.method == "POST" and form.is_valid() and project is not None:
        data = form.cleaned_data
        try:
            counselling_contact_log(
                by=request.user, participant=data["participant"], project=project, date=data["date"],
                duration_minutes=data["duration_minutes"], topics=list(data["topics"]), notes=data["notes"],
                follow_up_on=data["follow_up_on"], goal_progress=form.goal_progress(), new_goal=data["new_goal"],
            )  # fmt: skip
        except ValidationError as invalid:
            add_service_errors(form, invalid)
        else:
            messages.success(request, _("The counselling contact is recorded."))
            return redirect("cases-counselling")
    return render(request, "cases/counselling.html", {"form": form, "case": case})


@require_GET
@supervisor_required
def supervision(request: HttpRequest) -> HttpResponse:
    quiet, due = cases_gone_quiet(user=request.user), follow_ups_due(user=request.user)
    return render(
        request,
        "cases/supervision.html",
        {
            "quiet": page_of(
                request, quiet, per_page=SUPERVISION_ROWS, param="quiet", anchor="quiet"
            ),
            "due": page_of(request, due, per_page=SUPERVISION_ROWS, param="due", anchor="due"),
            "shown": SUPERVISION_ROWS,
            "sections": supervision_sections(user=request.user, rows=SUPERVISION_ROWS),
        },
    )
