"""Factories for participants."""

import datetime as dt

import factory

from tonle.geo.tests.factories import VillageFactory
from tonle.people.models import Participant, Sex
from tonle.people.services import participant_fill_keys


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    name_km = factory.Sequence(lambda n: f"សុខ ស្រី{n}")
    name_latin = factory.Sequence(lambda n: f"Sok Srey{n}")
    phone = ""
    sex = Sex.FEMALE
    birth_year = 1990
    village = factory.SubFactory(VillageFactory)
    consent_given = True
    consent_date = dt.date(2022, 1, 1)

    @classmethod
    def _create(
        cls, model_class: type[Participant], *args: object, **kwargs: object
    ) -> Participant:
        person = model_class(*args, **kwargs)
        participant_fill_keys(person)
        person.save()
        return person
