"""The staff's pages of the public site: managers and administrators write and publish; the
others are refused (and the refusal logged, as every refusal is)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tonle.public.models import Post, PostStatus


@pytest.mark.parametrize("persona", ["officer_a", "mentor", "donor"])
def test_only_managers_and_administrators_run_the_public_site(world, client, persona):
    client.force_login(getattr(world, persona))
    for name in ("public-staff", "public-post-new", "public-moderation", "public-newsletter-new"):
        assert client.get(reverse(name)).status_code == 403, name


def test_a_manager_writes_a_khmer_post_and_publishes_it_for_later(world, client):
    client.force_login(world.manager)
    response = client.post(reverse("public-post-new"), {
        "title_km": "វេទិកាស្ត្រី", "body_km": "ស្ត្រីជាងមួយរយនាក់បានចូលរួម។", "status": "published",
        "publish_at": "2099-01-01T08:00", "tag_names": "leadership, forum", "comments_open": "on",
    })  # fmt: skip
    post = Post.objects.get()
    assert response.status_code == 302
    assert (post.status, post.publish_at.year) == (PostStatus.PUBLISHED, 2099)
    assert sorted(t.name for t in post.tags.all()) == ["forum", "leadership"]
    assert client.get(reverse("public-post", args=[post.slug])).status_code == 404  # not yet
    page = client.get(reverse("public-post-edit", args=[post.pk])).content.decode()
    assert "forum, leadership" in page


def test_a_post_without_any_title_comes_back_with_the_field_named(world, client):
    client.force_login(world.manager)
    response = client.post(reverse("public-post-new"), {"body_en": "Text", "status": "draft"})
    assert response.status_code == 200
    assert "Give the post a title, in English or in Khmer." in response.content.decode()
    assert not Post.objects.exists()
