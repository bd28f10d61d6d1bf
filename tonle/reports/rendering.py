"""A report made from its template: each section's text with its figures computed, and what is wrong.

Text is Markdown. `{{ engaged }}` puts the figure of the indicator coded "engaged" in the
text and `{{ engaged by district }}` its split; `{{ story 12 }}` a story of change. A
placeholder that names nothing, unbalanced Markdown, a bad photo or a story without consent
to publish is a problem of its section: the report still renders, the broken part marked,
and it cannot be issued until the problem is fixed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

import markdown
import nh3
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.urls import Resolver404, resolve, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from tonle.lib.suppression import too_small
from tonle.lib.templatetags.tonle import num
from tonle.outcomes.models import Story
from tonle.people.ages import age_band_code, age_on
from tonle.people.models import Sex
from tonle.programs.models import Activity, Attendance
from tonle.reports.models import ReportTemplate, Section, SectionKind
from tonle.results.disclosure import donor_figures
from tonle.results.framework import IndicatorFigures, framework_figures, plain_number
from tonle.results.grid import figure_and_splits, figure_ids
from tonle.results.indicators import DIMENSIONS, MEASURES, definition_check
from tonle.results.labels import labelled_split, split_labels, split_order, trend_columns
from tonle.results.models import IndicatorUnit

PLACEHOLDER = re.compile(r"\{\{\s*(?P<name>[^{}]*?)\s*\}\}")
FIGURE = re.compile(r"^(?P<code>[a-z0-9_-]+)(?:\s+by\s+(?P<dimension>[a-z_]+))?$")
STORY = re.compile(r"^story\s+(?P<id>\d+)$")
PHOTO_LIMIT = 10 * 2**20  # bytes; a phone photo is 2-5 MB


# What a section's finished HTML may hold: Markdown's tags, the figures' links and tables, and
# images only from Tonle's own photo views. Nothing in it may load from another site.
HTML_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "li", "mark", "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table",
    "tbody",
    "td", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
# data-figure names the figure a number is (its code, split and cell), for readers and tests.
HTML_ATTRIBUTES = {"a": {"href", "title", "data-figure"}, "abbr": {"title"}, "img": {"src", "alt"},
                   "mark": {"title"}, "th": {"colspan"}, "td": {"colspan", "data-figure"},
                   "span": {"data-figure"}}  # fmt: skip
HTML_CLASSES = {"a": {"figure-link"}, "table": {"split"}, "th": {"n"}, "td": {"n"},
                "mark": {"broken"}, "blockquote": {"story"}, "p": {"story-title", "story-fallback"}}  # fmt: skip
PHOTO_VIEWS = {"reports-section-photo", "reports-issued-photo", "outcomes-story-photo"}


def _own_photo(src: str) -> bool:
    """A path of one of Tonle's photo views (which check who may see it), and nothing else."""
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return False
    try:
        return resolve(parts.path).url_name in PHOTO_VIEWS
    except Resolver404:
        return False


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if _own_photo(value) else None
    return value


def html_clean(html: str) -> SafeString:
    """One pass over a section's finished HTML, figures and stories in: only the allowed tags,
    no script, no event handler, no style, no image from elsewhere."""
    return mark_safe(
        nh3.clean(
            html, tags=HTML_TAGS, attributes=HTML_ATTRIBUTES, allowed_classes=HTML_CLASSES,
            attribute_filter=_attribute_filter, url_schemes={"http", "https", "mailto"},
        )
    )  # fmt: skip


@dataclass
class Figure:
    """One figure a report prints: an indicator's value, or its split by one dimension."""

    key: str  # "engaged" or "engaged by district"
    code: str
    dimension: str | None = None
    value: Any = None
    cells: dict[str, Any] = field(default_factory=dict)
    ids: list[int] | None = None  # the people behind it, kept when a report is issued
    error: str = ""


