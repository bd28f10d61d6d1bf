"""A report from its template: figures computed into the text, each broken part named and marked."""

import datetime as dt
import io
import subprocess
from html.parser import HTMLParser

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from PIL import Image

from tonle.outcomes.services import story_write
from tonle.reports.models import SectionKind
from tonle.reports.rendering import report_render
from tonle.reports.services import (
    LocalFiles,
    issued_render,
    report_html,
    report_issue,
    report_pdf,
    report_xlsx,
)
from tonle.reports.tests.factories import SectionFactory


def _text(report_template, body_en, body_km="", **fields):
    return SectionFactory(template=report_template, body_en=body_en, body_km=body_km, **fields)


def test_a_placeholder_becomes_the_indicators_figure_and_its_split(report, world):
    _text(report, "We engaged **{{ engaged }} women**.\n\n{{ engaged by quarter }}",
          "យើងបានចូលរួមជាមួយស្ត្រី {{ engaged }} នាក់។")  # fmt: skip
    english = report_render(template=report, language="en", names=True)
    khmer = report_render(template=report, language="km", names=True)

    html = str(english.sections[0].html)
    assert "We engaged <strong><a" in html and ">6</a> women</strong>" in html
    assert '<table class="split">' in html and "Q1 2023" in html and "Q2 2023" in html
    assert ">៦</a>" in str(khmer.sections[0].html)
    assert english.problems == []


def test_a_broken_placeholder_is_named_with_its_section_and_marked_and_the_rest_renders(report):
    _text(report, "Fine: {{ engaged }}.", heading_en="Introduction")
    _text(report, "Typo: {{ engagd }} and {{ what is this }}.", heading_en="Outcomes")
    rendered = report_render(template=report, language="en", names=True)

    assert [s for s, _p in rendered.problems] == ["Outcomes", "Outcomes"]
    assert "engagd" in rendered.problems[0][1]
    assert '<mark class="broken"' in str(rendered.sections[1].html)
    assert ">6</a>" in str(rendered.sections[0].html)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("Some **bold text without an end.", "Bold"),
        ("```\ncode never closed", "code"),
        ("A [link without its end(http://x).", "brackets"),
        ("A figure {{ engaged } left open.", "placeholder"),
    ],
)
def test_unbalanced_markdown_is_a_problem_of_its_section(report, body, problem):
    _text(report, body, heading_en="Broken")
    (section, message), *_rest = report_render(template=report, language="en", names=True).problems
    assert section == "Broken" and problem in message


def test_a_problem_in_the_other_language_is_reported_too(report):
    _text(report, "All fine: {{ engaged }}.", "ខូច៖ {{ nothing }}", heading_en="Both")
    rendered = report_render(template=report, language="en", names=True)
    assert rendered.problems and "nothing" in rendered.problems[0][1]


def test_html_in_the_text_is_sanitised(report):
    _text(report, 'Hello <script>alert("x")</script><img src=x onerror=alert(1)>')
    html = str(report_render(template=report, language="en", names=True).sections[0].html)
    assert "<script" not in html and "onerror" not in html


