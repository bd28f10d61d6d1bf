"""Photos are served by views that check the record's scope: shown to those allowed, to no one else."""

import datetime as dt
import io
import subprocess

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from tonle.accounts.models import AccessAction, AccessLog
from tonle.outcomes.models import Story
from tonle.reports.models import SectionKind
from tonle.reports.rendering import report_render
from tonle.reports.services import report_issue, report_pdf
from tonle.reports.tests.factories import SectionFactory


def _png(colour: str = "teal") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def section(report, media):
    section = SectionFactory(template=report, heading_en="Her shop", body_en="She opened it.")
    section.photo.save("shop.png", ContentFile(_png()))
    return section


def _bytes(response) -> bytes:
    return b"".join(response.streaming_content)


def _refused_and_logged(client, user, url, record_type) -> None:
    client.force_login(user)
    assert client.get(url).status_code == 404
    assert AccessLog.objects.filter(
        user=user, action=AccessAction.REFUSED, record_type=record_type
    ).exists()


def test_a_reports_photo_is_served_to_its_projects_readers_and_to_no_one_else(
    client, world, section
):
    url = reverse("reports-section-photo", args=[section.pk])
    for reader in (world.manager, world.donor, world.officer_a):
        client.force_login(reader)
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        assert _bytes(response) == _png()
    _refused_and_logged(client, world.officer_b, url, "report-photo")
    # The same answer for a photo that does not exist: ids cannot be probed.
    assert client.get(reverse("reports-section-photo", args=[section.pk + 99])).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_the_report_page_shows_its_photo_and_the_pdf_embeds_it(client, world, section, tmp_path):
    client.force_login(world.donor)
    page = client.get(reverse("reports-page", args=["project-a", "closing"])).content.decode()
    src = reverse("reports-section-photo", args=[section.pk])
    assert f'<img class="photo" src="{src}"' in page and "/media/" not in page
    shown = client.get(src)
    assert shown.status_code == 200 and shown["Content-Type"].startswith("image/")

    pdf = report_pdf(report=report_render(template=section.template, language="en", names=False))
    (tmp_path / "report.pdf").write_bytes(pdf)
    listed = subprocess.run(["pdfimages", "-list", tmp_path / "report.pdf"], capture_output=True,
                            check=True)  # fmt: skip
    assert " 40    30 " in listed.stdout.decode()  # the 40 x 30 photo is in the PDF


def test_an_issued_report_keeps_the_photo_it_was_issued_with(client, world, section):
    issued = report_issue(by=world.manager, template=section.template)
    section.photo.save("new-shop.png", ContentFile(_png("orange")))
    client.force_login(world.donor)
    page = client.get(reverse("reports-issued", args=[issued.pk])).content.decode()
    src = reverse("reports-issued-photo", args=[issued.pk, 0])
    assert f'src="{src}"' in page
    assert _bytes(client.get(src)) == _png()
    _refused_and_logged(client, world.officer_b, src, "report-photo")
    client.force_login(world.donor)
    assert client.get(reverse("reports-issued-photo", args=[issued.pk, 5])).status_code == 404


@pytest.fixture
def story(world, media):
    story = Story.objects.create(
        participant=world.woman_a, project=world.project_a, title="Her shop", text="…",
        language="km", written_on=dt.date(2023, 6, 1), written_by=world.officer_a,
    )  # fmt: skip
    story.photo.save("her.png", ContentFile(_png()))
    return story


def test_a_story_photo_is_served_to_those_who_may_see_her_and_to_no_one_else(client, world, story):
    url = reverse("outcomes-story-photo", args=[story.pk])
    client.force_login(world.officer_a)
    response = client.get(url)
    assert response.status_code == 200 and _bytes(response) == _png()
    _refused_and_logged(client, world.officer_b, url, "story-photo")
    # Without her consent to publish, a donor of her project does not see it either.
    _refused_and_logged(client, world.donor, url, "story-photo")


def test_a_published_story_shows_its_photo_to_the_projects_donor_in_the_report(
    client, world, story, report
):
    story.consent_to_publish = True
    story.save()
    SectionFactory(template=report, kind=SectionKind.STORIES, heading_en="Stories")
    client.force_login(world.donor)
    page = client.get(reverse("reports-page", args=["project-a", "closing"])).content.decode()
    src = reverse("outcomes-story-photo", args=[story.pk])
    assert f'src="{src}"' in page
    shown = client.get(src)
    assert shown.status_code == 200 and shown["Content-Type"] == "image/png"
    _refused_and_logged(client, world.officer_b, src, "story-photo")