@dataclass
class RenderedSection:
    """A section ready to print, as plain data (so an issued report can keep it as it was)."""

    kind: str
    heading: str
    html: SafeString = field(default_factory=SafeString)
    problems: list[str] = field(default_factory=list)
    rows: list[Any] = field(default_factory=list)  # table rows of the kinds that have them
    photo_url: str = ""  # the view that serves it to those who may see the report
    photo_name: str = ""  # the file in storage, for the PDF
    section_id: int | None = None
    page: Any = None  # on the web page, the annex's rows one page at a time (lib.paging)

    def frozen(self) -> dict[str, Any]:
        return {"kind": self.kind, "heading": self.heading, "html": str(self.html),
                "rows": self.rows, "photo_name": self.photo_name}  # fmt: skip

    @classmethod
    def thawed(cls, data: dict[str, Any], *, photo_url: str = "") -> RenderedSection:
        """A frozen section, its HTML cleaned again (a report issued before today's rules)."""
        return cls(
            kind=data["kind"], heading=data["heading"], html=html_clean(data["html"]),
            rows=data["rows"], photo_name=data.get("photo_name", ""),
            photo_url=photo_url if data.get("photo_name") else "",
        )  # fmt: skip


@dataclass
class RenderedReport:
    template: ReportTemplate
    language: str
    sections: list[RenderedSection]
    figures: dict[str, Figure]
    indicators: list[dict[str, Any]]  # the framework's figures for the period, as plain rows
    activities: list[dict[str, Any]] = field(default_factory=list)  # annex 1
    people: list[list[Any]] = field(default_factory=list)  # annex 2, without names
    names: bool = True  # made for a reader who may see names (else no per-woman annex)

    @property
    def problems(self) -> list[tuple[str, str]]:
        return [(s.heading or s.kind, p) for s in self.sections for p in s.problems]


def markdown_problems(text: str) -> list[str]:
    """What is unbalanced in a text: code fences, emphasis, links, placeholders."""
    problems = []
    if text.count("```") % 2:
        problems.append(_("A block of code (```) is opened and never closed."))
    if text.count("{{") != text.count("}}"):
        problems.append(_("A placeholder is not closed: write it as {{ code }}."))
    for paragraph in re.split(r"\n\s*\n", text):
        if paragraph.count("**") % 2:
            problems.append(
                _("Bold text (**) is opened and never closed in: “%(start)s…”")
                % {"start": paragraph.strip()[:40]}
            )
        if paragraph.count("[") != paragraph.count("]"):
            problems.append(
                _("A link's brackets do not match in: “%(start)s…”")
                % {"start": paragraph.strip()[:40]}
            )
    return problems


def photo_problems(section: Section) -> list[str]:
    if not section.photo:
        return []
    try:
        if section.photo.size > PHOTO_LIMIT:
            return [
                _("The photo is %(size)s MB; the most a report takes is %(limit)s MB.")
                % {"size": section.photo.size // 2**20, "limit": PHOTO_LIMIT // 2**20}
            ]
        with section.photo.open("rb") as stream, Image.open(stream) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError):
        return [_("The photo is not an image Tonle can read (JPEG, PNG or WebP).")]
    return []


def _placeholders(template: ReportTemplate) -> set[str]:
    names = set()
    for section in template.sections.all():
        for text in (section.body_en, section.body_km):
            names.update(m.group("name") for m in PLACEHOLDER.finditer(text))
    return names


def report_figures(*, template: ReportTemplate, ids: bool = False) -> dict[str, Figure]:
    """Every figure the template's texts ask for, computed for its period."""
    indicators = {i.code: i for i in template.project.indicators.all()}
    period = {"start": template.starts_on, "end": template.ends_on}
    figures = {}
    for name in sorted(_placeholders(template)):
        match = FIGURE.match(name)
        if not match:
            continue
        code, dimension = match.group("code"), match.group("dimension")
        figure = Figure(key=name, code=code, dimension=dimension)
        figures[name] = figure
        indicator = indicators.get(code)
        if indicator is None or not indicator.definition:
            figure.error = _("No indicator has the code “%(code)s”.") % {"code": code}
            continue
        try:
            measure = definition_check(project=template.project, definition=indicator.definition)
            figure.value, splits = figure_and_splits(
                project=template.project, definition=indicator.definition,
                dimensions=[dimension] if dimension else [], **period,
            )  # fmt: skip
            figure.cells = splits.get(dimension, {}) if dimension else {}
            if ids and measure.person and not dimension:
                figure.ids = list(
                    figure_ids(project=template.project, definition=indicator.definition, **period)
                )
        except ValidationError as broken:
            figure.error = " ".join(broken.messages)
    return figures