def test_a_story_needs_consent_to_publish(report, world):
    fields = {"by": world.officer_a, "participant": world.woman_a, "project": world.project_a,
              "language": "en", "written_on": dt.date(2023, 6, 1)}  # fmt: skip
    shared = story_write(title="Her shop", text="She started a shop.", consent_to_publish=True,
                         **fields)  # fmt: skip
    private = story_write(title="Not to publish", text="Her private words.",
                          consent_to_publish=False, **fields)  # fmt: skip
    _text(
        report, f"{{{{ story {shared.pk} }}}}\n\n{{{{ story {private.pk} }}}}", heading_en="Stories"
    )
    SectionFactory(template=report, kind=SectionKind.STORIES, heading_en="All stories")
    rendered = report_render(template=report, language="en", names=True)

    assert "Her shop" in str(rendered.sections[0].html)
    assert "Her private words" not in str(rendered.sections[0].html)
    assert rendered.problems == [
        ("Stories", f"Story {private.pk} (“Not to publish”) has no consent to publish.")
    ]
    assert [s["title"] for s in rendered.sections[1].rows] == ["Her shop"]


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def test_a_photo_that_is_not_an_image_or_too_big_is_a_problem(report, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    good = SectionFactory(template=report, heading_en="Good photo")
    good.photo.save("good.png", ContentFile(_png()))
    bad = SectionFactory(template=report, heading_en="Not a photo")
    bad.photo.save("bad.png", ContentFile(b"this is not a picture"))
    huge = SectionFactory(template=report, heading_en="Huge photo")
    huge.photo.save("huge.png", ContentFile(_png() + b"\0" * (40 * 2**20)))
    rendered = report_render(template=report, language="en", names=True)

    assert [s for s, _p in rendered.problems] == ["Not a photo", "Huge photo"]
    assert "40 MB" in rendered.problems[1][1]
    pdf = report_pdf(report=rendered)  # the good photo is read from the media folder
    assert pdf.startswith(b"%PDF")


def test_the_pdf_reads_its_own_photos_and_nothing_else(report, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    shown = SectionFactory(template=report)
    shown.photo.save("shown.png", ContentFile(_png()))
    other = SectionFactory(template=report)  # a file in the media folder the report does not show
    other.photo.save("other.png", ContentFile(_png()))
    fetcher = LocalFiles(media={"/reports/sections/1/photo/": shown.photo.name})

    assert fetcher.fetch("file:///reports/sections/1/photo/").read() == _png()
    for url in ("https://example.org/tracker.png", "http://127.0.0.1/x.png", "file:///etc/passwd",
                f"file://{other.photo.path}", "file:///reports/sections/2/photo/",
                "file://example.org/reports/sections/1/photo/"):  # fmt: skip
        with pytest.raises(ValueError, match="Only the report's own photos"):
            fetcher.fetch(url)


def _pdf_text(pdf: bytes) -> str:
    done = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return done.stdout.decode()


def test_the_pdf_in_khmer_has_a_cover_contents_and_the_figures(report):
    _text(report, "We engaged {{ engaged }} women.", "យើងបានចូលរួមជាមួយស្ត្រី {{ engaged }} នាក់។",
          heading_en="Introduction", heading_km="សេចក្តីផ្តើម")  # fmt: skip
    SectionFactory(template=report, kind=SectionKind.INDICATORS, heading_en="Indicators",
                   heading_km="សូចនាករ")  # fmt: skip
    text = _pdf_text(report_pdf(report=report_render(template=report, language="km", names=False)))

    # pdftotext splits Khmer clusters with spaces; the shaping itself is checked by eye.
    assert "របាយការណ៍បិទគម្រោង" in text.replace(" ", "")  # the cover
    assert "៦ នាក់" in text and "២០២៣" in text
    assert text.count("\f") >= 3  # cover, contents, the sections


def test_the_workbook_has_the_indicators_and_the_annexes(report):
    workbook = load_workbook(io.BytesIO(report_xlsx(report=report_render(
        template=report, language="en", names=True))))  # fmt: skip
    assert workbook.sheetnames == ["Indicators", "Activities", "Participants"]
    indicators, _activities, people = (workbook[name] for name in workbook.sheetnames)
    assert indicators["A2"].value == "engaged" and indicators["G2"].value == 6
    assert people.max_row == 7  # a header and six women, without names
    assert indicators.freeze_panes == "A2"


def test_a_donors_workbook_has_no_participants_annex(report):
    workbook = load_workbook(io.BytesIO(report_xlsx(report=report_render(
        template=report, language="en", names=False))))  # fmt: skip
    assert workbook.sheetnames == ["Indicators", "Activities"]


def test_render_report_writes_the_file_and_names_a_missing_report(report, tmp_path):
    _text(report, "{{ engaged }} women.")
    out = tmp_path / "report.html"
    call_command("render_report", project=report.project.slug, template="closing", lang="km",
                 format="html", out=str(out), stdout=io.StringIO())  # fmt: skip
    assert "៦" in out.read_text()
    with pytest.raises(CommandError, match="nothing"):
        call_command("render_report", project=report.project.slug, template="nothing",
                     out=str(out))  # fmt: skip


HOSTILE = (
    '<img src="http://evil.example/x.png"> <script>alert(1)</script> '
    '<img src="x" onerror="alert(2)"> <iframe src="https://evil.example/"></iframe> '
    '<p style="background:url(https://evil.example/bg.png)">styled</p> '
    '<a href="javascript:alert(3)">js</a> <a href="https://ccdo.example/">our partner</a> '
    "![tracker](https://evil.example/pixel.gif)\n\n{{ engaged by community }} and {{ engaged by community }}"
)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, dict(attrs)))


