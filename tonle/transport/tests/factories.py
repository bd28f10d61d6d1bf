"""Factories for drivers and contracts."""

import datetime as dt

import factory

from tonle.geo.tests.factories import CommuneFactory
from tonle.transport.models import Contract, Driver, FareRule


class DriverFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Driver

    name = factory.Sequence(lambda n: f"Driver {n}")
    vehicle = factory.Sequence(lambda n: f"SR 1A-{n:04d}")
    commune = factory.SubFactory(CommuneFactory)


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    driver = factory.SubFactory(DriverFactory)
    starts_on = dt.date(2023, 1, 1)
    ends_on = dt.date(2023, 12, 31)
    fare_rule = FareRule.PER_KM
    rate = 1500
    ceiling = 20000
