"""A post as the public reads it: its Markdown made safe, a story with only what her consent
allows, an issued report's sections as they were issued (none of its staff links)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import markdown
import nh3
from django.urls import Resolver404, resolve, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import override

from tonle.outcomes.models import Story
from tonle.reports.models import IssuedReport, SectionKind
from tonle.reports.rendering import HTML_ATTRIBUTES, HTML_TAGS
from tonle.reports.services import issued_render

# Images only from the public site's own picture views; links anywhere, but never to a page
# of the staff's side (a report's figure links lead to the women behind the figure).
PUBLIC_IMAGES = {"public-post-image", "public-story-photo"}
STAFF_LINK = ("/reports/", "/results/", "/people/", "/outcomes/", "/cases/", "/referrals/",
              "/groups/", "/transport/", "/accounts/", "/admin/", "/public/")  # fmt: skip
BY_VILLAGE = ":community:"  # in a figure's data-figure="code:community:key"
STORY_QUOTE = re.compile(r'<blockquote class="story">.*?</blockquote>', re.DOTALL)
# Parts of an issued report the public gets: text, the table of indicators, the charts. Not its
# stories (shown as posts while her consent stands), not its annexes (villages, single rows).
PUBLIC_SECTIONS = {SectionKind.TEXT, SectionKind.INDICATORS, SectionKind.CHART}


def _public_image(src: str) -> bool:
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return False
    try:
        return resolve(parts.path).url_name in PUBLIC_IMAGES
    except Resolver404:
        return False


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if _public_image(value) else None
    if tag == "a" and attribute == "href":
        return (
            None
            if urlsplit(value).path.startswith(STAFF_LINK) and not urlsplit(value).netloc
            else value
        )
    return value


def public_html(html: str) -> SafeString:
    """HTML fit for the public site: the report's tags, no script, no style, no event handler,
    no image from elsewhere, no link into the staff's pages."""
    return mark_safe(
        nh3.clean(
            html, tags=HTML_TAGS, attributes=HTML_ATTRIBUTES,
            allowed_classes={"table": {"split"}, "th": {"n"}, "td": {"n"}},
            attribute_filter=_attribute_filter, url_schemes={"http", "https", "mailto"},
            link_rel="nofollow noopener noreferrer",
        )
    )  # fmt: skip


def markdown_html(text: str) -> SafeString:
    return public_html(markdown.markdown(text, extensions=["tables", "sane_lists"]))


@dataclass
class PublicSection:
    kind: str
    heading: str
    html: SafeString = field(default_factory=SafeString)
    rows: list[Any] = field(default_factory=list)


def report_sections(*, issued: IssuedReport, language: str) -> list[PublicSection]:
    """The issued report's public sections in a language, its figures as frozen when issued
    (as its donor read them: small figures hidden)."""
    with override(language):
        report = issued_render(issued=issued, language=language, names=False)
    sections = []
    for section in report.sections:
        if section.kind not in PUBLIC_SECTIONS:
            continue
        rows = report.indicators if section.kind == SectionKind.INDICATORS else section.rows
        html = STORY_QUOTE.sub("", str(section.html))
        if BY_VILLAGE in html:
            continue  # a split by community names villages: finer than the public may read
        html = public_html(html)
        sections.append(PublicSection(section.kind, section.heading, html, rows))
    return sections


@dataclass
class StoryShown:
    """A story as the public may read it: her name only when she agreed, her photo likewise."""

    title: str
    html: SafeString
    byline: str
    photo_url: str
    fallback: bool


def story_shown(*, story: Story, language: str) -> StoryShown:
    with override(language):
        title, text, fallback = story.told_in(language)
        person = story.participant
        village = person.village
        commune = village.commune.name if village else ""
        if story.consent_to_name:
            byline = _("%(name)s, %(commune)s commune") % {
                "name": person.name_km if language == "km" and person.name_km
                else person.name_latin, "commune": commune,
            }  # fmt: skip
        else:
            byline = _("A woman of %(commune)s commune") % {"commune": commune}
        photo = (
            reverse("public-story-photo", args=[story.pk])
            if story.photo and story.consent_to_photo
            else ""
        )
        return StoryShown(title, markdown_html(text), byline, photo, fallback)
