"""Trips: a list of every trip the user may see, found by her name, the driver or the month; a
long monthly statement is paged on its page while its spreadsheet keeps every trip."""

import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tonle.people.tests.factories import ParticipantFactory
from tonle.referrals.tests.factories import ServiceProviderFactory
from tonle.transport.models import Trip
from tonle.transport.tests.factories import ContractFactory


@pytest.fixture
def contract(world):
    return ContractFactory(project=world.project_a)


def _trips(world, contract, *, woman, dates, fare=1000):
    provider = ServiceProviderFactory()
    return Trip.objects.bulk_create(
        Trip(contract=contract, driver=contract.driver, date=date, participant=woman,
             from_village=world.village_a, to_provider=provider, fare=fare, recorded_by=world.officer_a)
        for date in dates
    )  # fmt: skip


def test_a_long_statement_is_paged_on_its_page_and_whole_in_its_spreadsheet(
    client, world, contract
):
    march = [dt.date(2023, 3, 1 + n % 28) for n in range(130)]
    _trips(world, contract, woman=world.woman_a, dates=march)
    client.force_login(world.officer_a)
    url = reverse("transport-statement", args=[contract.driver.pk, "2023-03"])
    page = client.get(url)
    assert len(page.context["trips"]) == 100 and page.context["statement"].total == 130_000
    assert "Showing 1–100 of 130" in page.content.decode()
    assert len(client.get(url, {"page": "2"}).context["trips"]) == 30
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content)).active
    assert sheet.max_row == 1 + 130 + 1  # the header, every trip, the total


@pytest.mark.parametrize("typed", ["ចាន់ សុភា", "sophea"])
def test_trips_are_found_by_her_name_in_khmer_or_latin_letters(client, world, contract, typed):
    other = ParticipantFactory(village=world.village_a, name_latin="Keo Dara", name_km="កែវ ដារ៉ា")
    hers = _trips(world, contract, woman=world.woman_a, dates=[dt.date(2023, 3, 2)])
    _trips(world, contract, woman=other, dates=[dt.date(2023, 3, 3)])
    client.force_login(world.officer_a)
    assert list(client.get(reverse("transport-trips"), {"q": typed}).context["trips"]) == hers


def test_trips_are_filtered_by_driver_and_month_and_link_to_their_statement(
    client, world, contract
):
    other = ContractFactory(project=world.project_a)
    march = _trips(world, contract, woman=world.woman_a, dates=[dt.date(2023, 3, 31)])
    _trips(world, contract, woman=world.woman_a, dates=[dt.date(2023, 4, 1)])
    _trips(world, other, woman=world.woman_a, dates=[dt.date(2023, 3, 5)])
    client.force_login(world.officer_a)
    query = {"driver": contract.driver.pk, "month": "2023-03"}
    response = client.get(reverse("transport-trips"), query)
    assert list(response.context["trips"]) == march
    statement = reverse("transport-statement", args=[contract.driver.pk, "2023-03"])
    assert f'href="{statement}"' in response.content.decode()


def test_every_trip_is_reachable_a_page_at_a_time_with_the_count(client, world, contract):
    days = [dt.date(2023, 1, 1) + dt.timedelta(days=n) for n in range(201)]
    first_trip = _trips(world, contract, woman=world.woman_a, dates=days)[0]
    client.force_login(world.officer_a)
    last = client.get(reverse("transport-trips"), {"page": "5"})
    assert list(last.context["trips"]) == [first_trip]
    assert "Showing 201–201 of 201" in last.content.decode()


def test_the_trips_of_another_projects_women_are_not_listed(client, world, contract):
    _trips(world, contract, woman=world.woman_a, dates=[dt.date(2023, 3, 2)])
    client.force_login(world.officer_b)
    assert list(client.get(reverse("transport-trips")).context["trips"]) == []


def test_a_month_that_is_not_a_month_lists_every_trip(client, world, contract):
    _trips(world, contract, woman=world.woman_a, dates=[dt.date(2023, 3, 2)])
    client.force_login(world.officer_a)
    response = client.get(reverse("transport-trips"), {"month": "2023-13"})
    assert response.status_code == 200 and len(response.context["trips"]) == 1


def test_a_page_of_trips_costs_the_same_queries_however_many_there_are(client, world, contract):
    client.force_login(world.officer_a)
    _trips(world, contract, woman=world.woman_a, dates=[dt.date(2023, 3, 2)] * 3)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("transport-trips"))
    _trips(world, contract, woman=world.woman_a, dates=[dt.date(2023, 4, 2)] * 120)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("transport-trips"), {"page": "2"})
    assert len(many) == len(few)
