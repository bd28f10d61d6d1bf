"""The project dashboard of unique reach, and the lists of people behind its figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from pyroaring import BitMap

from tonle.accounts.decorators import names_required
from tonle.accounts.guards import guarded_get
from tonle.accounts.models import AccessAction
from tonle.accounts.services import access_log
from tonle.groups.models import GroupMembership
from tonle.lib.forms import add_service_errors, error_text
from tonle.lib.memo import reads_once
from tonle.lib.paging import page_of
from tonle.lib.spreadsheets import csv_response, xlsx_response
from tonle.lib.suppression import too_small
from tonle.people.models import Participant
from tonle.people.selectors import participants_visible_to
from tonle.programs.models import Project
from tonle.programs.selectors import project_get_for_user
from tonle.referrals.selectors import referral_counts
from tonle.results.disclosure import (
    donor_change,
    donor_figures,
    donor_reach,
    donor_side_by_side,
    periods_offered,
    reader_period,
)
from tonle.results.forms import IndicatorForm
from tonle.results.framework import CSV_HEADER, framework_figures, framework_table, lock_compare
from tonle.results.grid import figure_ids
from tonle.results.indicators import DIMENSIONS as INDICATOR_DIMENSIONS
from tonle.results.indicators import MEASURES
from tonle.results.labels import (
    OTHER,
    labelled_split,
    labels_of_splits,
    other_label,
    split_labels,
    trend_columns,
)
from tonle.results.models import PeriodLock
from tonle.results.reach import (
    DIMENSIONS,
    Cell,
    cell_label,
    dimension_label,
    reach_figures,
    reach_ids,
    reach_total,
)
from tonle.results.services import indicator_save, period_lock, target_set

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
    names = request.user.may_see_names
    total, counts = (figures.total, None) if names else donor_reach(figures=figures)
    splits = []
    for d in DIMENSIONS:
        cells = figures.splits[d.code]
        if counts is not None:
            # Hidden cells are not listed one by one (the row would say where the women are).
            cells = [replace(c, count=counts[d.code][c.key]) for c in cells]
            cells = [c for c in cells if c.count is not None] + (
                [Cell(key=OTHER, label=other_label(), count=None)]
                if any(c.count is None for c in cells) else []
            )  # fmt: skip
        splits.append(
            {
                "dimension": d,
                "cells": cells,
                "max": max((c.count or 0 for c in cells), default=0),
            }
        )
    referrals = asdict(referral_counts(project=project))
    if not names:
        referrals = donor_side_by_side(referrals)
    return render(
        request,
        "results/dashboard.html",
        {
            "project": project,
            "referrals": [
                ("closed", _("Closed"), referrals["closed"]),
                ("overdue", _("Overdue"), referrals["overdue"]),
                ("open", _("Open, not yet overdue"), referrals["open"]),
            ],
            "total": total,
            "splits": splits,
            "smart_women": smart_women if names or not too_small(smart_women) else None,
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
        {
            "project": project,
            "total": reach_total(project=project)
            if request.user.may_see_names
            else donor_reach(figures=reach_figures(project=project))[0],
        },
    )


def people_page(
    request: HttpRequest, project: Project, ids: BitMap, what: str, cell: str
) -> HttpResponse:
    """The list of women behind a figure; those outside the reader's scope are counted, not named."""
    figure = len(ids)
    if not request.user.sees_every_project:
        ids &= BitMap(participants_visible_to(user=request.user).values_list("id", flat=True))
    access_log(user=request.user, action=AccessAction.READ, record_type="people-list",
               record_id=project.slug, path=request.get_full_path())  # fmt: skip
    page = page_of(request, _PeopleByIds(ids), per_page=PAGE_SIZE)
    return render(
        request,
        "results/people.html",
        {
            "project": project,
            "page": page,
            "figure": figure,
            "withheld": figure - page.paginator.count,
            "dimension_label": what,
            "cell_label": cell,
        },
    )


class _PeopleByIds:
    """The people of a set of ids, page by page, in the order they were registered."""

    def __init__(self, ids: BitMap) -> None:
        self.ids = ids

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, window: slice) -> list[Participant]:
        wanted = list(self.ids[window])
        return list(
            Participant.objects.filter(pk__in=wanted).select_related("village").order_by("id")
        )


