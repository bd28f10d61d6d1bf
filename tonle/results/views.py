"""The project dashboard of unique reach, and the lists of people behind its figures."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tonle.accounts.decorators import names_required
from tonle.groups.models import GroupMembership
from tonle.people.selectors import participants_visible_to
from tonle.programs.selectors import project_get_for_user
from tonle.results.reach import (
    DIMENSIONS,
    cell_label,
    dimension_label,
    reach_figures,
    reach_people,
    reach_total,
)

PAGE_SIZE = 200


@require_GET
@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    project = project_get_for_user(user=request.user, slug=slug)
    figures = reach_figures(project=project)
    smart_women = (
        GroupMembership.objects.filter(group__project=project)
        .values("participant_id")
        .distinct()
        .count()
    )
    splits = [
        {
            "dimension": d,
            "cells": figures.splits[d.code],
            "max": max((c.count for c in figures.splits[d.code]), default=0),
        }
        for d in DIMENSIONS
    ]
    return render(
        request,
        "results/dashboard.html",
        {
            "project": project,
            "total": figures.total,
            "splits": splits,
            "smart_women": smart_women,
            "communities": project.communities.count(),
            "drill": request.user.may_see_names,
        },
    )


@require_GET
@login_required
def reach_badge(request: HttpRequest, slug: str) -> HttpResponse:
    project = project_get_for_user(user=request.user, slug=slug)
    return render(
        request,
        "results/_reach_badge.html",
        {"project": project, "total": reach_total(project=project)},
    )


@require_GET
@names_required
def people_behind(request: HttpRequest, slug: str, dimension: str, key: str) -> HttpResponse:
    """The list behind a figure. Its length is the figure; names outside the user's scope are withheld."""
    project = project_get_for_user(user=request.user, slug=slug)
    try:
        behind = reach_people(project=project, dimension=dimension, key=key)
        label = dimension_label(dimension)
    except (ValueError, StopIteration) as unknown:
        raise Http404 from unknown
    figure = behind.count()
    visible = (
        participants_visible_to(user=request.user)
        .filter(pk__in=behind.values("pk"))
        .select_related("village")
        .order_by("name_latin_key", "name_km_key", "id")
    )
    page = Paginator(visible, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "results/people.html",
        {
            "project": project,
            "page": page,
            "figure": figure,
            "withheld": figure - page.paginator.count,
            "dimension_label": label,
            "cell_label": cell_label(dimension=dimension, key=key),
        },
    )
