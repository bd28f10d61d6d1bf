"""Stories of change on the public site: only with her consent to publish, her name and photo
only as her consent says, gone from the site and the feed the moment she withdraws it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tonle.outcomes.services import story_write
from tonle.public.models import Post
from tonle.public.services import post_from_story
from tonle.public.tests.factories import picture


def _story(world, **consent):
    return story_write(
        by=world.officer_a, participant=world.woman_a, project=world.project_a,
        title="Her shop", text="She opened a shop selling rice.", language="en",
        written_on=dt.date(2023, 5, 1), photo=picture(), **consent,
    )  # fmt: skip


def _save_again(world, story, **consent):
    return story_write(
        by=world.officer_a, participant=world.woman_a, project=world.project_a, story=story,
        title=story.title, text=story.text, language="en", written_on=story.written_on,
        **consent,
    )  # fmt: skip


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_story_without_consent_cannot_be_published_by_the_service(world):
    story = _story(world)
    with pytest.raises(ValidationError):
        post_from_story(by=world.manager, story=story)
    assert not Post.objects.exists()


def test_a_story_without_consent_cannot_be_published_from_the_page(world, client):
    story = _story(world)
    client.force_login(world.manager)
    response = client.post(reverse("public-post-story", args=[story.pk]), follow=True)
    assert "She has not consented" in response.content.decode()
    assert not Post.objects.exists()


def test_her_name_and_photo_only_with_her_consent_to_each(world, client):
    story = _story(world, consent_to_publish=True)
    post = post_from_story(by=world.manager, story=story)
    page = client.get(reverse("public-post", args=[post.slug])).content.decode()
    assert "She opened a shop" in page
    assert world.woman_a.name_latin not in page and world.woman_a.name_km not in page
    assert reverse("public-story-photo", args=[story.pk]) not in page
    assert client.get(reverse("public-story-photo", args=[story.pk])).status_code == 404

    _save_again(world, story, consent_to_publish=True, consent_to_name=True, consent_to_photo=True)
    page = client.get(reverse("public-post", args=[post.slug])).content.decode()
    assert world.woman_a.name_latin in page
    assert reverse("public-story-photo", args=[story.pk]) in page
    assert client.get(reverse("public-story-photo", args=[story.pk])).status_code == 200


def test_withdrawing_her_consent_takes_the_story_off_the_site_and_the_feed_at_once(world, client):
    story = _story(world, consent_to_publish=True, consent_to_photo=True)
    post = post_from_story(by=world.manager, story=story)
    url = reverse("public-post", args=[post.slug])
    assert client.get(url).status_code == 200  # now in the cache
    assert post.slug in client.get(reverse("public-feed")).content.decode()
    assert post.slug in client.get(reverse("public-news")).content.decode()

    _save_again(world, story, consent_to_publish=False)

    assert client.get(url).status_code == 404
    assert post.slug not in client.get(reverse("public-feed")).content.decode()
    assert post.slug not in client.get(reverse("public-news")).content.decode()
    assert post.slug not in client.get("/").content.decode()
    assert client.get(reverse("public-story-photo", args=[story.pk])).status_code == 404
