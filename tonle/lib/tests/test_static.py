"""The site-wide stylesheet and script are found by staticfiles, so pages are not unstyled."""

import pytest
from django.contrib.staticfiles import finders


@pytest.mark.parametrize(
    "name",
    [
        "tonle/app.css",
        "tonle/app.js",
        "django_htmx/htmx-2.min.js",
        "cases/counselling.js",
        "results/indicator_form.js",
    ],
)
def test_every_page_asset_is_found(name):
    assert finders.find(name), f"{name} is not found by the staticfiles finders"
