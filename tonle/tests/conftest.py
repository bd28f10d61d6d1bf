"""The whole-site tests' world: every kind of record, each id above 12,000; and the reports'
indicator and closing report, for the tests of every export."""

from __future__ import annotations

import pytest

from tonle.lib.testing.crawl import Crawl, crawl_world_build, record_ids_start_at
from tonle.reports.tests.conftest import engaged, report

__all__ = ["crawl", "engaged", "report"]


@pytest.fixture
def crawl(db: None, settings, tmp_path, request) -> Crawl:
    settings.MEDIA_ROOT = tmp_path
    # Before the personas' world is built, so that its records' ids are large too.
    record_ids_start_at()
    return crawl_world_build(world=request.getfixturevalue("world"))
