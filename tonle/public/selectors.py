"""Reads of the public site: what the public may see (live posts, stories with consent, the
figures of issued reports, protected), and the staff's lists of the site."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language

from tonle.geo.models import Commune
from tonle.lib.suppression import safe_pair, suppressed
from tonle.programs.models import Project
from tonle.public.models import Comment, CommentStatus, Post, PostStatus, Subscriber
from tonle.reports.models import IssuedReport
from tonle.reports.services import issued_public
from tonle.results.indicators import DIMENSIONS
from tonle.results.labels import labelled_split

# The splits the impact page draws, in this order (no finer than a commune: a district's
# figure, never a village's).
IMPACT_SPLITS = ("district", "age_band", "quarter")


def posts_live(*, now: dt.datetime | None = None) -> QuerySet[Post]:
    """The posts the public reads: published, their time come, and a story's only while the
    woman's consent to publish stands (withdrawn, it is gone at once, from pages and feed)."""
    now = now or timezone.now()
    return (
        Post.objects.filter(status=PostStatus.PUBLISHED)
        .filter(Q(publish_at__isnull=True) | Q(publish_at__lte=now))
        .filter(Q(story__isnull=True) | Q(story__consent_to_publish=True))
        .select_related("category", "story__participant__village__commune", "issued_report")
        .prefetch_related("tags")
        .order_by("-publish_at", "-id")
    )


def post_live_get(*, slug: str) -> Post:
    post = posts_live().filter(slug=slug).first()
    if post is None:
        raise Http404
    return post


def next_scheduled_post_at(*, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the next scheduled post appears: the public pages are built again then."""
    now = now or timezone.now()
    post = (
        Post.objects.filter(status=PostStatus.PUBLISHED, publish_at__gt=now)
        .order_by("publish_at")
        .only("publish_at")
        .first()
    )
    return post.publish_at if post else None


def comments_shown(*, post: Post) -> QuerySet[Comment]:
    """A post's approved comments: names and text only, never the email."""
    return post.comments.filter(status=CommentStatus.APPROVED).only(
        "name", "text", "sent_at", "post_id"
    )


def comments_to_moderate() -> QuerySet[Comment]:
    return Comment.objects.filter(status=CommentStatus.HELD).select_related("post")


def subscribers_rows() -> Iterator[list[Any]]:
    """Every subscriber with her consent as given, for the administrators' export."""
    for s in Subscriber.objects.order_by("email"):
        yield [s.email, s.get_status_display(), s.language, s.consent_text,
               timezone.localtime(s.consent_at).strftime("%Y-%m-%d %H:%M"),
               s.consent_address or "",
               timezone.localtime(s.confirmed_at).strftime("%Y-%m-%d %H:%M") if s.confirmed_at else "",
               timezone.localtime(s.ended_at).strftime("%Y-%m-%d %H:%M") if s.ended_at else "",
               s.bounce_reason]  # fmt: skip


# --- the impact page -----------------------------------------------------------------


@dataclass
class ImpactSplit:
    dimension: str
    label: str
    rows: list[tuple[str, Any, int]]  # (label, value or None, bar width in %)


@dataclass
class ImpactFigure:
    code: str
    name: str
    value: Any
    splits: list[ImpactSplit] = field(default_factory=list)


@dataclass
class ImpactPage:
    project: Project
    issued: IssuedReport | None
    figures: list[ImpactFigure]
    communes: list[str]


def issued_latest(*, project: Project) -> IssuedReport | None:
    return (
        IssuedReport.objects.filter(template__project=project)
        .select_related("template")
        .order_by("-issued_at", "-pk")
        .first()
    )


def public_projects() -> QuerySet[Project]:
    """The projects with an issued report: the ones whose figures the public may read."""
    return (
        Project.objects.filter(report_templates__issued__isnull=False).distinct().order_by("slug")
    )


def project_communes(*, project: Project) -> list[str]:
    """The communes the project works in: named at commune level, never a village."""
    return [
        c.name
        for c in Commune.objects.filter(villages__projects=project).distinct().order_by("code")
    ]


def _protected_for_public(
    totals: dict[str, Any], splits: dict[str, dict[str, dict[str, Any]]]
) -> set[tuple[str, str, str]]:
    """The figures of the page to hide, by the same rule donors get (lib.suppression), applied
    to everything the page shows together: no small figure, no small gap between two headline
    figures, no small cell worked out from its total (nor one a little short of it). A figure the report's donor was shown on
    purpose (a released small figure) is hidden here: the public gets no exception."""
    values: dict[tuple[str, str, str], Any] = {}
    hidden: set[tuple[str, str, str]] = set()
    relations = []
    for code, total in totals.items():
        values[(code, "", "")] = total
        if total is None:
            hidden.add((code, "", ""))
        for dimension, cells in splits.get(code, {}).items():
            keys = [(code, dimension, k) for k in cells]
            for key, value in zip(keys, cells.values(), strict=True):
                values[key] = value
                # A cell a little short of its total says how few are outside it (three
                # women came in the year but not in its third quarter).
                if value is None or (total and value and not safe_pair(total, value)):
                    hidden.add(key)
            relations.append([(code, "", ""), *keys])
    codes = list(totals)
    for a in codes:
        for b in codes:
            va, vb = values[(a, "", "")], values[(b, "", "")]
            if a < b and va and vb and not safe_pair(va, vb):
                hidden.add((a, "", "") if (va, a) < (vb, b) else (b, "", ""))
    return suppressed({k: v or 0 for k, v in values.items()}, relations, also=hidden)


def impact_page(*, project: Project) -> ImpactPage:
    """The project's figures as last issued, protected for the public, with their splits."""
    issued = issued_latest(project=project)
    communes = project_communes(project=project)
    if issued is None:
        return ImpactPage(project, None, [], communes)
    khmer = (get_language() or "en").startswith("km")
    # In the order of the report's table of indicators (its framework's order).
    order = [row["code"] for row in issued.snapshot["languages"]["en"]["indicators"]]
    frozen = {
        key: f
        for key, f in sorted(
            issued.snapshot["figures"].items(),
            key=lambda item: (order.index(item[0]) if item[0] in order else len(order), item[0]),
        )
        if f["dimension"] is None and f["ids"] is not None  # figures of people only
    }
    totals, splits = {}, {}
    for key, f in frozen.items():
        public = issued_public(f)
        totals[key] = public["value"]
        splits[key] = {d: c for d, c in (public["splits"] or {}).items() if d in IMPACT_SPLITS}
    hidden = _protected_for_public(totals, splits)
    figures = []
    for key, f in frozen.items():
        name = (f["name_km"] if khmer else f["name_en"]) or f["name_en"]
        value = None if (key, "", "") in hidden else totals[key]
        figure = ImpactFigure(key, name, value)
        if value is not None:
            for dimension in IMPACT_SPLITS:
                cells = splits[key].get(dimension)
                if not cells:
                    continue
                shown = {k: None if (key, dimension, k) in hidden else v for k, v in cells.items()}
                rows = labelled_split(dimension, shown, names=False)
                if all(v is None for _k, _l, v in rows):
                    continue  # every cell hidden: no chart of dashes
                highest = max((v or 0 for _k, _l, v in rows), default=0)
                figure.splits.append(ImpactSplit(dimension, str(DIMENSIONS[dimension]), [
                    (label, v, round(100 * (v or 0) / highest) if highest else 0)
                    for _k, label, v in rows
                ]))  # fmt: skip
        figures.append(figure)
    return ImpactPage(project, issued, figures, communes)
