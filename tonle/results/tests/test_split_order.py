"""Every split table prints its rows in their natural order, not in the order of their labels."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from tonle.people.tests.factories import ParticipantFactory
from tonle.programs.models import Attendance
from tonle.programs.tests.factories import ActivityFactory
from tonle.results.labels import split_order
from tonle.results.services import indicator_save

MONTHS = (1, 2, 10, 11, 12)


def test_months_and_quarters_are_in_date_order_across_years():
    months = ["2023-1", "2023-10", "2023-11", "2023-12", "2023-2", "2022-12"]
    assert split_order("month", months) == [
        "2022-12", "2023-1", "2023-2", "2023-10", "2023-11", "2023-12",
    ]  # fmt: skip
    assert split_order("quarter", ["2023-Q2", "2022-Q4", "2023-Q1"]) == [
        "2022-Q4", "2023-Q1", "2023-Q2",
    ]  # fmt: skip
    assert split_order("year", ["2023", "2022"]) == ["2022", "2023"]


def test_age_bands_are_in_age_order_with_the_unknown_last(settings):
    settings.TONLE_AGE_BANDS = [(5, 9), (10, 14), (15, None)]
    assert split_order("age_band", ["unknown", "15-", "10-14", "5-9"]) == [
        "5-9", "10-14", "15-", "unknown",
    ]  # fmt: skip


@pytest.fixture
def monthly(world):
    """Project A's indicator "engaged", with a woman in each of January, February, October,
    November and December 2023."""
    indicator_save(project=world.project_a, code="engaged", level="outcome", name_en="Engaged",
                   definition={"measure": "people_attending"})  # fmt: skip
    for month in MONTHS:
        activity = ActivityFactory(project=world.project_a, date=dt.date(2023, month, 5))
        Attendance.objects.create(
            activity=activity, participant=ParticipantFactory(village=world.village_a)
        )
    return world.project_a


def test_the_framework_page_and_its_exports_list_the_months_in_date_order(client, world, monthly):
    client.force_login(world.manager)
    url = reverse("results-framework", args=[monthly.slug])
    (item,) = client.get(url).context["figures"]
    (months,) = [table for table in item.tables if table["code"] == "month"]
    assert [key for key, _label, _value in months["cells"]] == [f"2023-{m}" for m in MONTHS]

    rows = list(
        csv.reader(io.StringIO(client.get(url, {"format": "csv"}).content.decode("utf-8-sig")))
    )
    assert [row[5] for row in rows if row[4] == "month"] == [f"2023-{m}" for m in MONTHS]
    book = openpyxl.load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content))
    cells = [row[5] for row in book.active.iter_rows(values_only=True) if row[4] == "month"]
    assert cells == [f"2023-{m}" for m in MONTHS]
