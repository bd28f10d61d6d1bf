"""DaysBetween: whole days between two dates, worked out in the database."""

import datetime as dt

import pytest
from django.db.models import Value

from tonle.accounts.models import User
from tonle.accounts.tests.factories import UserFactory
from tonle.lib.expressions import DaysBetween


@pytest.mark.parametrize(
    ("later", "earlier", "days"),
    [
        (dt.date(2024, 3, 1), dt.date(2023, 12, 25), 67),  # over a year end and a leap February
        (dt.date(2023, 3, 1), dt.date(2023, 2, 28), 1),
        (dt.date(2023, 4, 1), dt.date(2023, 4, 1), 0),
        (dt.date(2023, 4, 1), dt.date(2023, 4, 8), -7),
    ],
)
def test_days_between_two_dates_is_a_whole_number_of_days(db, later, earlier, days):
    UserFactory()
    annotated = User.objects.annotate(days=DaysBetween(Value(later), Value(earlier))).first()
    assert annotated.days == days
    assert isinstance(annotated.days, int)
