"""Drivers and their contracts kept by an administrator: checked by the service, with history."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tonle.geo.tests.factories import CommuneFactory
from tonle.referrals.tests.factories import ServiceProviderFactory
from tonle.transport.models import Contract, Driver, FareRule
from tonle.transport.services import contract_save, trip_record
from tonle.transport.tests.factories import ContractFactory, DriverFactory


@pytest.fixture
def staff_admin(world):
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    return world.admin


def _contract(world, **changes):
    fields = {"driver": DriverFactory(), "project": world.project_a, "starts_on": dt.date(2024, 1, 1),
              "ends_on": dt.date(2024, 12, 31), "fare_rule": FareRule.PER_TRIP, "rate": 5000,
              "ceiling": 8000}  # fmt: skip
    return Contract(**{**fields, **changes})


def test_a_contract_is_saved_with_who_wrote_it(world):
    contract = contract_save(by=world.admin, contract=_contract(world))

    assert contract.history.get().history_user == world.admin


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_on": dt.date(2023, 12, 31)}, "ends_on"),
        ({"ceiling": 4000}, "ceiling"),
        ({"rate": 0}, "rate"),
    ],
)
def test_a_contract_that_breaks_its_own_rules_is_refused_naming_the_field(world, changes, field):
    with pytest.raises(ValidationError) as refused:
        contract_save(by=world.admin, contract=_contract(world, **changes))

    assert field in refused.value.message_dict
    assert not Contract.objects.exists()


def test_a_second_contract_of_the_driver_for_the_same_months_is_refused(world):
    first = contract_save(by=world.admin, contract=_contract(world))

    with pytest.raises(ValidationError) as refused:
        contract_save(by=world.admin, contract=_contract(world, driver=first.driver,
                                                         starts_on=dt.date(2024, 6, 1)))  # fmt: skip
    assert "starts_on" in refused.value.message_dict
    after = contract_save(by=world.admin, contract=_contract(world, driver=first.driver,
                          starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 12, 31)))  # fmt: skip
    assert after.pk


def test_a_contract_cannot_be_shortened_past_its_trips_nor_its_fare_changed(world):
    contract = ContractFactory(project=world.project_a)
    trip_record(by=world.officer_a, contract=contract, date=dt.date(2023, 9, 1),
                participant=world.woman_a, from_village=world.village_a,
                to_provider=ServiceProviderFactory(), distance_km=Decimal(2))  # fmt: skip

    contract.ends_on = dt.date(2023, 6, 30)
    with pytest.raises(ValidationError) as shortened:
        contract_save(by=world.admin, contract=contract)
    contract.ends_on, contract.rate = dt.date(2023, 12, 31), 2000
    with pytest.raises(ValidationError) as repriced:
        contract_save(by=world.admin, contract=contract)

    assert "ends_on" in shortened.value.message_dict
    assert "rate" in repriced.value.message_dict


def _driver_post(commune, **contract):
    return {
        "name": "Sok Chea", "phone": "012 345 678", "vehicle": "SR 1A-0001",
        "commune": commune.pk, "active": "on",
        "contracts-TOTAL_FORMS": "1" if contract else "0", "contracts-INITIAL_FORMS": "0",
        "contracts-MIN_NUM_FORMS": "0", "contracts-MAX_NUM_FORMS": "1000",
        **{f"contracts-0-{name}": value for name, value in contract.items()},
    }  # fmt: skip


def test_the_admin_adds_a_driver_with_a_contract_through_the_services(client, world, staff_admin):
    client.force_login(staff_admin)

    page = client.post(reverse("admin:transport_driver_add"), _driver_post(
        CommuneFactory(), project=world.project_a.pk, starts_on="2024-01-01",
        ends_on="2024-12-31", fare_rule="per_trip", rate="5000", ceiling="8000"))  # fmt: skip

    assert page.status_code == 302
    driver = Driver.objects.get(name="Sok Chea")
    assert driver.history.get().history_user == staff_admin
    assert driver.contracts.get().history.get().history_user == staff_admin


def test_the_admin_sees_a_contract_refused_beside_its_field_not_a_500(client, world, staff_admin):
    client.force_login(staff_admin)

    page = client.post(reverse("admin:transport_driver_add"), _driver_post(
        CommuneFactory(), project=world.project_a.pk, starts_on="2024-01-01",
        ends_on="2024-12-31", fare_rule="per_trip", rate="5000", ceiling="100"))  # fmt: skip

    assert page.status_code == 200
    assert "The ceiling per trip is below the fare of a trip." in page.content.decode()
    assert not Driver.objects.exists()


def test_the_admin_searches_drivers(client, world, staff_admin):
    DriverFactory(name="Sok Chea")
    client.force_login(staff_admin)

    page = client.get(reverse("admin:transport_driver_changelist"), {"q": "chea"})

    assert page.status_code == 200 and "Sok Chea" in page.content.decode()
