"""Every page as every role: no name outside the role's scope, every refusal logged, no 500.

The crawl walks the URL resolver, so a new page is visited without anyone listing it. Its
ids come from a world holding records inside and outside each persona's scope, plus an id
that exists nowhere (tonle/lib/testing/crawl.py); a new kind of id in a URL fails the test
until it is given values there. Which women each persona may see is written out by hand
there, not asked of the code.
"""

from __future__ import annotations

import io
import re

import openpyxl
import pytest

from tonle.accounts.models import AccessAction, AccessLog
from tonle.lib.testing.crawl import MISSING, PERSONAS, site_urls
from tonle.people.models import Participant

_CSRF = re.compile(r'(?<=CSRFToken": ")[^"]+|(?<=name="csrfmiddlewaretoken" value=")[^"]+')


def _text(response) -> str:
    kind = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheetml" in kind:
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
        )
    if kind.startswith(("text/", "application/json", "application/xml")):
        return body.decode("utf-8", errors="replace")
    return ""


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_shows_only_the_women_in_the_personas_scope(client, crawl, persona):
    user = crawl.users[persona]
    client.force_login(user)
    hidden = Participant.objects.exclude(pk__in=crawl.visible[persona])
    forbidden = [name for p in hidden for name in (p.name_latin, p.name_km)]
    visited = 0
    for url in site_urls(crawl):
        for method in ("get", "post"):
            refused_before = AccessLog.objects.filter(
                user=user, action=AccessAction.REFUSED
            ).count()
            response = getattr(client, method)(url)
            visited += 1
            assert response.status_code != 500, f"{method.upper()} {url}"
            if response.status_code in (403, 404):
                refused_after = AccessLog.objects.filter(
                    user=user, action=AccessAction.REFUSED
                ).count()
                assert refused_after == refused_before + 1, f"{method.upper()} {url}: not logged"
            if response.status_code == 200:
                text = _text(response)
                leaked = [name for name in forbidden if name in text]
                assert not leaked, f"{method.upper()} {url} shows {leaked} to {persona}"
    assert visited > 100


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
