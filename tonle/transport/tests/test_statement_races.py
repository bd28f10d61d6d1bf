"""A driver's month: trips and its approval are written one at a time, and it is paid once."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from tonle.lib.testing.races import at_once, needs_waiting_connections
from tonle.referrals.tests.factories import ServiceProviderFactory
from tonle.transport import services
from tonle.transport.models import DriverPayment, Trip
from tonle.transport.services import payment_approve, payment_mark_paid, trip_record
from tonle.transport.tests.factories import ContractFactory

MARCH = dt.date(2023, 3, 1)


@pytest.fixture
def trip_fields(world):
    return {"by": world.officer_a, "contract": ContractFactory(project=world.project_a),
            "participant": world.woman_a, "from_village": world.village_a,
            "to_provider": ServiceProviderFactory()}  # fmt: skip


@pytest.fixture
def when_the_write_begins(monkeypatch):
    """Run `action` as the service's transaction opens: what another person's request,
    committed while this one waited for the driver's lock, would have done."""

    def arrange(action):
        done = []

        class Transactions:
            @staticmethod
            def atomic(*args, **kwargs):
                if not done:
                    done.append(True)
                    action()
                return transaction.atomic(*args, **kwargs)

        monkeypatch.setattr(services, "transaction", Transactions)

    return arrange


def _statement_agrees_with_its_trips(driver_id):
    payment = DriverPayment.objects.get(driver_id=driver_id, month=MARCH)
    trips = Trip.objects.filter(driver_id=driver_id, date__year=2023, date__month=3)
    assert (payment.trips, payment.total) == (trips.count(), sum(t.fare for t in trips))


def test_a_trip_whose_month_is_approved_while_it_waits_is_refused(
    world, trip_fields, when_the_write_begins
):
    trip_record(**trip_fields, date=dt.date(2023, 3, 3), distance_km=Decimal(4))
    driver_id = trip_fields["contract"].driver_id
    when_the_write_begins(
        lambda: payment_approve(by=world.manager, driver_id=driver_id, month=MARCH)
    )

    with pytest.raises(ValidationError) as refused:
        trip_record(**trip_fields, date=dt.date(2023, 3, 20), distance_km=Decimal(6))

    assert "already approved" in refused.value.message_dict["date"][0]
    _statement_agrees_with_its_trips(driver_id)


def test_a_trip_saved_while_the_month_is_being_approved_is_in_the_frozen_total(
    world, trip_fields, when_the_write_begins
):
    trip_record(**trip_fields, date=dt.date(2023, 3, 3), distance_km=Decimal(4))
    driver_id = trip_fields["contract"].driver_id
    when_the_write_begins(
        lambda: trip_record(**trip_fields, date=dt.date(2023, 3, 20), distance_km=Decimal(6))
    )

    payment = payment_approve(by=world.manager, driver_id=driver_id, month=MARCH)

    assert (payment.trips, payment.total) == (2, 15000)
    _statement_agrees_with_its_trips(driver_id)


@needs_waiting_connections
@pytest.mark.django_db(transaction=True)
def test_a_trip_and_the_approval_of_its_month_at_the_same_moment_keep_the_total_true(
    world, trip_fields
):
    trip_record(**trip_fields, date=dt.date(2023, 3, 3), distance_km=Decimal(4))
    driver_id = trip_fields["contract"].driver_id

    outcomes = at_once(
        lambda: payment_approve(by=world.manager, driver_id=driver_id, month=MARCH),
        lambda: trip_record(**trip_fields, date=dt.date(2023, 3, 20), distance_km=Decimal(6)),
    )

    assert isinstance(outcomes[0], DriverPayment)
    assert isinstance(outcomes[1], Trip | ValidationError)
    _statement_agrees_with_its_trips(driver_id)


@pytest.fixture
def approved(world, trip_fields):
    """March 2023 approved on the 1st of April."""
    trip_record(**trip_fields, date=dt.date(2023, 3, 3), distance_km=Decimal(4))
    payment = payment_approve(by=world.manager, driver_id=trip_fields["contract"].driver_id,
                              month=MARCH)  # fmt: skip
    DriverPayment.objects.filter(pk=payment.pk).update(
        approved_at=dt.datetime(2023, 4, 1, 9, tzinfo=dt.UTC)
    )
    payment.refresh_from_db()
    return payment


def test_marking_a_month_paid_records_who_and_keeps_the_history(world, approved):
    payment_mark_paid(by=world.manager, payment=approved, paid_on=dt.date(2023, 4, 10))

    approved.refresh_from_db()
    assert (approved.paid_on, approved.paid_by) == (dt.date(2023, 4, 10), world.manager)
    assert list(approved.history.order_by("history_id").values_list(
        "paid_on", "history_user__username")) == [
        (None, "manager"), (dt.date(2023, 4, 10), "manager"),
    ]  # fmt: skip


def test_a_second_paid_on_a_page_opened_before_the_first_is_refused_and_keeps_the_first_date(
    world, approved
):
    stale = DriverPayment.objects.get(pk=approved.pk)
    payment_mark_paid(by=world.manager, payment=approved, paid_on=dt.date(2023, 4, 10))

    with pytest.raises(ValidationError) as refused:
        payment_mark_paid(by=world.admin, payment=stale, paid_on=dt.date(2023, 5, 2))

    assert list(refused.value.message_dict) == ["paid_on"]
    approved.refresh_from_db()
    assert (approved.paid_on, approved.paid_by) == (dt.date(2023, 4, 10), world.manager)


def test_the_statement_page_says_when_a_second_paid_is_refused(client, world, approved):
    payment_mark_paid(by=world.manager, payment=approved, paid_on=dt.date(2023, 4, 10))
    client.force_login(world.manager)
    url = reverse("transport-paid", args=[approved.driver_id, "2023-03"])

    page = client.post(url, {"paid_on": "2023-05-02"}, follow=True)

    assert page.status_code == 200 and "already marked paid" in page.content.decode()
    approved.refresh_from_db()
    assert approved.paid_on == dt.date(2023, 4, 10)


def test_a_negative_distance_is_refused_by_the_service_with_the_field(trip_fields):
    with pytest.raises(ValidationError) as refused:
        trip_record(**trip_fields, date=dt.date(2023, 3, 3), distance_km=Decimal(-4))
    assert refused.value.message_dict["distance_km"] == ["A distance cannot be negative."]
    assert not Trip.objects.exists()


def test_a_negative_distance_on_the_booking_page_is_a_field_message_not_an_error_page(
    client, world, trip_fields
):
    client.force_login(world.officer_a)
    page = client.post(
        reverse("transport-trip-new", args=[world.woman_a.pk]),
        {"contract": trip_fields["contract"].pk, "date": "2023-03-03",
         "from_village": world.village_a.pk, "to_provider": trip_fields["to_provider"].pk,
         "distance_km": "-4"},
    )  # fmt: skip
    assert page.status_code == 200
    assert page.context["form"].errors["distance_km"] == ["A distance cannot be negative."]
    assert not Trip.objects.exists()


def test_the_database_refuses_a_negative_distance_whatever_writes_it(trip_fields):
    trip = trip_record(**trip_fields, date=dt.date(2023, 3, 3), distance_km=Decimal(4))
    with pytest.raises(IntegrityError), transaction.atomic():
        Trip.objects.filter(pk=trip.pk).update(distance_km=Decimal(-1))
