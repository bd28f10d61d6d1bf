"""The Khmer report reads in Khmer: its stories, its digits, its editor; and every reader sees
the PDF's progress in her own language."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from tonle.outcomes.services import story_write
from tonle.reports import tasks
from tonle.reports.models import RenderJob, RenderStatus, SectionKind
from tonle.reports.rendering import report_render
from tonle.reports.services import issued_render, report_html, report_issue
from tonle.reports.tests.factories import SectionFactory

NO_KHMER_YET = "(ជាភាសាអង់គ្លេស៖ មិនទាន់មានអត្ថបទជាភាសាខ្មែរនៅឡើយទេ)"
LATIN_DIGIT = re.compile(r"[0-9]")


def _story(world, **fields):
    return story_write(
        by=world.officer_a, participant=world.woman_a, project=world.project_a, language="en",
        written_on=dt.date(2023, 6, 1), consent_to_publish=True, title="Her shop",
        text="She started a shop.", **fields,
    )  # fmt: skip


def _with_stories(report, story):
    """A text section quoting the story, and the section of every published story."""
    SectionFactory(template=report, body_en=f"{{{{ story {story.pk} }}}}",
                   body_km=f"{{{{ story {story.pk} }}}}")  # fmt: skip
    SectionFactory(template=report, kind=SectionKind.STORIES)


def test_a_story_with_its_khmer_text_is_printed_in_khmer_in_the_khmer_report_and_pdf(world, report):
    story = _story(world, title_km="ហាងរបស់នាង", text_km="នាងបានបើកហាងមួយ។")
    _with_stories(report, story)

    khmer = report_render(template=report, language="km", names=False)
    quoted, listed = khmer.sections
    pdf = report_html(report=khmer)

    assert "នាងបានបើកហាងមួយ។" in str(quoted.html) and "She started" not in str(quoted.html)
    assert [(r["title"], r["text"], r["fallback"]) for r in listed.rows] == [
        ("ហាងរបស់នាង", "នាងបានបើកហាងមួយ។", "")
    ]
    assert "នាងបានបើកហាងមួយ។" in pdf and "She started" not in pdf and NO_KHMER_YET not in pdf
    english = report_render(template=report, language="en", names=False)
    assert "She started a shop." in str(english.sections[0].html)


def test_a_story_without_khmer_prints_its_english_marked_as_such_in_the_khmer_report(world, report):
    _with_stories(report, _story(world))

    khmer = report_render(template=report, language="km", names=False)
    pdf = report_html(report=khmer)

    assert NO_KHMER_YET in str(khmer.sections[0].html)
    assert khmer.sections[1].rows[0]["fallback"] == NO_KHMER_YET
    assert pdf.count(NO_KHMER_YET) == 2 and "She started a shop." in pdf
    english = report_html(report=report_render(template=report, language="en", names=False))
    assert "no Khmer text yet" not in english


def test_age_bands_of_the_annex_and_the_issued_date_are_in_khmer_digits(world, report, engaged):
    SectionFactory(template=report, kind=SectionKind.PEOPLE)

    khmer = report_render(template=report, language="km", names=True)
    bands = {band for _community, band, _count in khmer.sections[0].rows}
    assert "២៥–៣៤" in bands and not any(LATIN_DIGIT.search(band) for band in bands)

    issued = report_issue(by=world.manager, template=report)  # issued from an English page
    frozen = issued_render(issued=issued, language="km", names=True)
    assert not any(LATIN_DIGIT.search(band) for _c, band, _n in frozen.sections[0].rows)
    cover = re.search(r'<p class="issued">(.*?)</p>', report_html(report=frozen, issued=issued))
    assert cover and not LATIN_DIGIT.search(cover.group(1))


def test_the_pdf_step_is_stored_as_a_code_and_said_in_each_readers_language(
    client, world, report, monkeypatch, settings
):
    seen = []

    def layout(**_kwargs):
        seen.append(RenderJob.objects.get().step)
        raise RuntimeError("stop after the step is stored")

    monkeypatch.setattr(tasks, "pdf_laid_out_apart", layout)
    job = RenderJob.objects.create(template=report, language="km", requested_by=world.manager)
    with pytest.raises(RuntimeError):
        tasks.render_pdf.call(job.pk)
    assert seen == ["layout"]  # a code, not the worker's Khmer words

    RenderJob.objects.filter(pk=job.pk).update(
        status=RenderStatus.RUNNING, step="writing", pages=12
    )
    client.force_login(world.manager)
    english = client.get(reverse("reports-job", args=[job.pk])).content.decode()
    assert "Being made: Writing the PDF (12 pages)" in english and "កំពុង" not in english
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "km"
    khmer = client.get(reverse("reports-job", args=[job.pk])).content.decode()
    assert "កំពុងសរសេរ PDF (១២ ទំព័រ)" in khmer and "Writing the PDF" not in khmer


def test_the_editor_titles_each_section_in_the_language_of_the_page(
    client, world, report, settings
):
    SectionFactory(template=report, heading_en="Introduction", heading_km="សេចក្តីផ្តើម")
    SectionFactory(template=report, heading_en="Only in English", heading_km="")
    client.force_login(world.manager)
    url = reverse("reports-edit", args=["project-a", "closing"])

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "km"
    khmer = client.get(url).content.decode()
    assert "<legend>សេចក្តីផ្តើម</legend>" in khmer and "<legend>Introduction</legend>" not in khmer
    assert "<legend>Only in English</legend>" in khmer
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "<legend>Introduction</legend>" in client.get(url).content.decode()
