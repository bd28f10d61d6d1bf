"""Report pages: who reads the report, who edits it, and where each figure leads."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from tonle.reports.models import RenderJob, Section, SectionKind
from tonle.reports.tests.factories import SectionFactory


@pytest.fixture
def report(report):
    SectionFactory(template=report, heading_en="Introduction", body_en="{{ engaged }} women.")
    SectionFactory(template=report, heading_en="Outcomes", body_en="{{ nothing }}")
    return report


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


# The worker closes old connections between tasks, as a worker process should: the test's
# data must be committed, not held in the test's transaction.
@pytest.mark.django_db(transaction=True)
def test_the_pdf_is_made_in_the_background_and_then_downloads(client, world, report, settings,
                                                               tmp_path):  # fmt: skip
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.donor)
    started = client.post(reverse("reports-render", args=["project-a", "closing"]), {"lang": "km"})
    job = RenderJob.objects.get()
    assert started.url == reverse("reports-job", args=[job.pk])
    waiting = client.get(started.url)
    assert (
        'data-status="queued"' in waiting.content.decode()
        and "every 1s" in waiting.content.decode()
    )
    assert client.get(reverse("reports-job-pdf", args=[job.pk])).status_code == 404

    call_command("db_worker", batch=True, startup_delay=False, stdout=io.StringIO(),
                 stderr=io.StringIO())  # fmt: skip
    job.refresh_from_db()
    assert (job.status, job.progress, job.language) == ("done", 100, "km") and job.pages >= 3
    done = client.get(started.url, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-status="done"' in done and "every 1s" not in done
    pdf = client.get(reverse("reports-job-pdf", args=[job.pk]))
    assert (
        pdf["Content-Type"] == "application/pdf" and b"".join(pdf.streaming_content)[:4] == b"%PDF"
    )
    client.force_login(world.officer_b)  # another project's officer
    assert client.get(started.url).status_code in (403, 404)


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


def test_the_tables_download_as_one_workbook_or_one_csv_each(client, world, report):
    client.force_login(world.donor)
    url = reverse("reports-tables", args=["project-a", "closing"])
    workbook = client.get(url, {"lang": "km"})
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")
    table = client.get(url, {"lang": "km", "format": "csv", "table": 0})
    text = table.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("កូដ,") and "engaged" in text
    assert client.get(url, {"format": "csv", "table": 9}).status_code == 404
