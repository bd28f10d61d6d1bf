"""Photos as Tonle keeps them: checked to be a picture of sane size, and stripped of EXIF and GPS."""

from __future__ import annotations

import io
import warnings
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from tonle.lib.uploads import upload_limit_text

# The formats a phone or a camera gives, and the extension each is stored under.
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def image_clean(*, upload: UploadedFile, longest_side: int | None = None) -> ContentFile:
    """The photo re-encoded from its pixels alone: turned upright as its EXIF said, and nothing
    else of its metadata kept (no GPS position, no camera, no date). Raises ValidationError for
    a file that is not a picture, or whose pixels would not fit in memory (a decompression bomb).
    With `longest_side`, a larger picture is scaled down to it (a phone on 3G reads the site).
    """
    if upload.size is not None and upload.size > settings.TONLE_MAX_UPLOAD_BYTES:
        raise ValidationError(upload_limit_text())
    not_a_picture = ValidationError(_("This file is not a picture."))
    too_large = ValidationError(
        _("The picture is too large: at most %(megapixels)s megapixels.")
        % {"megapixels": settings.TONLE_MAX_IMAGE_PIXELS // 1_000_000}
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as image:  # reads the header only
                if image.format not in FORMATS:
                    raise not_a_picture
                if image.width * image.height > settings.TONLE_MAX_IMAGE_PIXELS:
                    raise too_large
                image.verify()
            upload.seek(0)
            with Image.open(upload) as image:
                kind = image.format
                upright = ImageOps.exif_transpose(image)
                if longest_side:
                    upright.thumbnail((longest_side, longest_side))
                if kind == "JPEG" and upright.mode not in ("RGB", "L"):
                    upright = upright.convert("RGB")
                # Some encoders copy metadata from `info` (EXIF, XMP, text chunks): keep only
                # what draws the picture.
                upright.info = {k: v for k, v in upright.info.items() if k == "transparency"}
                buffer = io.BytesIO()
                upright.save(buffer, kind, **({"quality": 90} if kind != "PNG" else {}))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as bomb:
        raise too_large from bomb
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as broken:
        raise not_a_picture from broken
    stem = PurePath(upload.name or "photo").stem or "photo"
    return ContentFile(buffer.getvalue(), name=f"{stem}.{FORMATS[kind]}")
