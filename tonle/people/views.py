"""Pages of the registry: search, a person's page, register and correct, and the searches
of the whole registry for duplicates."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from tonle.accounts.decorators import editor_required, manager_required, names_required
from tonle.lib.paging import id_in_query, page_of
from tonle.people.forms import ParticipantForm, consent_missing_message
from tonle.people.history import participant_changes
from tonle.people.models import DuplicateRun
from tonle.people.selectors import (
    duplicate_run_get_for_user,
    participant_get_for_user,
    participant_search,
    villages_in_scope,
)
from tonle.people.services import (
    duplicate_run_request,
    participant_likely_duplicates,
    participant_register,
    participant_update,
)
from tonle.people.timeline import participant_timeline

# Years of activities, cases and referrals make a long timeline: newest first, a page at a time.
TIMELINE_PER_PAGE = 30


@require_GET
@names_required
def people_list(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "")
    village_id = id_in_query(request.GET.get("village"))
    people = participant_search(user=request.user, text=text, village_id=village_id, limit=None)
    context = {"people": page_of(request, people), "q": text, "village_id": village_id}
    if request.htmx:
        return render(request, "people/_results.html", context)
    context["villages"] = villages_in_scope(user=request.user).select_related("commune")
    return render(request, "people/list.html", context)


@require_GET
@names_required
def people_detail(request: HttpRequest, participant_id: int) -> HttpResponse:
    participant = participant_get_for_user(user=request.user, participant_id=participant_id)
    return render(
        request,
        "people/detail.html",
        {
            "person": participant,
            "timeline": page_of(
                request,
                participant_timeline(participant=participant, user=request.user),
                per_page=TIMELINE_PER_PAGE,
                param="timeline",
                anchor="timeline",
            ),
            "changes": participant_changes(participant=participant),
        },
    )


@require_http_methods(["GET", "POST"])
@editor_required
def people_create(request: HttpRequest) -> HttpResponse:
    form = ParticipantForm(request.POST or None, user=request.user)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = form.service_fields()
        duplicates = participant_likely_duplicates(
            user=request.user,
            village=data["village"],
            name_km=data["name_km"],
            name_latin=data["name_latin"],
            date_of_birth=data["date_of_birth"],
            birth_year=data["birth_year"],
            phone=data["phone"],
        )
        if not duplicates or form.cleaned_data["confirm_new"]:
            participant = participant_register(by=request.user, **data)
            if not participant.consent_given:
                messages.warning(request, consent_missing_message(participant=participant))
            return redirect("people-detail", participant_id=participant.pk)
    return render(
        request, "people/form.html", {"form": form, "duplicates": duplicates, "creating": True}
    )


@require_http_methods(["GET", "POST"])
@editor_required
def people_edit(request: HttpRequest, participant_id: int) -> HttpResponse:
    participant = participant_get_for_user(user=request.user, participant_id=participant_id)
    form = ParticipantForm(request.POST or None, instance=participant, user=request.user)
    if request.method == "POST" and form.is_valid():
        participant_update(participant=participant, by=request.user, **form.service_fields())
        return redirect("people-detail", participant_id=participant.pk)
    return render(request, "people/form.html", {"form": form, "person": participant})


@require_http_methods(["GET", "POST"])
@manager_required
def duplicate_runs(request: HttpRequest) -> HttpResponse:
    """The searches of the whole registry for duplicates; a button starts one."""
    if request.method == "POST":
        run = duplicate_run_request(by=request.user)
        return redirect("people-duplicate-run", run_id=run.pk)
    runs = DuplicateRun.objects.select_related("requested_by")
    return render(request, "people/duplicate_runs.html", {"runs": page_of(request, runs)})


@require_GET
@manager_required
def duplicate_run(request: HttpRequest, run_id: int) -> HttpResponse:
    """One search and its progress bar; htmx asks again every second until it is over."""
    run = duplicate_run_get_for_user(user=request.user, run_id=run_id)
    name = "people/_duplicate_run.html" if request.htmx else "people/duplicate_run.html"
    return render(request, name, {"run": run})