@require_GET
@names_required
def people_behind(request: HttpRequest, slug: str, dimension: str, key: str) -> HttpResponse:
    """The list behind a figure, read from its cell: its length is the figure.

    Names outside the user's scope are withheld and counted.
    """
    project = project_get_for_user(user=request.user, slug=slug)
    try:
        ids = reach_ids(project=project, dimension=dimension, key=key)
        label = dimension_label(dimension)
    except (ValueError, StopIteration) as unknown:
        raise Http404 from unknown
    return people_page(request, project, ids, label, cell_label(dimension=dimension, key=key))


def _period(request: HttpRequest, project: Project) -> tuple[dt.date, dt.date]:
    """The period asked for (?from=YYYY-MM-DD&to=...), else the project's whole period."""
    try:
        start = (
            dt.date.fromisoformat(request.GET.get("from", ""))
            if request.GET.get("from")
            else project.starts_on
        )
        end = (
            dt.date.fromisoformat(request.GET.get("to", ""))
            if request.GET.get("to")
            else project.ends_on
        )
    except ValueError as bad:
        raise Http404 from bad
    return start, end


@require_GET
@login_required
def framework(request: HttpRequest, slug: str) -> HttpResponse:
    """The results framework: each indicator against its target, with its splits."""
    project = project_get_for_user(user=request.user, slug=slug)
    names = request.user.may_see_names
    asked_start, asked_end = _period(request, project)
    start, end, snapped = reader_period(
        project=project, start=asked_start, end=asked_end, names=names
    )
    if snapped:
        messages.warning(
            request,
            _("Figures are shown for the reporting periods listed only: here, the whole project."),
        )
    lock = (
        PeriodLock.objects.filter(project=project, starts_on=start, ends_on=end)
        .select_related("locked_by")
        .first()
    )
    with reads_once():
        if names:
            figures = framework_figures(project=project, start=start, end=end)
        else:
            figures = donor_figures(project=project, start=start, end=end)
        if lock:
            lock_compare(figures=figures, lock=lock)
    wanted = request.GET.get("format")
    if wanted in {"csv", "xlsx"}:
        # The exports hold every cell, small ones too: for those who may see the records.
        if not names:
            raise PermissionDenied
        return _framework_export(project, figures, wanted, start, end)
    labels = labels_of_splits(item.splits for item in figures)
    for item in figures:
        item.tables = [
            {
                "code": code,
                "label": INDICATOR_DIMENSIONS[code],
                "cells": labelled_split(code, cells, names, labels[code]),
            }
            for code, cells in item.splits.items()
        ]
        if item.frozen and not names:
            item.frozen = donor_change(
                reported=item.frozen["value"], today=item.value, added=item.frozen["added"],
                removed=item.frozen["removed"],
            )  # fmt: skip
        quarters = next((t["cells"] for t in item.tables if t["code"] == "quarter"), [])
        item.trend = trend_columns(quarters)
    return render(
        request,
        "results/framework.html",
        {
            "project": project,
            "figures": figures,
            "start": start,
            "end": end,
            "drill": request.user.may_see_names,
            "may_edit": request.user.is_manager,
            "lock": lock,
            "periods": [] if names else periods_offered(project=project, start=start, end=end),
        },
    )


@require_POST
@login_required
def framework_lock(request: HttpRequest, slug: str) -> HttpResponse:
    """Freeze the figures of the period on the page (M&E manager)."""
    project = _framework_editor(request, slug)
    start, end = _period(request, project)
    try:
        period_lock(by=request.user, project=project, starts_on=start, ends_on=end)
    except ValidationError as refused:
        messages.error(request, error_text(refused))
    return redirect(f"{reverse('results-framework', args=[project.slug])}?from={start}&to={end}")


