"""Uploads over the limit are dropped while they stream in; photos lose their EXIF and bombs."""

import datetime as dt
import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tonle.lib.images import image_clean
from tonle.lib.testing.uploads import CountingHandler
from tonle.outcomes.models import Story
from tonle.programs.tests.factories import ActivityFactory
from tonle.reports.models import Section
from tonle.reports.tests.factories import ReportTemplateFactory

MB = 2**20


@pytest.fixture
def one_mb_limit(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TONLE_MAX_UPLOAD_BYTES = settings.FILE_UPLOAD_MAX_MEMORY_SIZE = MB
    settings.FILE_UPLOAD_HANDLERS = [
        "tonle.lib.uploads.UploadLimitHandler",
        "tonle.lib.testing.uploads.CountingHandler",
        *settings.FILE_UPLOAD_HANDLERS[1:],
    ]
    CountingHandler.reset()
    return MB


def _file(name: str, size: int) -> io.BytesIO:
    data = io.BytesIO(b"x" * size)
    data.name = name
    return data


def _refused(response, form_key: str, field: str) -> bool:
    form = response.context[form_key]
    forms = form.forms if hasattr(form, "forms") else [form]
    return (
        any(f.errors.get(field) == ["The file is larger than 1 MB."] for f in forms)
        and "The file is larger than 1 MB." in response.content.decode()
    )


def test_a_sheet_over_the_limit_is_dropped_while_it_streams_and_the_page_says_why(
    client, world, one_mb_limit
):
    activity = ActivityFactory(project=world.project_a)
    client.force_login(world.officer_a)
    response = client.post(
        reverse("programs-sheet-upload", args=[activity.pk]), {"sheet": _file("big.csv", 2 * MB)}
    )
    assert response.status_code == 200 and _refused(response, "upload_form", "sheet")
    # The handlers that keep a file (in memory or on disk) never got more than the limit.
    assert 0 < CountingHandler.most <= one_mb_limit


def test_a_story_photo_over_the_limit_is_dropped_while_it_streams(client, world, one_mb_limit):
    client.force_login(world.officer_a)
    response = client.post(
        reverse("outcomes-story-new", args=[world.woman_a.pk]),
        {"project": world.project_a.pk, "title": "Her shop", "text": "…", "language": "km",
         "written_on": "2023-06-01", "photo": _file("her.jpg", 2 * MB)},
    )  # fmt: skip
    assert response.status_code == 200 and _refused(response, "form", "photo")
    assert CountingHandler.most <= one_mb_limit and not Story.objects.exists()


def test_a_report_photo_over_the_limit_is_dropped_while_it_streams(client, world, one_mb_limit):
    template = ReportTemplateFactory(project=world.project_a, slug="closing")
    client.force_login(world.manager)
    response = client.post(
        reverse("reports-edit", args=["project-a", "closing"]),
        {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-MIN_NUM_FORMS": "0",
         "form-MAX_NUM_FORMS": "1000", "form-0-order": "1", "form-0-kind": "text",
         "form-0-heading_en": "Her shop", "form-0-photo": _file("shop.jpg", 2 * MB)},
    )  # fmt: skip
    assert response.status_code == 200 and _refused(response, "formset", "photo")
    assert CountingHandler.most <= one_mb_limit and not template.sections.exists()


def _jpeg_with_gps(size=(60, 40), orientation: int = 1) -> bytes:
    exif = Image.Exif()
    exif[0x0110] = "Phone X"  # camera model
    exif[0x0112] = orientation
    exif[0x8825] = {1: "N", 2: (13.0, 21.0, 44.0), 3: "E", 4: (103.0, 51.0, 36.0)}  # GPS
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def _png_claiming(width: int, height: int) -> bytes:
    """A small PNG file whose header says it is width x height: what a decompression bomb does."""
    buffer = io.BytesIO()
    Image.new("L", (1, 1)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


def test_a_photo_is_kept_upright_without_its_exif_or_gps(world):
    gps = _jpeg_with_gps(orientation=6)  # taken with the phone turned: to be rotated
    assert Image.open(io.BytesIO(gps)).getexif().get_ifd(0x8825)
    cleaned = image_clean(upload=SimpleUploadedFile("her.jpg", gps))
    with Image.open(cleaned) as kept:
        assert kept.format == "JPEG" and kept.size == (40, 60)
        assert not kept.getexif() and "exif" not in kept.info


def test_a_story_and_a_report_section_keep_their_photo_without_gps(
    client, world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.officer_a)
    client.post(
        reverse("outcomes-story-new", args=[world.woman_a.pk]),
        {"project": world.project_a.pk, "title": "Her shop", "text": "…", "language": "km",
         "written_on": "2023-06-01", "photo": SimpleUploadedFile("her.jpg", _jpeg_with_gps())},
    )  # fmt: skip
    ReportTemplateFactory(project=world.project_a, slug="closing")
    client.force_login(world.manager)
    client.post(
        reverse("reports-edit", args=["project-a", "closing"]),
        {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-MIN_NUM_FORMS": "0",
         "form-MAX_NUM_FORMS": "1000", "form-0-order": "1", "form-0-kind": "text",
         "form-0-heading_en": "Her shop",
         "form-0-photo": SimpleUploadedFile("shop.jpg", _jpeg_with_gps())},
    )  # fmt: skip
    for stored in (Story.objects.get().photo, Section.objects.get().photo):
        with stored.open("rb") as data, Image.open(data) as kept:
            assert not kept.getexif().get_ifd(0x8825) and not kept.getexif()


@pytest.mark.parametrize(("width", "height"), [(20_000, 20_000), (9_000, 9_000)])
def test_a_picture_too_large_to_decode_is_refused_before_it_is_decoded(width, height):
    bomb = SimpleUploadedFile("bomb.png", _png_claiming(width, height))
    with pytest.raises(ValidationError, match="too large"):
        image_clean(upload=bomb)


def test_an_image_bomb_is_refused_as_a_form_error(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.officer_a)
    response = client.post(
        reverse("outcomes-story-new", args=[world.woman_a.pk]),
        {"project": world.project_a.pk, "title": "Her shop", "text": "…", "language": "km",
         "written_on": dt.date(2023, 6, 1).isoformat(),
         "photo": SimpleUploadedFile("bomb.png", _png_claiming(20_000, 20_000))},
    )  # fmt: skip
    assert response.status_code == 200 and response.context["form"].errors["photo"]
    assert not Story.objects.exists()
