"""No English is left on a Khmer page: every interface string of every main page is translated."""

from __future__ import annotations

import html
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

from tonle.programs.tests.factories import ActivityFactory

_TAGS = re.compile(r"<(script|style)[^>]*>.*?</\1>|<[^>]+>", re.S)
_PLACEHOLDER = re.compile(r"%\([^)]*\)[sd]|%[sd]")


def _english_phrases() -> set[str]:
    """Every interface string in English, cut at its placeholders, that differs in Khmer."""
    catalogue = polib.pofile(
        str(Path(settings.LOCALE_PATHS[0]) / "km" / "LC_MESSAGES" / "django.po")
    )
    phrases = set()
    for entry in catalogue:
        if entry.msgstr and entry.msgstr == entry.msgid:
            continue
        for piece in _PLACEHOLDER.split(_TAGS.sub(" ", entry.msgid)):
            piece = piece.strip(" .:,;!?()“”\"'")
            # Short words ("F", "All") would match inside names and data; phrases will not.
            if len(piece) >= 12 and " " in piece:
                phrases.add(piece)
    return phrases


def _visible_text(content: bytes) -> str:
    return html.unescape(_TAGS.sub(" ", content.decode()))


@pytest.fixture
def khmer_client(client, world):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "km"
    client.force_login(world.officer_a)
    return client


def test_main_pages_in_khmer_show_no_english_interface_text(khmer_client, world):
    activity = ActivityFactory(project=world.project_a, name_km="វគ្គ")
    pages = [
        reverse("results-dashboard", args=[world.project_a.slug]),
        reverse("results-people", args=[world.project_a.slug, "total", "all"]),
        reverse("people-list") + "?q=a",
        reverse("people-detail", args=[world.woman_a.pk]),
        reverse("people-create"),
        reverse("programs-activities"),
        reverse("programs-activity", args=[activity.pk]),
        reverse("programs-activity-new", args=[world.project_a.slug]),
        reverse("groups-list"),
        reverse("groups-detail", args=[world.group_a.pk]),
        reverse("about"),
        "/no-such-page/",
        reverse("people-detail", args=[world.woman_b.pk]),  # refused: the 403 page
    ]
    phrases = _english_phrases()
    assert len(phrases) > 50
    for url in pages:
        response = khmer_client.get(url)
        assert response.status_code in {200, 403, 404}, url
        assert '<html lang="km">' in response.content.decode(), url
        text = _visible_text(response.content)
        left = sorted(phrase for phrase in phrases if phrase in text)
        assert not left, f"{url} shows English: {left}"


def test_a_bad_form_in_khmer_explains_the_error_in_khmer(khmer_client, world):
    response = khmer_client.post(
        reverse("people-create"), {"village": world.village_a.pk, "birth_year": "abc"}
    )
    errors = response.context["form"].errors
    assert "ឈ្មោះ" in errors["name_latin"][0]
    assert "ចំនួនគត់" in errors["birth_year"][0]


def test_the_check_finds_english_when_there_is_some(client, world):
    """The detector itself works: the same page in English is full of the phrases."""
    client.force_login(world.officer_a)
    text = _visible_text(
        client.get(reverse("results-dashboard", args=[world.project_a.slug])).content
    )
    assert len([phrase for phrase in _english_phrases() if phrase in text]) >= 3


def test_a_report_in_khmer_shows_no_english_interface_text(client, world):
    """The report page, its editor and its print version (what the PDF is made from)."""
    from tonle.reports.models import SectionKind
    from tonle.reports.rendering import report_render
    from tonle.reports.services import report_html
    from tonle.reports.tests.factories import ReportTemplateFactory, SectionFactory

    template = ReportTemplateFactory(project=world.project_a, slug="closing")
    for kind in SectionKind.values:
        SectionFactory(template=template, kind=kind, body_km="អត្ថបទ {{ missing }}")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "km"
    client.force_login(world.manager)
    phrases = _english_phrases()
    texts = {
        url: _visible_text(client.get(url).content)
        for url in (
            reverse("reports-list", args=[world.project_a.slug]),
            reverse("reports-page", args=[world.project_a.slug, "closing"]),
            reverse("reports-edit", args=[world.project_a.slug, "closing"]),
        )
    }
    report = report_render(template=template, language="km", names=False)
    texts["print"] = _visible_text(report_html(report=report).encode())
    for where, text in texts.items():
        left = sorted(phrase for phrase in phrases if phrase in text)
        assert not left, f"{where} shows English: {left}"