def _figure_html(figure: Figure, *, names: bool, link: str | None, alone: bool) -> str:
    if figure.error:
        return _broken(figure.key, figure.error)
    if figure.dimension is None:
        if figure.value is None:
            return format_html(
                '<span class="muted" title="{}">–</span>',
                _("Fewer than 5, or hidden with one that is"),
            )
        if link:
            return format_html(
                '<a class="figure-link" href="{}" data-figure="{}:total">{}</a>',
                link, figure.code, num(figure.value),
            )  # fmt: skip
        return format_html('<span data-figure="{}:total">{}</span>', figure.code, num(figure.value))
    cells = [
        (label, "–" if v is None else format_html(
            '<span data-figure="{}:{}:{}">{}</span>', figure.code, figure.dimension, key, num(v)
        ))
        for key, label, v in labelled_split(figure.dimension, figure.cells, names)
    ]  # fmt: skip
    if alone:
        rows = "".join(
            format_html('<tr><th>{}</th><td class="n">{}</td></tr>', label, shown)
            for label, shown in cells
        )
        return format_html(
            '<table class="split"><thead><tr><th>{}</th><th class="n">{}</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            DIMENSIONS.get(figure.dimension, figure.dimension),
            _("People"),
            mark_safe(rows),
        )
    return "; ".join(format_html("{}: {}", label, shown) for label, shown in cells)


def _for_reader(
    figures: dict[str, Figure], donor: dict[str, IndicatorFigures] | None
) -> dict[str, Figure]:
    """The figures as the reader may see them: for a donor, the framework's protected ones."""
    if donor is None:
        return figures
    shown = {}
    for key, figure in figures.items():
        item = donor.get(figure.code)
        if figure.error or item is None or item.indicator.unit != IndicatorUnit.PEOPLE:
            shown[key] = figure
        elif figure.dimension:
            shown[key] = replace(
                figure, value=item.value, cells=item.splits.get(figure.dimension, {})
            )
        else:
            shown[key] = replace(figure, value=item.value)
    return shown


def donor_view(template: ReportTemplate, names: bool) -> dict[str, IndicatorFigures] | None:
    """The framework's figures for the report's period as a donor sees them (None: all shown)."""
    if names:
        return None
    figures = donor_figures(
        project=template.project, start=template.starts_on, end=template.ends_on
    )
    return {f.indicator.code: f for f in figures}


def _story_html(project_id: int, story_id: int) -> tuple[str, str]:
    story = Story.objects.filter(pk=story_id, project_id=project_id).first()
    if story is None:
        return "", _("No story of change has the number %(id)s.") % {"id": story_id}
    if not story.consent_to_publish:
        return "", _("Story %(id)s (“%(title)s”) has no consent to publish.") % {
            "id": story_id,
            "title": story.title,
        }
    title, text, fallback = story.told_in(get_language())
    html = format_html(
        '<blockquote class="story"><p class="story-title">{}</p>{}{}</blockquote>',
        title,
        format_html('<p class="story-fallback">{}</p>', story_fallback_note()) if fallback else "",
        mark_safe(markdown.markdown(text)),  # cleaned with the section it is put in
    )
    return html, ""


def story_fallback_note() -> str:
    """Said above a story printed in English in a Khmer report: it has no Khmer text yet."""
    return _("(in English: no Khmer text yet)")


