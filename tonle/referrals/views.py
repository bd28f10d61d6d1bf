"""Pages for referrals and services: make, follow, and the provider's inbox."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tonle.accounts.decorators import editor_required, referrals_required
from tonle.accounts.models import Role
from tonle.lib.forms import error_text
from tonle.lib.paging import id_in_query, page_of
from tonle.people.recording import record_for_person
from tonle.programs.selectors import projects_visible_to
from tonle.referrals.forms import MoveForm, ReferralForm, ServiceForm
from tonle.referrals.models import ReferralStatus
from tonle.referrals.selectors import (
    providers_of,
    referral_get_for_user,
    referral_list,
    referral_providers,
    referral_steps,
    shared_with_provider,
)
from tonle.referrals.services import referral_make, referral_move, service_record


@require_GET
@referrals_required
def referrals(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in ReferralStatus.values else ""
    overdue = request.GET.get("overdue") == "1"
    text = request.GET.get("q", "").strip()
    provider_id = id_in_query(request.GET.get("provider"))
    found = referral_list(
        user=request.user, status=status, text=text, provider_id=provider_id, overdue=overdue
    )
    return render(
        request,
        "referrals/list.html",
        {
            "referrals": page_of(request, found),
            "status": status,
            "overdue": overdue,
            "statuses": ReferralStatus.choices,
            "q": text,
            "provider_id": provider_id,
            "providers": referral_providers(user=request.user),
            "provider_view": request.user.role == Role.PROVIDER,
            "own_providers": providers_of(user=request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@editor_required
def referral_new(request: HttpRequest, participant_id: int) -> HttpResponse:
    return record_for_person(
        request,
        participant_id=participant_id,
        form_for=lambda person: ReferralForm(
            request.POST or None, projects=projects_visible_to(user=request.user)
        ),
        save=lambda person, data: referral_make(by=request.user, participant=person, **data),
        heading=_("Refer her to a service"),
        done=lambda referral, person: redirect("referrals-detail", referral_id=referral.pk),
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
            "steps": referral_steps(referral=referral, user=request.user),
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
            raise ValidationError(dict(form.errors))
        referral_move(by=request.user, referral=referral, **form.cleaned_data)
    except ValidationError as invalid:
        messages.error(request, error_text(invalid))
    else:
        messages.success(
            request,
            _("The referral is now “%(status)s”.") % {"status": referral.get_status_display()},
        )
    return redirect("referrals-detail", referral_id=referral.pk)


@require_http_methods(["GET", "POST"])
@editor_required
def service_new(request: HttpRequest, participant_id: int) -> HttpResponse:
    return record_for_person(
        request,
        participant_id=participant_id,
        form_for=lambda person: ServiceForm(
            request.POST or None, projects=projects_visible_to(user=request.user)
        ),
        save=lambda person, data: service_record(by=request.user, participant=person, **data),
        heading=_("Record a service she received"),
    )
