"""A PDF that fails says so in the reader's language; a reader may have only a few PDFs on the way."""

import logging

import pytest
from django.urls import reverse

from tonle.reports import tasks
from tonle.reports.models import RenderJob, RenderStatus
from tonle.reports.services import PDFS_AT_ONCE

FAILED_EN = "The PDF could not be made. Try again, or tell an administrator."


def test_a_failed_pdf_tells_the_reader_in_her_language_and_the_log_what_failed(
    client, world, report, monkeypatch, caplog, settings
):
    def broken(**_kwargs):
        raise RuntimeError("font cache of Sok Dara's report is corrupt")

    monkeypatch.setattr(tasks, "pdf_laid_out_apart", broken)
    job = RenderJob.objects.create(template=report, language="km", requested_by=world.donor)
    with caplog.at_level(logging.ERROR, logger="tonle.reports.tasks"), pytest.raises(RuntimeError):
        tasks.render_pdf.call(job.pk)
    job.refresh_from_db()
    assert job.status == RenderStatus.FAILED
    assert "Sok Dara" in caplog.text

    client.force_login(world.donor)
    english = client.get(reverse("reports-job", args=[job.pk])).content.decode()
    assert FAILED_EN in english and "Sok Dara" not in english and "RuntimeError" not in english
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "km"
    khmer = client.get(reverse("reports-job", args=[job.pk])).content.decode()
    assert "មិនអាចបង្កើត PDF បានទេ" in khmer and "Sok Dara" not in khmer


def test_a_reader_gets_three_pdfs_at_once_and_the_fourth_is_answered_on_the_same_page(
    client, world, report
):
    url = reverse("reports-render", args=["project-a", "closing"])
    client.force_login(world.manager)
    for _n in range(PDFS_AT_ONCE):
        assert client.post(url, {"lang": "en"}).status_code == 302
    refused = client.post(url, {"lang": "en"}, follow=True)

    assert refused.status_code == 200
    assert refused.redirect_chain[-1][0] == reverse("reports-page", args=["project-a", "closing"])
    assert "PDFs being made already" in refused.content.decode()
    assert RenderJob.objects.filter(requested_by=world.manager).count() == PDFS_AT_ONCE
    # Another reader is not held up by her, and a PDF that is done frees a place.
    client.force_login(world.donor)
    assert client.post(url, {"lang": "km"}).url.startswith("/reports/pdf/")
    RenderJob.objects.filter(requested_by=world.manager).update(status=RenderStatus.DONE)
    client.force_login(world.manager)
    assert client.post(url, {"lang": "en"}).url.startswith("/reports/pdf/")
