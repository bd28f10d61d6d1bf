"""Factories for places: a small made-up hierarchy, not the whole gazetteer."""

import factory

from tonle.geo.models import Commune, District, Province, Village


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ["code"]

    code = "17"
    name_en = "Siem Reap"
    name_km = "សៀមរាប"


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    province = factory.SubFactory(ProvinceFactory)
    code = factory.Sequence(lambda n: f"9{n:03d}")
    name_en = factory.Sequence(lambda n: f"District {n}")
    name_km = factory.Sequence(lambda n: f"ស្រុក{n}")


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune

    district = factory.SubFactory(DistrictFactory)
    code = factory.Sequence(lambda n: f"9{n:05d}")
    name_en = factory.Sequence(lambda n: f"Commune {n}")
    name_km = factory.Sequence(lambda n: f"ឃុំ{n}")


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village

    commune = factory.SubFactory(CommuneFactory)
    code = factory.Sequence(lambda n: f"9{n:07d}")
    name_en = factory.Sequence(lambda n: f"Village {n}")
    name_km = factory.Sequence(lambda n: f"ភូមិ{n}")
