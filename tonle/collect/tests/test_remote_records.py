"""Times as remote servers and forms write them, and errors shown in the reader's language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from tonle.collect.remote.records import RemoteAuthError, parse_remote_time

PHNOM_PENH = dt.timezone(dt.timedelta(hours=7))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-01T09:15:00.123+07:00", dt.datetime(2024, 3, 1, 9, 15, 0, 123000, PHNOM_PENH)),
        ("2024-03-01T09:15:00+0700", dt.datetime(2024, 3, 1, 9, 15, tzinfo=PHNOM_PENH)),
        (
            "2024-03-01T09:15:00.000-04",
            dt.datetime(2024, 3, 1, 9, 15, tzinfo=dt.timezone(dt.timedelta(hours=-4))),
        ),
        ("2024-03-01T02:15:00.000Z", dt.datetime(2024, 3, 1, 2, 15, tzinfo=dt.UTC)),
        ("2024-03-01T02:15:00", dt.datetime(2024, 3, 1, 2, 15, tzinfo=dt.UTC)),
    ],
)
def test_a_time_keeps_its_offset(text: str, expected: dt.datetime) -> None:
    moment = parse_remote_time(text)
    assert moment == expected
    assert moment.utcoffset() == expected.utcoffset()


def test_a_time_without_offset_can_be_read_in_another_zone() -> None:
    moment = parse_remote_time("2024-03-01T09:15:00", naive=PHNOM_PENH)
    assert moment.utcoffset() == dt.timedelta(hours=7)


def test_a_time_that_is_not_one_is_refused() -> None:
    with pytest.raises(ValueError):
        parse_remote_time("yesterday")


def test_an_error_is_worded_in_the_language_it_is_read_in() -> None:
    error = RemoteAuthError(server="kf.kobotoolbox.org", status=401)
    with translation.override("en"):
        english = str(error)
    with translation.override("km"):
        khmer = str(error)
    assert "kf.kobotoolbox.org" in english
    assert "kf.kobotoolbox.org" in khmer
    assert english != khmer
