"""Every page as every role, in English and in Khmer, read once for all that must hold of it:

- no name outside the role's scope, every refusal logged, no 500;
- a GET reads and never writes;
- no id is localised in a link, an attribute, a hidden input or JSON, and every link resolves.

The crawl walks the URL resolver, so a new page is visited without anyone listing it. Its
ids come from a world holding records inside and outside each persona's scope, plus an id
that exists nowhere (tonle/lib/testing/crawl.py); a new kind of id in a URL fails the test
until it is given values there. Which women each persona may see is written out by hand
there, not asked of the code. Every id there is above 12,000.

Why a GET must not write: a reader that writes takes the database's write lock. On SQLite,
whose transactions take it at once, every manager opening a dashboard would queue behind
every officer ticking attendance (and they behind her), until someone meets "database is
locked". So the precomputed figures are kept in step by the background worker, never by a
reader's request (results/grid.py). The only rows a GET may write are its own bookkeeping,
named one by one in tonle/lib/testing/queries.py: the access log and the reader's session row.

Why ids are never localised: a number put into a URL, an attribute, a hidden input or JSON is
read by a machine, not a person: "12,345" or "១២៣៤៥" there breaks a link (`?referral=1,695`
preselected nothing) or submits a value no form can read.

Each page is fetched once per language and every property is checked on that one answer,
rather than the site being crawled once per property.
"""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve, reverse

from tonle.accounts.models import AccessAction, AccessLog
from tonle.lib.testing.crawl import FIRST_ID, MISSING, PERSONAS, Crawl, site_urls
from tonle.lib.testing.queries import writes_of
from tonle.people.models import Participant
from tonle.people.services import participant_update
from tonle.results.models import IndicatorGrid
from tonle.results.services import results_catch_up

pytestmark = pytest.mark.django_db
_CSRF = re.compile(r'(?<=CSRFToken": ")[^"]+|(?<=name="csrfmiddlewaretoken" value=")[^"]+')
LOCALISED = re.compile(r"\d,\d{3}|[០-៩]")
URL_ATTRIBUTES = {"href", "src", "action", "formaction"}
# Not Tonle's own pages: served as files, or by apps the crawl skips.
NOT_RESOLVED = ("/static/", "/media/", "/admin/", "/i18n/")


@pytest.fixture
def crawl(crawl_shared: Crawl) -> Crawl:
    """One crawl world, built once for every test here; each rolls back what it changes."""
    return crawl_shared


def _text(kind: str, body: bytes) -> str:
    if "spreadsheetml" in kind:
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
        )
    if kind.startswith(("text/", "application/json", "application/xml")):
        return body.decode("utf-8", errors="replace")
    return ""


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


