"""Report pages: who reads the report, who edits it, and where each figure leads."""

import pytest
from django.urls import reverse

from tonle.reports.models import Section, SectionKind
from tonle.reports.tests.factories import ReportTemplateFactory, SectionFactory
from tonle.results.services import indicator_save


@pytest.fixture
def report(world):
    template = ReportTemplateFactory(project=world.project_a, slug="closing")
    indicator_save(
        project=world.project_a, level="outcome", code="engaged", name_en="Women engaged",
        name_km="ស្ត្រីបានចូលរួម", definition={"measure": "people_attending"},
    )  # fmt: skip
    SectionFactory(template=template, heading_en="Introduction", body_en="{{ engaged }} women.")
    SectionFactory(template=template, heading_en="Outcomes", body_en="{{ nothing }}")
    return template


def _page(client, user, name, template, **query):
    client.force_login(user)
    return client.get(reverse(name, args=[template.project.slug, template.slug]), query)


def test_the_manager_sees_each_sections_problems_and_the_donor_sees_none(client, world, report):
    page = _page(client, world.manager, "reports-page", report).content.decode()
    assert "cannot be issued" in page and "<strong>Outcomes</strong>" in page
    page = _page(client, world.donor, "reports-page", report).content.decode()
    assert "cannot be issued" not in page


def test_a_figure_leads_to_the_women_behind_it_or_for_a_donor_to_its_splits(client, world, report):
    people = reverse("results-indicator-people", args=["project-a", "engaged"])
    assert people in _page(client, world.manager, "reports-page", report).content.decode()
    donor = _page(client, world.donor, "reports-page", report).content.decode()
    assert people not in donor and "#indicator-engaged" in donor


def test_a_report_of_another_project_is_refused(client, world, report):
    assert _page(client, world.officer_b, "reports-page", report).status_code in (403, 404)


def test_the_pdf_downloads_in_the_language_asked_for(client, world, report):
    response = _page(client, world.donor, "reports-pdf", report, lang="km")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith('closing-km.pdf"')


def test_only_managers_edit_the_sections_and_their_edits_are_kept(client, world, report):
    assert _page(client, world.officer_a, "reports-edit", report).status_code == 403
    sections = list(report.sections.all())
    form = {"form-TOTAL_FORMS": "3", "form-INITIAL_FORMS": "2", "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000"}  # fmt: skip
    for n, section in enumerate(sections):
        form.update({f"form-{n}-id": section.pk, f"form-{n}-order": n, f"form-{n}-kind": "text",
                     f"form-{n}-heading_en": section.heading_en, f"form-{n}-body_en": section.body_en})  # fmt: skip
    form["form-1-body_en"] = "Now fixed: {{ engaged }}."
    form["form-1-body_km"] = "ជួសជុលរួច៖ {{ engaged }}។"
    form.update({"form-2-order": "9", "form-2-kind": SectionKind.INDICATORS,
                 "form-2-heading_en": "Indicators"})  # fmt: skip
    client.force_login(world.manager)
    response = client.post(reverse("reports-edit", args=["project-a", "closing"]), form)
    assert response.status_code == 302
    assert Section.objects.get(pk=sections[1].pk).body_km == "ជួសជុលរួច៖ {{ engaged }}។"
    assert report.sections.count() == 3
    page = _page(client, world.manager, "reports-page", report).content.decode()
    assert "cannot be issued" not in page
