"""Booking a tuk-tuk trip from the page: the contracts of the trip's day, and the referral it serves."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tonle.referrals.models import Referral, ServiceKind
from tonle.referrals.tests.factories import ServiceProviderFactory
from tonle.transport.models import Trip
from tonle.transport.selectors import contracts_for_trip
from tonle.transport.tests.factories import ContractFactory


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def running(world, today):
    """A contract that runs from two months ago into next year."""
    return ContractFactory(
        project=world.project_a,
        starts_on=today - dt.timedelta(days=60),
        ends_on=today + dt.timedelta(days=365),
    )


@pytest.fixture
def ended(world, today):
    """A contract that ended a hundred days ago."""
    return ContractFactory(
        project=world.project_a,
        starts_on=today - dt.timedelta(days=400),
        ends_on=today - dt.timedelta(days=100),
    )


def _offered(client, world, **query):
    page = client.get(reverse("transport-trip-new", args=[world.woman_a.pk]), query)
    return set(page.context["form"].fields["contract"].queryset)


def test_the_trip_form_offers_the_contracts_running_on_the_day_of_the_trip(
    client, world, today, running, ended
):
    ContractFactory(project=world.project_b, starts_on=today, ends_on=today)  # not her project
    ContractFactory(  # begins next month
        project=world.project_a,
        starts_on=today + dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=90),
    )
    client.force_login(world.officer_a)

    assert _offered(client, world) == {running}
    past_day = today - dt.timedelta(days=200)
    assert _offered(client, world, date=past_day.isoformat()) == {ended}
    assert set(contracts_for_trip(user=world.officer_a, on=today)) == {running}


def test_a_trip_saved_without_a_contract_says_to_choose_the_drivers_contract(
    client, world, today, running
):
    ContractFactory(project=world.project_a, starts_on=running.starts_on, ends_on=running.ends_on)
    client.force_login(world.officer_a)
    page = client.post(
        reverse("transport-trip-new", args=[world.woman_a.pk]),
        {"date": today.isoformat(), "from_village": world.village_a.pk,
         "to_provider": ServiceProviderFactory().pk, "distance_km": "4"},
    )  # fmt: skip
    errors = page.context["form"].errors["contract"]
    assert errors == ["Choose the driver's contract for the day of the trip."]
    assert "Choose the driver" in page.content.decode()
    assert not Trip.objects.exists()


def test_a_trip_booked_from_a_referral_is_preselected_and_linked_to_it(
    client, world, today, running
):
    provider = ServiceProviderFactory()
    # An id of four digits, as most of the demo's have: it must reach the form as it is.
    referral = Referral.objects.create(
        pk=1695, participant=world.woman_a, project=world.project_a, provider=provider,
        service=ServiceKind.HEALTH_VISIT, reason="Check-up", consent_given=True,
        consent_date=today, sent_on=today, referred_by=world.officer_a,
    )  # fmt: skip
    url = reverse("transport-trip-new", args=[world.woman_a.pk])
    client.force_login(world.officer_a)

    form = client.get(url, {"referral": "1695"}).context["form"]
    assert (form["referral"].value(), form["to_provider"].value()) == (referral.pk, provider.pk)
    assert form["contract"].value() == running.pk  # the only contract of the day, chosen already

    response = client.post(
        f"{url}?referral=1695",
        {"contract": running.pk, "date": today.isoformat(), "from_village": world.village_a.pk,
         "to_provider": provider.pk, "referral": referral.pk, "distance_km": "4"},
    )  # fmt: skip
    trip = Trip.objects.get()
    assert trip.referral == referral and trip.fare == 6000
    assert response.url == reverse("referrals-detail", args=[referral.pk])
