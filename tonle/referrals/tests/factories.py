"""Factories for providers."""

import factory

from tonle.geo.tests.factories import CommuneFactory
from tonle.referrals.models import ProviderKind, ServiceProvider


class ServiceProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceProvider

    name_en = factory.Sequence(lambda n: f"Health centre {n}")
    name_km = factory.Sequence(lambda n: f"មណ្ឌលសុខភាព{n}")
    kind = ProviderKind.HEALTH_CENTRE
    commune = factory.SubFactory(CommuneFactory)
