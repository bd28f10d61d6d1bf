"""The drivers page: each driver with his latest months, read in the same few queries however
many drivers there are."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tonle.referrals.tests.factories import ServiceProviderFactory
from tonle.transport.models import Trip
from tonle.transport.tests.factories import ContractFactory


def _drivers_with_trips(world, count: int) -> list:
    provider = ServiceProviderFactory()
    contracts = ContractFactory.create_batch(count, project=world.project_a)
    Trip.objects.bulk_create(
        Trip(contract=c, driver=c.driver, date=dt.date(2023, month, 5), participant=world.woman_a,
             from_village=world.village_a, to_provider=provider, fare=1000 * month,
             recorded_by=world.officer_a)
        for c in contracts for month in (1, 2, 2, 3)
    )  # fmt: skip
    return contracts


def _queries_of_the_drivers_page(client, world) -> tuple[int, list]:
    client.force_login(world.officer_a)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("transport-drivers"))
    assert response.status_code == 200
    return len(captured), response.context["rows"]


def test_the_drivers_page_does_not_read_once_per_driver(client, world):
    _drivers_with_trips(world, 2)
    few, rows = _queries_of_the_drivers_page(client, world)
    assert len(rows) == 2
    _drivers_with_trips(world, 18)
    many, rows = _queries_of_the_drivers_page(client, world)
    assert len(rows) == 20
    assert many == few


def test_each_driver_shows_his_latest_months_newest_first_with_trips_and_totals(client, world):
    contract = _drivers_with_trips(world, 1)[0]
    _count, rows = _queries_of_the_drivers_page(client, world)
    (row,) = rows
    assert row.driver == contract.driver
    assert [(m.key, m.trips, m.total) for m in row.months] == [
        ("2023-03", 1, 3000),
        ("2023-02", 2, 4000),
        ("2023-01", 1, 1000),
    ]
