"""Factories for reports."""

import datetime as dt

import factory

from tonle.programs.tests.factories import ProjectFactory
from tonle.reports.models import ReportTemplate, Section, SectionKind


class ReportTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportTemplate

    project = factory.SubFactory(ProjectFactory)
    slug = factory.Sequence(lambda n: f"report-{n}")
    name_en = "Closing report"
    name_km = "របាយការណ៍បិទគម្រោង"
    starts_on = dt.date(2023, 1, 1)
    ends_on = dt.date(2023, 12, 31)


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    template = factory.SubFactory(ReportTemplateFactory)
    order = factory.Sequence(lambda n: n)
    kind = SectionKind.TEXT
    heading_en = factory.Sequence(lambda n: f"Section {n}")
    heading_km = factory.Sequence(lambda n: f"ផ្នែក {n}")
    body_en = ""
    body_km = ""
