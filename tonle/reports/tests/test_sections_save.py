"""A report's sections are saved all or nothing, and every change is kept in their history."""

from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.urls import reverse

from tonle.reports.models import Section, SectionKind
from tonle.reports.services import sections_save
from tonle.reports.tests.factories import SectionFactory


@pytest.fixture
def sections(report):
    return [
        SectionFactory(template=report, heading_en="Introduction", body_en="Before."),
        SectionFactory(template=report, heading_en="Outcomes", body_en="To be removed."),
    ]


def _edit(sections, *, change_first: str, delete_second: bool, new_heading: str = "") -> dict:
    form = {"form-TOTAL_FORMS": "3", "form-INITIAL_FORMS": "2", "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000"}  # fmt: skip
    for n, section in enumerate(sections):
        form.update({f"form-{n}-id": section.pk, f"form-{n}-order": n, f"form-{n}-kind": "text",
                     f"form-{n}-heading_en": section.heading_en, f"form-{n}-body_en": section.body_en})  # fmt: skip
    form["form-0-body_en"] = change_first
    if delete_second:
        form["form-1-DELETE"] = "on"
    if new_heading:
        form.update({"form-2-order": "9", "form-2-kind": SectionKind.INDICATORS,
                     "form-2-heading_en": new_heading})  # fmt: skip
    return form


def test_section_edits_are_kept_in_the_history_with_the_manager_who_made_them(
    client, world, report, sections
):
    client.force_login(world.manager)
    form = _edit(sections, change_first="After.", delete_second=True, new_heading="Indicators")
    response = client.post(reverse("reports-edit", args=["project-a", "closing"]), form)
    assert response.status_code == 302
    kept = Section.history.filter(history_user=world.manager)
    assert set(kept.values_list("history_type", "heading_en")) == {
        ("~", "Introduction"),
        ("-", "Outcomes"),
        ("+", "Indicators"),
    }
    assert Section.history.get(history_type="~").body_en == "After."


def test_a_removal_that_fails_leaves_every_section_as_it_was(client, world, report, sections):
    client.force_login(world.manager)
    form = _edit(sections, change_first="After.", delete_second=True, new_heading="Indicators")
    with (
        mock.patch.object(Section, "delete", side_effect=DatabaseError("disk full")),
        pytest.raises(DatabaseError),
    ):
        client.post(reverse("reports-edit", args=["project-a", "closing"]), form)
    assert list(report.sections.values_list("heading_en", "body_en")) == [
        ("Introduction", "Before."),
        ("Outcomes", "To be removed."),
    ]


def test_a_section_of_another_report_is_refused_and_nothing_is_written(world, report, sections):
    other = SectionFactory(heading_en="Another report's")
    sections[0].body_en = "Changed."
    other.body_en = "Taken over."
    with pytest.raises(ValidationError):
        sections_save(by=world.manager, template=report, saved=[sections[0], other])
    assert Section.objects.get(pk=sections[0].pk).body_en == "Before."
    assert Section.objects.get(pk=other.pk).template_id != report.pk
    assert not Section.history.filter(history_user=world.manager).exists()