def render_text(
    text: str,
    *,
    figures: dict[str, Figure],
    project_id: int,
    names: bool,
    links: dict[str, str],
) -> tuple[SafeString, list[str]]:
    """Markdown with its placeholders filled: (safe HTML, problems)."""
    problems = markdown_problems(text)
    replacements: dict[str, tuple[Figure | None, str]] = {}

    def hold(match: re.Match) -> str:
        token = f"TONLEPLACEHOLDER{len(replacements)}X"
        name = match.group("name")
        story = STORY.match(name)
        if story:
            html, problem = _story_html(project_id, int(story.group("id")))
            replacements[token] = (None, html or _broken(name, problem))
            if problem:
                problems.append(problem)
        elif name in figures:
            replacements[token] = (figures[name], "")
            if figures[name].error:
                problems.append(figures[name].error)
        else:
            problem = _("“%(name)s” is not a placeholder Tonle knows.") % {"name": name}
            problems.append(problem)
            replacements[token] = (None, _broken(name, problem))
        return token

    html = markdown.markdown(PLACEHOLDER.sub(hold, text), extensions=["tables"])
    for token, (figure, fixed) in replacements.items():
        alone = f"<p>{token}</p>" in html
        piece = fixed or _figure_html(figure, names=names, link=links.get(figure.key), alone=alone)
        html = html.replace(f"<p>{token}</p>", piece) if alone else html.replace(token, piece)
    # Cleaned once it is whole: what the figures and stories put in passes the same rules.
    return html_clean(html), problems


def _broken(name: str, problem: str) -> str:
    return format_html('<mark class="broken" title="{}">{{{{ {} }}}}</mark>', problem, name)


def activity_rows(template: ReportTemplate) -> list[Activity]:
    return list(
        Activity.objects.filter(
            project=template.project, date__range=(template.starts_on, template.ends_on)
        )
        .select_related("village", "activity_type", "topic")
        .annotate(attendees=Count("attendances"))
        .order_by("date", "id")
    )


def people_annex(template: ReportTemplate) -> list[tuple[str, str, int]]:
    """One row per woman or girl who took part: her community, age band and number of
    activities, and nothing that names her. Sorted by community and age band."""
    people = list(
        Attendance.objects.filter(
            activity__project=template.project,
            activity__date__range=(template.starts_on, template.ends_on),
            participant__sex=Sex.FEMALE,
        )
        .values("participant_id", "participant__village_id", "participant__birth_year")
        .annotate(activities=Count("id"))
        .order_by()
        .values_list(
            "participant_id", "participant__village_id", "participant__birth_year", "activities"
        )
    )
    bands = [
        age_band_code(age_on(on=template.ends_on, date_of_birth=None, birth_year=born))
        for _person, _village, born, _activities in people
    ]
    villages = split_labels("community", sorted({str(p[1]) for p in people}))
    band_labels = split_labels("age_band", sorted(set(bands)))
    ages = split_order("age_band", band_labels)
    rows = sorted(
        (villages.get(str(village), str(village)), ages.index(band), activities)
        for (_person, village, _born, activities), band in zip(people, bands, strict=True)
    )
    return [(village, band_labels[ages[band]], activities) for village, band, activities in rows]


def report_render(
    *,
    template: ReportTemplate,
    language: str,
    names: bool,
    figures: dict[str, Figure] | None = None,
    figure_links: dict[str, str] | None = None,
) -> RenderedReport:
    """The report in one language. `figures` comes from a snapshot when the report is issued."""
    with override(language):
        figures = report_figures(template=template) if figures is None else figures
        donor = donor_view(template, names)
        figures = _for_reader(figures, donor)
        links = figure_links if figure_links is not None else _live_links(template, figures, names)
        # The table prints each indicator's value only: no splits to count.
        indicators = indicator_rows(
            list(donor.values()) if donor is not None
            else framework_figures(project=template.project, start=template.starts_on,
                                   end=template.ends_on, split=False)
        )  # fmt: skip
        activities = [
            {
                "date": date_format(a.date, "SHORT_DATE_FORMAT"),
                "iso": a.date.isoformat(),
                "title": a.title,
                "type": a.activity_type.name,
                "topic": a.topic.name if a.topic else "",
                "community": a.village.name if a.village else "",
                "attendees": None if not names and too_small(a.attendees) else a.attendees,
            }
            for a in activity_rows(template)
        ]
        # One row per woman: never for a reader who sees no names, however anonymised.
        people = [list(row) for row in people_annex(template)] if names else []
        annexes = {SectionKind.ACTIVITIES: activities, SectionKind.PEOPLE: people,
                   SectionKind.INDICATORS: indicators}  # fmt: skip
        sections = []
        for section in template.sections.all():
            rendered = RenderedSection(
                kind=section.kind, heading=section.heading, section_id=section.pk
            )
            # Problems are checked in both languages: a report is issued in both.
            other = section.body_en if language == "km" else section.body_km
            body = (section.body_km if language == "km" else section.body_en) or other
            rendered.html, rendered.problems = render_text(
                body, figures=figures, project_id=template.project_id, names=names, links=links
            )
            if other and other != body:
                rendered.problems += render_text(
                    other, figures=figures, project_id=template.project_id, names=names,
                    links=links,
                )[1]  # fmt: skip
            rendered.problems += photo_problems(section)
            if section.photo and not rendered.problems:
                rendered.photo_name = section.photo.name
                rendered.photo_url = reverse("reports-section-photo", args=[section.pk])
            rendered.rows = annexes.get(section.kind) or _section_rows(
                section, template, names, rendered, donor
            )
            sections.append(rendered)
        return RenderedReport(
            template, language, sections, figures, indicators, activities, people, names
        )


