"""Posts: bilingual, sanitised, pictures cleaned, drafts and scheduled ones kept off the site."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from PIL import Image

from tonle.public.models import Post, PostStatus
from tonle.public.selectors import posts_live
from tonle.public.services import post_save, tags_from_text
from tonle.public.tests.factories import PostFactory, picture


def test_a_picture_is_resized_and_stripped_of_its_exif(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    post = Post(title_en="Market day", body_en="Text.")
    post_save(by=world.manager, post=post, image=picture())
    with Image.open(post.image.path) as stored:
        assert max(stored.size) == 1600
        assert not stored.getexif()


def test_a_post_needs_a_title_in_one_language_at_least(world):
    with pytest.raises(ValidationError) as refused:
        post_save(by=world.manager, post=Post(body_km="អត្ថបទ"))
    assert "title_en" in refused.value.message_dict
    post = post_save(by=world.manager, post=Post(title_km="ព័ត៌មាន", body_km="អត្ថបទ"))
    assert post.slug and post.status == PostStatus.DRAFT


def test_drafts_and_posts_scheduled_for_later_are_not_live(world):
    live = PostFactory(created_by=world.manager)
    PostFactory(created_by=world.manager, status=PostStatus.DRAFT)
    later = PostFactory(created_by=world.manager, publish_at=timezone.now() + dt.timedelta(days=1))
    assert list(posts_live()) == [live]
    assert list(posts_live(now=timezone.now() + dt.timedelta(days=2))) == [later, live]


def test_publishing_without_a_time_dates_the_post_now(world):
    post = post_save(by=world.manager, post=Post(title_en="Now", body_en="x",
                                                 status=PostStatus.PUBLISHED))  # fmt: skip
    assert post.publish_at is not None and post in posts_live()


def test_tags_are_made_once_whatever_their_spelling_of_spaces(world):
    first = tags_from_text("Leadership, ID cards, leadership")
    again = tags_from_text(" ID cards ,Health")
    assert [t.name for t in first] == ["Leadership", "ID cards"]
    assert again[0] == first[1]
