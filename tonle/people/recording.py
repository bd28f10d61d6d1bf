"""One page for recording something about a woman: her name on top, a form, and a service call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from tonle.lib.forms import add_service_errors
from tonle.lib.uploads import too_large_marked
from tonle.people.models import Participant
from tonle.people.selectors import participant_get_for_user


def record_for_person(
    request: HttpRequest,
    *,
    participant_id: int,
    form_for: Callable[[Participant], Form],
    save: Callable[[Participant, dict[str, Any]], Any],
    heading: str,
    submit: str = "",
    done: Callable[[Any, Participant], HttpResponse] | None = None,
) -> HttpResponse:
    """Open her (in the user's scope), show the form, save through the service, then go on.

    A refusal by the service marks the fields it names and keeps what was typed.
    """
    person = participant_get_for_user(user=request.user, participant_id=participant_id)
    form = form_for(person)
    if request.method == "POST" and not too_large_marked(request, form) and form.is_valid():
        try:
            saved = save(person, form.cleaned_data)
        except ValidationError as invalid:
            add_service_errors(form, invalid)
        else:
            return (
                done(saved, person) if done else redirect("people-detail", participant_id=person.pk)
            )
    return render(
        request,
        "people/record.html",
        {"form": form, "person": person, "heading": heading, "submit": submit},
    )
