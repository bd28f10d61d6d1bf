"""Ids are never localised: every page, in English and in Khmer, with every id above 12,000.

A number put into a URL, an attribute, a hidden input or JSON is read by a machine, not a
person: "12,345" or "១២៣៤៥" there breaks a link (`?referral=1,695` preselected nothing) or
submits a value no form can read. Every page every persona can open is read here, and every
machine-read attribute of it must be free of thousands separators and Khmer digits; every
link into the site must resolve.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.urls import Resolver404, resolve, reverse

from tonle.lib.testing.crawl import FIRST_ID, PERSONAS, site_urls
from tonle.people.models import Participant

LOCALISED = re.compile(r"\d,\d{3}|[០-៩]")
URL_ATTRIBUTES = {"href", "src", "action", "formaction"}
# Not Tonle's own pages: served as files, or by apps the crawl skips.
NOT_RESOLVED = ("/static/", "/media/", "/admin/", "/i18n/")


class _MachineValues(HTMLParser):
    """Collects (tag, attribute, value) of what machines read, and the JSON scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: list[tuple[str, str, str]] = []
        self.json: list[str] = []
        self._in_json = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        given = {name: value or "" for name, value in attrs}
        for name, value in given.items():
            machine = (
                name in URL_ATTRIBUTES
                or name.startswith(("data-", "hx-"))
                or (name == "value" and tag in ("option", "button"))
                or (name == "value" and tag == "input" and given.get("type") == "hidden")
            )
            if machine:
                self.values.append((tag, name, value))
        self._in_json = tag == "script" and given.get("type") == "application/json"

    def handle_data(self, data: str) -> None:
        if self._in_json:
            self.json.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in_json = False


def _problems(html: str) -> list[str]:
    parser = _MachineValues()
    parser.feed(html)
    found = []
    for tag, name, value in parser.values:
        if LOCALISED.search(value):
            found.append(f'<{tag} {name}="{value}">')
        if name in URL_ATTRIBUTES or name in ("hx-get", "hx-post"):
            path = urlsplit(value).path
            if value.startswith("/") and not path.startswith(NOT_RESOLVED):
                try:
                    resolve(path)
                except Resolver404:
                    found.append(f'<{tag} {name}="{value}">: no such page')
        if name == "hx-vals":
            try:
                json.loads(value)
            except ValueError:
                found.append(f"<{tag} hx-vals='{value}'>: not JSON")
    for text in parser.json:
        try:
            json.loads(text)
        except ValueError:
            found.append(f"JSON script {text[:80]!r}: not JSON")
    return found


@pytest.mark.parametrize("language", ["en", "km"])
def test_no_page_localises_an_id_in_a_link_an_attribute_an_input_or_json(client, crawl, language):
    assert min(Participant.objects.values_list("pk", flat=True)) >= FIRST_ID
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    problems: dict[str, set[str]] = {}
    read = 0
    for persona in PERSONAS:
        client.force_login(crawl.users[persona])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for url in site_urls(crawl, missing=False):
            response = client.get(url)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            read += 1
            if "<html" in response.content.decode()[:300]:
                assert f'<html lang="{language}">' in response.content.decode()[:300], url
            for problem in _problems(response.content.decode()):
                problems.setdefault(problem, set()).add(url)
    assert read > 100
    assert not problems, "\n".join(f"{p}  on {sorted(urls)[:3]}" for p, urls in problems.items())


@pytest.mark.parametrize("language", ["en", "km"])
def test_booking_a_trip_from_a_referral_preselects_that_referral(client, crawl, language):
    """The link was `?referral=12,345`: the referral was not chosen, the trip not linked."""
    referral_id = crawl.values["referral_id"][0]
    client.force_login(crawl.users["officer"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("referrals-detail", args=[referral_id]))
    (link,) = re.findall(r'href="([^"]*\?referral=[^"]*)"', page.content.decode())
    link = link.replace("&amp;", "&")
    assert parse_qs(urlsplit(link).query)["referral"] == [str(referral_id)]
    booking = client.get(link)
    assert booking.context["form"].initial["referral"].pk == referral_id