def _localised(html: str) -> list[str]:
    """What machines read on the page that is localised, not JSON, or a link to no page."""
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


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_as_the_persona_leaks_no_name_writes_nothing_and_localises_no_id(
    client, crawl, persona
):
    assert min(Participant.objects.values_list("pk", flat=True)) >= FIRST_ID
    # As a running site stands: the worker built the cells and grids, and a record changed
    # since, so every reader has something to catch up with.
    results_catch_up()
    woman = Participant.objects.filter(attendances__isnull=False).order_by("pk").first()
    participant_update(participant=woman, by=crawl.users["admin"], birth_year=1990)
    assert IndicatorGrid.objects.exists()
    user = crawl.users[persona]
    client.force_login(user)
    hidden = Participant.objects.exclude(pk__in=crawl.visible[persona])
    forbidden = [name for p in hidden for name in (p.name_latin, p.name_km)]
    problems: dict[str, list[str]] = {}  # what is wrong -> where
    html_read = {language: 0 for language, _name in settings.LANGUAGES}

    def refusals() -> int:
        return AccessLog.objects.filter(user=user, action=AccessAction.REFUSED).count()

    def answer(method: str, url: str, language: str | None = None) -> None:
        """Ask for the page and note everything wrong with the answer; a GET, every way."""
        if language:
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        else:
            client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
        where = f"{method.upper()} {url}" + (f" in {language}" if language else "")
        refused_before = refusals()
        with CaptureQueriesContext(connection) as queries:
            response = getattr(client, method)(url)
            # A download runs its queries as it is read.
            body = b"".join(response.streaming_content) if response.streaming else response.content
        if response.status_code == 500:
            problems.setdefault("500", []).append(where)
        if response.status_code in (403, 404) and refusals() != refused_before + 1:
            problems.setdefault("refusal not logged", []).append(where)
        if method == "get" and (writes := writes_of(queries)):
            problems.setdefault(f"wrote {[sql[:160] for sql in writes]}", []).append(where)
        if response.status_code != 200:
            return
        kind = response.get("Content-Type", "")
        if leaked := [name for name in forbidden if name in _text(kind, body)]:
            problems.setdefault(f"shows {leaked} to {persona}", []).append(where)
        if language and "text/html" in kind:
            html = body.decode()
            html_read[language] += 1
            if "<html" in html[:300] and f'<html lang="{language}">' not in html[:300]:
                problems.setdefault(f"not in {language}", []).append(where)
            for problem in _localised(html):
                problems.setdefault(problem, []).append(where)

    urls = list(site_urls(crawl))
    # Every GET first, on the world as it was built: a POST below may change it.
    for url in urls:
        for language in html_read:
            answer("get", url, language)
    for url in urls:
        answer("post", url)

    assert len(urls) > 100
    assert min(html_read.values()) > 10, html_read  # she reads pages, not only refusals
    assert not problems, "\n".join(f"{p}: {sorted(where)[:3]}" for p, where in problems.items())


def test_the_write_check_sees_a_write_and_lets_the_access_log_through():
    """The crawl's write check can fail: an UPDATE is a write, the access log's INSERT is not."""

    class Captured:
        captured_queries = [
            {"sql": 'UPDATE "results_reachstate" SET "caught_up_at" = 1'},
            {"sql": 'SELECT "id" FROM "results_indicatorgrid" WHERE 1 FOR UPDATE'},
            {"sql": 'INSERT INTO "accounts_accesslog" ("user_id") VALUES (1)'},
            {"sql": 'UPDATE "django_session" SET "expire_date" = 1'},
            {"sql": 'SELECT "updated_at" FROM "people_participant"'},
        ]

    assert writes_of(Captured()) == [
        'UPDATE "results_reachstate" SET "caught_up_at" = 1',
        'SELECT "id" FROM "results_indicatorgrid" WHERE 1 FOR UPDATE',
    ]


def test_the_localisation_check_sees_a_localised_id_and_a_link_to_no_page():
    """The crawl's id check can fail: a separator, a Khmer digit or a dead link is seen."""
    html = (
        '<a href="/people/12345/?referral=1,695">x</a><input type="hidden" value="១២៣">'
        '<a href="/no-such/">y</a><script type="application/json">{"id": 12345}</script>'
    )
    assert _localised(html) == [
        '<a href="/people/12345/?referral=1,695">',
        '<input value="១២៣">',
        '<a href="/no-such/">: no such page',
    ]


def test_a_record_out_of_scope_and_one_that_does_not_exist_get_the_same_answer(client, crawl):
    client.force_login(crawl.users["officer"])
    woman_b = crawl.values["participant_id"][1]
    outside = client.get(f"/people/{woman_b}/")
    missing = client.get(f"/people/{MISSING}/")
    assert outside.status_code == missing.status_code == 404

    def page(response, pk: int) -> str:
        # The CSRF token is masked afresh on every page; the rest must be the same.
        return _CSRF.sub("", response.content.decode()).replace(str(pk), "")

    assert page(outside, woman_b) == page(missing, MISSING)
    logged = AccessLog.objects.filter(user=crawl.users["officer"], action=AccessAction.REFUSED)
    assert {(e.record_type, e.record_id) for e in logged} == {
        ("participant", str(woman_b)),
        ("participant", str(MISSING)),
    }


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
