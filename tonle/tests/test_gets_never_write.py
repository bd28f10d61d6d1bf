"""Reading never writes: every GET of the site, as every persona, only reads the records.

A reader that writes takes the database's write lock: on SQLite, whose transactions take it
at once, every manager opening a dashboard would queue behind every officer ticking
attendance (and they behind her), until someone meets "database is locked". So the
precomputed figures are kept in step by the background worker, never by a reader's request
(results/grid.py).

The only rows a GET may write are its own bookkeeping, named one by one in
tonle/lib/testing/queries.py: the access log and the reader's session row.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tonle.lib.testing.crawl import PERSONAS, site_urls
from tonle.lib.testing.queries import writes_of
from tonle.people.models import Participant
from tonle.people.services import participant_update
from tonle.results.models import IndicatorGrid
from tonle.results.services import results_catch_up


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_get_of_the_site_writes_anything_but_its_access_log(client, crawl, persona):
    # As a running site stands: the worker built the cells and grids, and a record changed
    # since, so every reader has something to catch up with.
    results_catch_up()
    woman = Participant.objects.filter(attendances__isnull=False).order_by("pk").first()
    participant_update(participant=woman, by=crawl.users["admin"], birth_year=1990)
    assert IndicatorGrid.objects.exists()
    client.force_login(crawl.users[persona])
    written = {}
    visited = 0
    for url in site_urls(crawl):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            if response.streaming:  # a download runs its queries as it is read
                b"".join(response.streaming_content)
        visited += 1
        if writes := writes_of(queries):
            written[url] = [sql[:160] for sql in writes]
    assert visited > 100
    assert not written, "\n".join(f"GET {url}: {sqls}" for url, sqls in written.items())


def test_the_check_sees_a_write_and_lets_the_access_log_through():
    """The test above can fail: an UPDATE is a write, the access log's INSERT is not."""

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
