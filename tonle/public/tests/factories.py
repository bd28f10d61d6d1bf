"""Factories and helpers for the public site's tests."""

from __future__ import annotations

import datetime as dt
import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from tonle.accounts.tests.factories import UserFactory
from tonle.public.models import Category, Post, PostStatus


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    slug = factory.Sequence(lambda n: f"category-{n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")
    name_km = "ព័ត៌មាន"


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    slug = factory.Sequence(lambda n: f"post-{n}")
    title_en = factory.Sequence(lambda n: f"News {n}")
    title_km = "ព័ត៌មានថ្មី"
    body_en = "The women of Bakong met the commune council."
    body_km = "ស្ត្រីនៅបាគងបានជួបក្រុមប្រឹក្សាឃុំ។"
    status = PostStatus.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    created_by = factory.SubFactory(UserFactory)


def picture(*, width: int = 3000, height: int = 2000, gps: bool = True) -> SimpleUploadedFile:
    """A JPEG as a phone makes it: large, with EXIF naming where it was taken."""
    image = Image.new("RGB", (width, height), "teal")
    exif = Image.Exif()
    if gps:
        exif[0x8825] = {1: "N", 2: (13.0, 21.0, 0.0)}  # GPSInfo
        exif[0x010F] = "PhoneMaker"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return SimpleUploadedFile("phone.jpg", buffer.getvalue(), content_type="image/jpeg")
