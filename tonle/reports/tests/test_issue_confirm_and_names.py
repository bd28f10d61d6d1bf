"""Issuing asks her to confirm she checked the figures; a draft and an issued PDF download
under names that say which is which."""

import datetime as dt

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from tonle.reports.models import IssuedReport, RenderJob, RenderStatus
from tonle.reports.services import report_issue


def test_issuing_without_ticking_the_check_is_refused_with_a_clear_message(client, world, report):
    client.force_login(world.manager)
    page = client.get(reverse("reports-page", args=["project-a", "closing"])).content.decode()
    assert 'name="confirm"' in page and "I have checked the figures" in page

    refused = client.post(reverse("reports-issue", args=["project-a", "closing"]), follow=True)

    assert not IssuedReport.objects.exists()
    assert refused.redirect_chain[-1][0] == reverse("reports-page", args=["project-a", "closing"])
    assert "Tick “I have checked the figures” to issue the report" in refused.content.decode()

    issued = client.post(reverse("reports-issue", args=["project-a", "closing"]), {"confirm": "on"})
    assert issued.status_code == 302 and IssuedReport.objects.count() == 1


def _done(report, user, language, issued=None):
    job = RenderJob.objects.create(template=report, issued=issued, language=language,
                                   requested_by=user, status=RenderStatus.DONE, pages=1)  # fmt: skip
    job.pdf.save("made.pdf", ContentFile(b"%PDF-1.7\n"))
    return job


def _file_name(client, job):
    response = client.get(reverse("reports-job-pdf", args=[job.pk]))
    return response["Content-Disposition"]


def test_the_draft_and_the_issued_pdf_download_under_different_names(
    client, world, report, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    issued = report_issue(by=world.manager, template=report)
    IssuedReport.objects.filter(pk=issued.pk).update(
        issued_at=timezone.make_aware(dt.datetime(2024, 1, 15, 9, 30))
    )
    issued.refresh_from_db()
    client.force_login(world.manager)

    draft = _file_name(client, _done(report, world.manager, "km"))
    frozen = _file_name(client, _done(report, world.manager, "km", issued=issued))

    assert 'filename="closing-draft-km.pdf"' in draft
    assert 'filename="closing-issued-2024-01-15-km.pdf"' in frozen