def _without_anything_hostile(html: str) -> None:
    """No script, frame, style, event handler, or address elsewhere but the partner's link."""
    parser = _Tags()
    parser.feed(html)
    for tag, attributes in parser.tags:
        assert tag not in {"script", "iframe", "style", "b", "link", "object"}, tag
        assert not [name for name in attributes if name.startswith("on") or name == "style"]
        for name in ("src", "href"):
            address = attributes.get(name) or ""
            assert "evil" not in address and not address.startswith("javascript"), address


def test_a_sections_final_html_keeps_no_script_remote_image_or_injected_label(
    report, world, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path
    world.village_a.name_en = '<b>Kok</b><img src=x onerror="alert(4)">'
    world.village_a.save()
    _text(report, HOSTILE, heading_en="Hostile")
    shown = _text(report, "A photo of ours.")
    shown.photo.save("ours.png", ContentFile(_png()))
    rendered = report_render(template=report, language="en", names=True)
    html = str(rendered.sections[0].html)

    _without_anything_hostile(html)
    assert '<a href="https://ccdo.example/" rel="noopener noreferrer">our partner</a>' in html
    assert "&lt;b&gt;Kok&lt;/b&gt;" in html  # the label is shown as text, not as markup
    printed = report_html(report=rendered)
    _without_anything_hostile(printed.split("<body", 1)[1])

    # Nothing is asked of the network while the PDF is made: only the report's own photo.
    asked = []
    fetch = LocalFiles.fetch
    monkeypatch.setattr(LocalFiles, "fetch", lambda self, url, headers=None: (
        asked.append(url), fetch(self, url, headers))[1])  # fmt: skip
    report_pdf(report=rendered)
    assert asked == [f"file://{rendered.sections[1].photo_url}"]


def test_only_tonles_own_photo_views_may_be_images_in_a_sections_text(report):
    _text(report, "![ours](/reports/sections/1/photo/) ![theirs](/static/x.png) "
                  "![far](https://tonle.example/reports/sections/1/photo/)")  # fmt: skip
    html = str(report_render(template=report, language="en", names=True).sections[0].html)
    assert html.count("<img") == 3 and html.count("src=") == 1
    assert 'src="/reports/sections/1/photo/"' in html


def test_an_issued_reports_frozen_html_is_cleaned_again_when_shown(world, report):
    issued = report_issue(by=world.manager, template=report)
    issued.snapshot["languages"]["en"]["sections"] = [
        {"kind": "text", "heading": "Old", "html": '<p>ok</p><script>alert(1)</script>',
         "rows": [], "photo_url": "/media/reports/old.png", "photo_path": "/srv/old.png"}
    ]  # fmt: skip
    section = issued_render(issued=issued, language="en", names=True).sections[0]
    assert str(section.html) == "<p>ok</p>" and section.photo_url == ""
