"""Factories for cases."""

import datetime as dt

import factory

from tonle.cases.models import Case, CaseKind, Goal, SessionTopic


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    kind = CaseKind.COACHING
    opened_on = dt.date(2023, 1, 10)
    last_contact_on = factory.SelfAttribute("opened_on")
    consent_given = True
    consent_date = dt.date(2023, 1, 10)


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    case = factory.SubFactory(CaseFactory)
    description = factory.Sequence(lambda n: f"Goal {n}")


class SessionTopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionTopic
        django_get_or_create = ["code"]

    code = "goal-setting"
    name_en = "Goal-setting"
    name_km = "ការកំណត់គោលដៅ"