def indicator_rows(figures: list[IndicatorFigures]) -> list[dict[str, Any]]:
    """The indicator table: each indicator with its baseline, target, value and progress.

    For a donor the figures come protected (donor_view): a small total is printed only when a
    manager released it for this report.
    """
    rows = []
    for item in figures:
        if not item.indicator.definition:
            continue
        rows.append({
            "code": item.indicator.code, "level": item.indicator.level,
            "level_label": str(item.indicator.get_level_display()), "name": item.indicator.name,
            "unit": str(item.indicator.get_unit_display()), "baseline": plain_number(item.indicator.baseline),
            "target": plain_number(item.target), "value": plain_number(item.value), "error": item.error,
            "progress": None if item.progress is None else round(100 * item.progress),
        })  # fmt: skip
    return rows


def _section_rows(
    section: Section,
    template: ReportTemplate,
    names: bool,
    rendered: RenderedSection,
    donor: dict[str, IndicatorFigures] | None,
) -> list[Any]:
    """The rows of a chart or of the stories."""
    if section.kind == SectionKind.CHART:
        indicator = template.project.indicators.filter(code=section.indicator).first()
        if indicator is None or not indicator.definition:
            rendered.problems.append(
                _("No indicator has the code “%(code)s”.") % {"code": section.indicator}
            )
            return []
        if donor is not None and indicator.code in donor:
            splits = donor[indicator.code].splits
        else:
            _value, splits = figure_and_splits(
                project=template.project, definition=indicator.definition, dimensions=["quarter"],
                start=template.starts_on, end=template.ends_on,
            )  # fmt: skip
        quarters = labelled_split("quarter", splits.get("quarter", {}), names)
        return [list(column) for column in trend_columns(quarters)]
    if section.kind == SectionKind.STORIES:
        stories = Story.objects.filter(
            project=template.project,
            consent_to_publish=True,
            written_on__range=(template.starts_on, template.ends_on),
        )
        rows = []
        for story in stories:
            title, text, fallback = story.told_in(get_language())
            rows.append({
                "title": title, "text": text, "photo_name": story.photo.name,
                "fallback": story_fallback_note() if fallback else "",
                "photo_url": reverse("outcomes-story-photo", args=[story.pk]) if story.photo else "",
            })  # fmt: skip
        return rows
    return []


def _live_links(
    template: ReportTemplate, figures: dict[str, Figure], names: bool
) -> dict[str, str]:
    """Each figure's link: the women behind it for those who see names, else its splits."""
    period = urlencode({"from": template.starts_on, "to": template.ends_on})
    slug = template.project.slug
    of_people = set()
    for indicator in template.project.indicators.all():
        measure = MEASURES.get(indicator.definition.get("measure", ""))
        if measure and measure.person:
            of_people.add(indicator.code)
    links = {}
    for key, figure in figures.items():
        if figure.error or figure.dimension:
            continue
        if names and figure.code in of_people:
            links[key] = (
                reverse("results-indicator-people", args=[slug, figure.code]) + "?" + period
            )
        else:
            framework = reverse("results-framework", args=[slug])
            links[key] = f"{framework}?{period}#indicator-{figure.code}"
    return links


def period_text(start: dt.date, end: dt.date) -> str:
    return f"{date_format(start, 'YEAR_MONTH_FORMAT')} – {date_format(end, 'YEAR_MONTH_FORMAT')}"
