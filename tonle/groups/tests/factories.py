"""Factories for Smart Women groups."""

import datetime as dt

import factory

from tonle.groups.models import GroupMembership, SmartWomenGroup
from tonle.people.tests.factories import ParticipantFactory
from tonle.programs.models import OrganisationKind
from tonle.programs.tests.factories import OrganisationFactory, ProjectFactory


class SmartWomenGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SmartWomenGroup

    project = factory.SubFactory(ProjectFactory)
    village = factory.LazyAttribute(lambda g: g.project.communities.first())
    supervising_body = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.CCWC)
    started_on = dt.date(2022, 3, 1)
    name_en = factory.Sequence(lambda n: f"Smart Women {n}")
    name_km = factory.Sequence(lambda n: f"ស្ត្រីឆ្លាតវៃ{n}")


class GroupMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMembership

    group = factory.SubFactory(SmartWomenGroupFactory)
    participant = factory.SubFactory(
        ParticipantFactory, village=factory.LazyAttribute(lambda p: p.factory_parent.group.village)
    )
    started_on = dt.date(2022, 3, 1)
