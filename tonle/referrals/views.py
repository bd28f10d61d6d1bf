"""Pages for referrals and services: make, follow, and the provider's inbox."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tonle.accounts.decorators import editor_required
from tonle.accounts.models import Role
from tonle.people.selectors import participant_get_for_user
from tonle.programs.selectors import projects_visible_to
from tonle.referrals.forms import MoveForm, ReferralForm, ServiceForm
from tonle.referrals.models import ReferralStatus
from tonle.referrals.selectors import referral_get_for_user, referral_list, shared_with_provider
from tonle.referrals.services import referral_make, referral_move, service_record


def _errors_onto(form: Form, invalid: ValidationError) -> None:
    for field, errors in invalid.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@require_GET
@login_required
def referrals(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in ReferralStatus.values else ""
    return render(
        request,
        "referrals/list.html",
        {
            "referrals": referral_list(user=request.user, status=status)[:200],
            "status": status,
            "statuses": ReferralStatus.choices,
            "provider_view": request.user.role == Role.PROVIDER,
        },
    )


@require_http_methods(["GET", "POST"])
@editor_required
def referral_new(request: HttpRequest, participant_id: int) -> HttpResponse:
    person = participant_get_for_user(
        user=request.user, participant_id=participant_id, path=request.path
    )
    form = ReferralForm(request.POST or None, projects=projects_visible_to(user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            referral = referral_make(by=request.user, participant=person, **form.cleaned_data)
        except ValidationError as invalid:
            _errors_onto(form, invalid)
        else:
            return redirect("referrals-detail", referral_id=referral.pk)
    return render(
        request,
        "referrals/form.html",
        {"form": form, "person": person, "heading": _("Refer her to a service")},
    )


@require_GET
@login_required
def referral_detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = referral_get_for_user(
        user=request.user, referral_id=referral_id, path=request.get_full_path()
    )
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "shared": shared_with_provider(referral=referral)
            if request.user.role == Role.PROVIDER
            else None,
            "steps": referral.steps.select_related("by"),
            "move_form": MoveForm(referral=referral),
        },
    )


@require_POST
@login_required
def referral_step(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = referral_get_for_user(
        user=request.user, referral_id=referral_id, path=request.get_full_path()
    )
    form = MoveForm(request.POST, referral=referral)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        referral_move(by=request.user, referral=referral, **form.cleaned_data)
    except ValidationError as invalid:
        messages.error(
            request, " ".join(str(m) for ms in invalid.message_dict.values() for m in ms)
        )
    else:
        messages.success(
            request,
            _("The referral is now “%(status)s”.") % {"status": referral.get_status_display()},
        )
    return redirect("referrals-detail", referral_id=referral.pk)


@require_http_methods(["GET", "POST"])
@editor_required
def service_new(request: HttpRequest, participant_id: int) -> HttpResponse:
    person = participant_get_for_user(
        user=request.user, participant_id=participant_id, path=request.path
    )
    form = ServiceForm(request.POST or None, projects=projects_visible_to(user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            service_record(by=request.user, participant=person, **form.cleaned_data)
        except ValidationError as invalid:
            _errors_onto(form, invalid)
        else:
            return redirect("people-detail", participant_id=person.pk)
    return render(
        request,
        "referrals/form.html",
        {"form": form, "person": person, "heading": _("Record a service she received")},
    )
