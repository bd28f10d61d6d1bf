"""Comments: kept as sent, held for moderation, spam refused without any third party, the
email never on the page, the commenter told when she is published."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tonle.public.models import BlockedSender, Comment, CommentStatus
from tonle.public.services import (
    Moderation,
    comment_form_stamp,
    comment_moderate,
    comment_receive,
)
from tonle.public.tests.factories import PostFactory

EMAIL = "reader.private@example.org"


def _send(post, *, stamp=None, address="203.0.113.7", text="Well done, Bakong!", **more):
    stamp = stamp or comment_form_stamp(now=timezone.now() - dt.timedelta(minutes=2))
    fields = {"name": "Srey Pov", "email": EMAIL, "text": text, "address": address,
              "stamp": stamp, **more}  # fmt: skip
    return comment_receive(post=post, **fields)


def test_a_comment_is_held_until_a_moderator_approves_it(world, client):
    post = PostFactory(created_by=world.manager)
    comment = _send(post)
    assert comment.status == CommentStatus.HELD
    page = client.get(reverse("public-post", args=[post.slug])).content.decode()
    assert "Well done, Bakong!" not in page
    comment_moderate(by=world.manager, comment=comment, action=Moderation.APPROVE)
    page = client.get(reverse("public-post", args=[post.slug])).content.decode()
    assert "Well done, Bakong!" in page and "Srey Pov" in page
    assert EMAIL not in page and "reader.private" not in page


@pytest.mark.parametrize(
    "case, refusal",
    [
        ({"trap": "http://spam.example"}, "trap"),
        ({"stamp": "forged"}, "stamp"),
        ({"stamp": "now"}, "too fast"),
        ({"text": "see http://a.example http://b.example http://c.example"}, "links"),
    ],
)
def test_spam_is_kept_but_refused_with_its_reason(world, case, refusal):
    post = PostFactory(created_by=world.manager)
    if case.get("stamp") == "now":
        case = {"stamp": comment_form_stamp()}
    comment = _send(post, **case)
    assert (comment.status, comment.refusal) == (CommentStatus.SPAM, refusal)
    assert Comment.objects.filter(pk=comment.pk).exists()  # nothing lost


def test_one_address_may_send_five_comments_an_hour(world):
    post = PostFactory(created_by=world.manager)
    sent = [_send(post) for _n in range(6)]
    assert [c.status for c in sent] == [CommentStatus.HELD] * 5 + [CommentStatus.SPAM]
    assert _send(post, address="198.51.100.1").status == CommentStatus.HELD


def test_blocking_a_sender_refuses_her_next_comments_and_her_waiting_ones(world):
    post = PostFactory(created_by=world.manager)
    first, second = _send(post), _send(post, address="198.51.100.9")
    comment_moderate(by=world.manager, comment=first, action=Moderation.BLOCK)
    second.refresh_from_db()
    assert second.status == CommentStatus.REJECTED
    assert BlockedSender.objects.filter(email=EMAIL).exists()
    assert _send(post, address="192.0.2.1").refusal == "blocked"


def test_the_commenter_who_asked_is_emailed_when_she_is_published(
    world, django_capture_on_commit_callbacks
):
    post = PostFactory(created_by=world.manager)
    asked, silent = _send(post, notify=True), _send(post, address="198.51.100.3")
    with django_capture_on_commit_callbacks(execute=True):
        comment_moderate(by=world.manager, comment=asked, action=Moderation.APPROVE)
        comment_moderate(by=world.manager, comment=silent, action=Moderation.APPROVE)
    assert [m.to for m in mail.outbox] == [[EMAIL]]
    assert post.slug in mail.outbox[0].body


def test_only_managers_and_administrators_moderate(world):
    comment = _send(PostFactory(created_by=world.manager))
    with pytest.raises(ValidationError):
        comment_moderate(by=world.officer_a, comment=comment, action=Moderation.APPROVE)


def test_the_form_marks_its_required_fields_and_a_mistake_comes_back_named(world, client):
    post = PostFactory(created_by=world.manager)
    page = client.get(reverse("public-post", args=[post.slug])).content.decode()
    assert "Required fields are marked *" in page and page.count('class="required"') == 3
    response = client.post(reverse("public-comment", args=[post.slug]),
                           {"name": "Pov", "email": "not an address", "text": "Hi"})  # fmt: skip
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert Comment.objects.count() == 0


def test_a_comment_sent_through_the_page_is_held(world, client):
    post = PostFactory(created_by=world.manager)
    stamp = comment_form_stamp(now=timezone.now() - dt.timedelta(seconds=30))
    response = client.post(reverse("public-comment", args=[post.slug]),
                           {"name": "Pov", "email": EMAIL, "text": "Hi", "stamp": stamp})  # fmt: skip
    assert response.status_code == 302
    assert Comment.objects.get().status == CommentStatus.HELD