@require_GET
@names_required
def indicator_people_page(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """The women behind an indicator's figure, or behind one cell of its splits."""
    project = project_get_for_user(user=request.user, slug=slug)
    indicator = guarded_get(
        visible=project.indicators.all(), record_type="indicator", record_id=code, code=code
    )
    start, end = _period(request, project)
    dimension, key = request.GET.get("dimension") or None, request.GET.get("key")
    if dimension and not key:
        # A split with no cell of it named (a link cut short): there is no such list.
        raise Http404
    try:
        ids = figure_ids(
            project=project,
            definition=indicator.definition,
            where={dimension: key} if dimension else None,
            start=start,
            end=end,
        )
    except ValidationError as broken:
        raise Http404 from broken
    label = split_labels(dimension, [key]).get(key, key) if dimension else ""
    return people_page(request, project, ids, indicator.name, label)


def _framework_editor(request: HttpRequest, slug: str) -> Project:
    """The framework is edited by the M&E manager (and administrators); others are refused."""
    project = project_get_for_user(user=request.user, slug=slug)
    if not request.user.is_manager:
        raise PermissionDenied
    return project


@require_http_methods(["GET", "POST"])
@login_required
def indicator_edit(request: HttpRequest, slug: str, code: str | None = None) -> HttpResponse:
    """Define an indicator, or change one: what it counts, its filters, its target."""
    project = _framework_editor(request, slug)
    indicator = (
        guarded_get(
            visible=project.indicators.all(), record_type="indicator", record_id=code, code=code
        )
        if code
        else None
    )
    definition = indicator.definition if indicator else {}
    wanted = request.POST.get("measure") or request.GET.get("measure") or definition.get("measure")
    measure = MEASURES.get(wanted or "people_attending", MEASURES["people_attending"])
    initial = {}
    if indicator:
        target = indicator.targets.filter(
            starts_on=project.starts_on, ends_on=project.ends_on
        ).first()
        initial = {
            "name_en": indicator.name_en, "name_km": indicator.name_km, "code": indicator.code,
            "level": indicator.level, "parent": indicator.parent_id, "direction": indicator.direction,
            "position": indicator.position,
            "baseline": indicator.baseline, "target": target.value if target else None,
            "at_least": definition.get("at_least"),
            **{f"filter_{k}": v for k, v in (definition.get("filters") or {}).items()},
        }  # fmt: skip
    if request.method == "POST" and "save" not in request.POST:
        # Another measure was chosen: show its filters with everything typed so far.
        initial = {k: request.POST.getlist(k) if k.startswith("filter_") else request.POST.get(k)
                   for k in request.POST if k != "csrfmiddlewaretoken"}  # fmt: skip
    saving = request.method == "POST" and "save" in request.POST
    form = IndicatorForm(
        request.POST if saving else None, initial=initial, project=project, measure=measure
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                saved = indicator_save(
                    project=project, indicator=indicator, parent=data["parent"], code=data["code"],
                    level=data["level"],
                    name_en=data["name_en"], name_km=data["name_km"], direction=data["direction"],
                    baseline=data["baseline"], definition=form.definition(), unit=measure.unit,
                    position=data["position"],
                )  # fmt: skip
                if data["target"] is not None:
                    target_set(indicator=saved, starts_on=project.starts_on, ends_on=project.ends_on,
                               value=data["target"])  # fmt: skip
        except ValidationError as invalid:
            add_service_errors(form, invalid)
        else:
            return redirect(
                f"{reverse('results-framework', args=[project.slug])}#indicator-{saved.code}"
            )
    return render(
        request,
        "results/indicator_form.html",
        {"project": project, "form": form, "indicator": indicator},
    )


def _framework_export(
    project: Project, figures: list, wanted: str, start: dt.date, end: dt.date
) -> HttpResponse:
    """The framework's figures and splits as CSV or as a spreadsheet, like `manage.py indicators`."""
    name = f"{project.slug}-indicators-{start:%Y-%m}-{end:%Y-%m}"
    rows = framework_table(figures)
    if wanted == "csv":
        return csv_response(filename=f"{name}.csv", headers=CSV_HEADER, rows=rows)
    return xlsx_response(
        filename=f"{name}.xlsx", sheet_name="indicators", headers=CSV_HEADER, rows=rows,
        widths=[12, 12, 48, 12, 12, 12, 12, 12, 12],
    )  # fmt: skip
