"""Pages for Smart Women groups: the list, a group, and adding, ending or moving a member."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tonle.accounts.decorators import editor_required, names_required
from tonle.groups.forms import MembershipAddForm, MembershipEndForm, MembershipMoveForm
from tonle.groups.models import GroupMembership, SmartWomenGroup
from tonle.groups.selectors import (
    group_candidates,
    group_get_for_user,
    group_list,
    group_members,
    groups_to_move_to,
    membership_get_for_user,
)
from tonle.groups.services import membership_add, membership_end, membership_move
from tonle.lib.forms import add_service_errors
from tonle.lib.paging import page_of


@require_GET
@names_required
def groups(request: HttpRequest) -> HttpResponse:
    groups = page_of(request, group_list(user=request.user))
    return render(request, "groups/list.html", {"groups": groups})


@require_GET
@names_required
def group_detail(request: HttpRequest, group_id: int) -> HttpResponse:
    group = group_get_for_user(user=request.user, group_id=group_id)
    return render(
        request,
        "groups/detail.html",
        {
            "group": group,
            "memberships": page_of(request, group_members(group=group, user=request.user)),
            "may_edit": request.user.may_edit_records,
        },
    )


def _membership_page(
    request: HttpRequest,
    *,
    group: SmartWomenGroup,
    membership: GroupMembership | None,
    form: Form,
    save: Callable[[dict[str, Any]], str],
    heading: str,
) -> HttpResponse:
    """Show the form; on a valid POST save through the service and go back to the group."""
    if request.method == "POST" and form.is_valid():
        try:
            done = save(form.cleaned_data)
        except ValidationError as invalid:
            add_service_errors(form, invalid)
        else:
            messages.success(request, done)
            return redirect("groups-detail", group_id=group.pk)
    return render(
        request,
        "groups/membership_form.html",
        {"group": group, "membership": membership, "form": form, "heading": heading},
    )


@require_http_methods(["GET", "POST"])
@editor_required
def member_add(request: HttpRequest, group_id: int) -> HttpResponse:
    group = group_get_for_user(user=request.user, group_id=group_id)
    form = MembershipAddForm(
        request.POST or None, women=group_candidates(group=group, user=request.user)
    )

    def save(data: dict[str, Any]) -> str:
        added = membership_add(by=request.user, group=group, **data)
        return _("%(name)s joined the group.") % {"name": added.participant.display_name}

    return _membership_page(
        request, group=group, membership=None, form=form, save=save, heading=_("Add a member")
    )


@require_http_methods(["GET", "POST"])
@editor_required
def member_end(request: HttpRequest, group_id: int, membership_id: int) -> HttpResponse:
    group = group_get_for_user(user=request.user, group_id=group_id)
    membership = membership_get_for_user(
        user=request.user, group=group, membership_id=membership_id
    )
    form = MembershipEndForm(request.POST or None)

    def save(data: dict[str, Any]) -> str:
        membership_end(by=request.user, membership=membership, **data)
        return _("%(name)s left the group.") % {"name": membership.participant.display_name}

    return _membership_page(
        request,
        group=group,
        membership=membership,
        form=form,
        save=save,
        heading=_("End her membership"),
    )


@require_http_methods(["GET", "POST"])
@editor_required
def member_move(request: HttpRequest, group_id: int, membership_id: int) -> HttpResponse:
    group = group_get_for_user(user=request.user, group_id=group_id)
    membership = membership_get_for_user(
        user=request.user, group=group, membership_id=membership_id
    )
    form = MembershipMoveForm(
        request.POST or None, groups=groups_to_move_to(group=group, user=request.user)
    )

    def save(data: dict[str, Any]) -> str:
        moved = membership_move(by=request.user, membership=membership, **data)
        return _("%(name)s moved to %(group)s.") % {
            "name": moved.participant.display_name,
            "group": moved.group.name,
        }

    return _membership_page(
        request,
        group=group,
        membership=membership,
        form=form,
        save=save,
        heading=_("Move her to another group"),
    )
