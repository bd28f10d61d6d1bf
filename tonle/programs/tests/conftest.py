"""Sign-in sheets are kept as files: each test keeps them in its own folder."""

import pytest


@pytest.fixture(autouse=True)
def _media_of_this_test(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
