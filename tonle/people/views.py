"""Pages of the registry: search, a person's page, register and correct, the searches of the
whole registry for duplicates, two records compared and merged, and the merges with their undo."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tonle.accounts.decorators import editor_required, manager_required, names_required
from tonle.lib.paging import id_in_query, page_of
from tonle.people.forms import (
    MERGE_LABELS,
    DuplicatePairForm,
    ParticipantForm,
    consent_missing_message,
)
from tonle.people.history import participant_changes
from tonle.people.models import DuplicateAnswer, DuplicateDecision, DuplicateRun
from tonle.people.selectors import (
    duplicate_pair_get_for_user,
    duplicate_pairs_visible_to,
    duplicate_run_get_for_user,
    duplicate_run_latest,
    merge_get_for_user,
    merges_visible_to,
    pair_record_counts,
    pairs_to_review,
    participant_get_for_user,
    participant_merges_standing,
    participant_search,
    villages_in_scope,
)
from tonle.people.services import (
    MERGED,
    duplicate_decision_record,
    duplicate_run_request,
    participant_likely_duplicates,
    participant_register,
    participant_update,
    participants_merge,
    participants_merge_undo,
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
            "merges": participant_merges_standing(user=request.user, participant=participant),
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
@login_required
def duplicate_queue(request: HttpRequest) -> HttpResponse:
    """The likely duplicates of the latest search, most likely first, each linking to the two
    records side by side; pairs decided different or merged since are gone from it."""
    if not request.user.may_edit_records:
        raise PermissionDenied
    pairs = page_of(request, duplicate_pairs_visible_to(user=request.user))
    return render(
        request,
        "people/duplicate_queue.html",
        {"pairs": pairs, "reviews": pairs_to_review(pairs=pairs), "run": duplicate_run_latest()},
    )


@require_GET
@manager_required
def duplicate_run(request: HttpRequest, run_id: int) -> HttpResponse:
    """One search and its progress bar; htmx asks again every second until it is over."""
    run = duplicate_run_get_for_user(user=request.user, run_id=run_id)
    name = "people/_duplicate_run.html" if request.htmx else "people/duplicate_run.html"
    return render(request, name, {"run": run})


@login_required
def duplicate_pair(request: HttpRequest, first_id: int, second_id: int) -> HttpResponse:
    """Two records side by side, what differs marked; decide same (merge), different or not sure.

    The ranked queue of likely duplicates links here; so can anyone who finds two records."""
    first, second = duplicate_pair_get_for_user(
        user=request.user, first_id=first_id, second_id=second_id
    )
    if first.pk == second.pk:
        return redirect("people-detail", participant_id=first.pk)
    counts = pair_record_counts(first=first, second=second)
    keep_first = sum(c.first for c in counts) >= sum(c.second for c in counts)
    form = DuplicatePairForm(
        request.POST or None, first=first, second=second, keep_first=keep_first
    )
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        duplicate_decision_record(by=request.user, first=first, second=second, decision=decision)
        if decision != DuplicateAnswer.SAME:
            messages.success(request, _("Your decision is recorded: %(decision)s.")
                             % {"decision": DuplicateAnswer(decision).label})  # fmt: skip
            return redirect("people-duplicates")  # the next pair to review
        survivor, merged = form.survivor_and_merged()
        try:
            merge = participants_merge(
                by=request.user, survivor=survivor, merged=merged, values=form.merge_values()
            )
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
        else:
            messages.success(
                request,
                _("The two records are one now. If it was a mistake, undo the merge below."),
            )
            return redirect("people-merge", merge_id=merge.pk)
    low, high = sorted((first.pk, second.pk))
    return render(
        request,
        "people/duplicate_pair.html",
        {
            "first": first,
            "second": second,
            "sides": [("first", first), ("second", second)],
            "form": form,
            "counts": counts,
            "decided": DuplicateDecision.objects.filter(first_id=low, second_id=high)
            .select_related("decided_by")
            .first(),
        },
    )


@require_GET
@login_required
def merge_list(request: HttpRequest) -> HttpResponse:
    merges = merges_visible_to(user=request.user)
    return render(request, "people/merge_list.html", {"merges": page_of(request, merges)})


@require_GET
@login_required
def merge_detail(request: HttpRequest, merge_id: int) -> HttpResponse:
    merge = merge_get_for_user(user=request.user, merge_id=merge_id)
    labels = {
        c.name: c.label for c in pair_record_counts(first=merge.survivor, second=merge.merged)
    }
    moved = [
        (labels.get(name, name), len(step.get("moved", [])), len(step.get("removed", [])))
        for name, step in merge.steps.items()
        if step.get("moved") or step.get("removed")
    ]
    taken = [MERGE_LABELS[c] for c, side in merge.values.items() if side == MERGED]
    return render(
        request, "people/merge_detail.html", {"merge": merge, "moved": moved, "taken": taken}
    )


@require_POST
@login_required
def merge_undo(request: HttpRequest, merge_id: int) -> HttpResponse:
    merge = merge_get_for_user(user=request.user, merge_id=merge_id)
    try:
        participants_merge_undo(by=request.user, merge=merge)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(
            request, _("The merge is undone: both records are back, each with her own records.")
        )
    return redirect("people-merge", merge_id=merge.pk)
