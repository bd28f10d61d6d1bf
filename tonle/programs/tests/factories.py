"""Factories for organisations, projects, activities and attendance."""

import datetime as dt

import factory

from tonle.geo.tests.factories import VillageFactory
from tonle.people.tests.factories import ParticipantFactory
from tonle.programs.models import (
    Activity,
    ActivityType,
    Attendance,
    Component,
    Organisation,
    OrganisationKind,
    Project,
    Topic,
)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name_en = factory.Sequence(lambda n: f"Organisation {n}")
    name_km = factory.Sequence(lambda n: f"អង្គការ{n}")
    kind = OrganisationKind.NGO


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"project-{n}")
    name_en = factory.Sequence(lambda n: f"Project {n}")
    name_km = factory.Sequence(lambda n: f"គម្រោង{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    starts_on = dt.date(2022, 1, 1)
    ends_on = dt.date(2030, 12, 31)

    @factory.post_generation
    def communities(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create:
            self.communities.set(extracted if extracted is not None else [VillageFactory()])


class ComponentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Component

    project = factory.SubFactory(ProjectFactory)
    code = factory.Sequence(lambda n: f"component-{n}")
    name_en = factory.Sequence(lambda n: f"Component {n}")
    name_km = factory.Sequence(lambda n: f"សមាសភាគ{n}")


class ActivityTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityType
        django_get_or_create = ["code"]

    code = "training"
    name_en = "Training"
    name_km = "វគ្គបណ្តុះបណ្តាល"


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["code"]

    code = "health-care"
    name_en = "Health care"
    name_km = "ការថែទាំសុខភាព"


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    project = factory.SubFactory(ProjectFactory)
    component = factory.SubFactory(ComponentFactory, project=factory.SelfAttribute("..project"))
    activity_type = factory.SubFactory(ActivityTypeFactory)
    topic = factory.SubFactory(TopicFactory)
    name_en = factory.Sequence(lambda n: f"Training {n}")
    date = dt.date(2023, 3, 15)
    village = factory.LazyAttribute(lambda a: a.project.communities.first())


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    activity = factory.SubFactory(ActivityFactory)
    participant = factory.SubFactory(
        ParticipantFactory,
        village=factory.LazyAttribute(lambda p: p.factory_parent.activity.village),
    )
