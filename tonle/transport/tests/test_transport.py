"""Tuk-tuk trips keep to their contract; a driver's month is a statement, approved then paid."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tonle.accounts.models import AccessAction, AccessLog
from tonle.referrals.tests.factories import ServiceProviderFactory
from tonle.transport.models import FareRule, Trip
from tonle.transport.services import payment_approve, trip_record
from tonle.transport.tests.factories import ContractFactory


@pytest.fixture
def contract(world):
    return ContractFactory(project=world.project_a)


@pytest.fixture
def trip_fields(world, contract):
    return {"by": world.officer_a, "contract": contract, "participant": world.woman_a,
            "from_village": world.village_a, "to_provider": ServiceProviderFactory()}  # fmt: skip


def test_a_trip_is_paid_by_the_kilometre_under_the_ceiling(trip_fields):
    trip = trip_record(**trip_fields, date=dt.date(2023, 3, 1), distance_km=Decimal("8.5"))
    assert trip.fare == 12750 and trip.driver == trip_fields["contract"].driver


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"date": dt.date(2024, 2, 1), "distance_km": Decimal(3)}, "date"),  # outside the contract
        (
            {"date": dt.date(2023, 3, 1), "distance_km": Decimal(20)},
            "distance_km",
        ),  # above the ceiling
        (
            {"date": dt.date(2023, 3, 1), "distance_km": Decimal(3), "participant": None},
            "participant",
        ),
    ],
)
def test_a_trip_that_breaks_the_contract_is_refused_with_the_reason(trip_fields, changes, field):
    with pytest.raises(ValidationError) as refused:
        trip_record(**{**trip_fields, **changes})
    assert field in refused.value.message_dict
    assert not Trip.objects.exists()


def test_a_per_trip_contract_pays_its_rate(world, trip_fields):
    contract = ContractFactory(
        project=world.project_a, fare_rule=FareRule.PER_TRIP, rate=8000, ceiling=10000
    )
    trip = trip_record(**{**trip_fields, "contract": contract}, date=dt.date(2023, 3, 1))
    assert trip.fare == 8000


def test_the_monthly_statement_page_and_spreadsheet_agree_and_approval_freezes_the_month(
    client, world, trip_fields
):
    for day, km in ((3, "4"), (17, "6")):
        trip_record(**trip_fields, date=dt.date(2023, 3, day), distance_km=Decimal(km))
    trip_record(**trip_fields, date=dt.date(2023, 4, 2), distance_km=Decimal(2))
    driver = trip_fields["contract"].driver
    client.force_login(world.officer_a)
    url = reverse("transport-statement", args=[driver.pk, "2023-03"])

    page = client.get(url)
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content)).active

    assert page.context["statement"].total == 15000 and len(page.context["statement"].trips) == 2
    assert [row[5] for row in sheet.iter_rows(min_row=2, values_only=True)] == [6000, 9000, 15000]
    assert AccessLog.objects.filter(action=AccessAction.EXPORT, user=world.officer_a).exists()
    payment = payment_approve(by=world.manager, driver_id=driver.pk, month=dt.date(2023, 3, 1))
    assert (payment.trips, payment.total) == (2, 15000)
    with pytest.raises(ValidationError):
        trip_record(**trip_fields, date=dt.date(2023, 3, 20), distance_km=Decimal(1))


@pytest.mark.parametrize("persona", ["donor", "mentor"])
def test_statements_with_names_are_refused_to_those_who_may_not_see_names(
    client, world, contract, persona
):
    client.force_login(getattr(world, persona))
    url = reverse("transport-statement", args=[contract.driver.pk, "2023-03"])
    assert client.get(url).status_code == 403
    assert client.get(url, {"format": "xlsx"}).status_code == 403


def test_a_field_officer_of_another_project_cannot_see_the_driver(client, world, contract):
    client.force_login(world.officer_b)
    assert (
        client.get(reverse("transport-statement", args=[contract.driver.pk, "2023-03"])).status_code
        == 404
    )


def test_only_managers_approve_and_pay_a_statement(client, world, trip_fields):
    trip_record(**trip_fields, date=dt.date(2023, 3, 3), distance_km=Decimal(4))
    driver = trip_fields["contract"].driver
    approve = reverse("transport-approve", args=[driver.pk, "2023-03"])
    paid = reverse("transport-paid", args=[driver.pk, "2023-03"])
    client.force_login(world.officer_a)
    assert client.post(approve).status_code == 403
    client.force_login(world.manager)
    client.post(approve)
    client.force_login(world.officer_a)
    assert client.post(paid, {"paid_on": "2023-04-10"}).status_code == 403
    payment = driver.payments.get()
    assert payment.paid_on is None
    client.force_login(world.manager)
    client.post(paid, {"paid_on": dt.date.today().isoformat()})
    payment.refresh_from_db()
    assert payment.paid_on == dt.date.today()


def test_a_drivers_statement_shows_only_the_trips_of_the_officers_projects(client, world, contract):
    """One driver under contract to two projects: officer A's statement holds project A's trip."""
    contract_b = ContractFactory(project=world.project_b, driver=contract.driver)
    trip_a = trip_record(by=world.officer_a, contract=contract, participant=world.woman_a,
                         from_village=world.village_a, to_provider=ServiceProviderFactory(),
                         date=dt.date(2023, 3, 1), distance_km=Decimal(2))  # fmt: skip
    trip_record(by=world.officer_b, contract=contract_b, participant=world.woman_b,
                from_village=world.village_b, to_provider=ServiceProviderFactory(),
                date=dt.date(2023, 3, 2), distance_km=Decimal(3))  # fmt: skip
    client.force_login(world.officer_a)
    url = reverse("transport-statement", args=[contract.driver_id, "2023-03"])
    page = client.get(url)
    assert page.context["statement"].trips == [trip_a]
    assert world.woman_b.name_latin not in page.content.decode()
    book = openpyxl.load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content))
    cells = [str(c) for row in book.active.iter_rows(values_only=True) for c in row]
    assert world.woman_a.display_name in cells
    assert not any(world.woman_b.name_latin in c for c in cells)
