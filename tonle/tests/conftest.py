"""The whole-site tests' world: every kind of record, each id above 12,000; and the reports'
indicator and closing report, for the tests of every export."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import override_settings

from tonle.conftest import world_build
from tonle.lib.testing.crawl import Crawl, crawl_world_build, record_ids_start_at
from tonle.reports.tests.conftest import engaged, report

__all__ = ["crawl", "crawl_shared", "engaged", "report"]


@pytest.fixture
def crawl(db: None, settings, tmp_path, request) -> Crawl:
    settings.MEDIA_ROOT = tmp_path
    # Before the personas' world is built, so that its records' ids are large too.
    record_ids_start_at()
    return crawl_world_build(world=request.getfixturevalue("world"))


@pytest.fixture(scope="module")
def crawl_shared(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Crawl]:
    """The crawl world built once for a module of tests that only read it or roll back.

    Building it takes a second or more; each of a module's tests gets it as built, as
    `crawl` would give it: the world is left uncommitted, and each test (marked django_db)
    runs in a savepoint inside it, rolled back after the test."""
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("crawl-media")),
        transaction.atomic(),
    ):
        record_ids_start_at()
        yield crawl_world_build(world=world_build())
        transaction.set_rollback(True)
