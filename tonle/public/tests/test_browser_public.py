"""The public site in Chromium on a phone: a visitor comments and a moderator approves it; a
reader signs up, confirms and unsubscribes through real email on a loopback SMTP server; a
post reads in Khmer on a 360 px screen. Screenshots go to $TONLE_PUBLIC_SHOTS (default
/tmp/public-shots)."""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Callable
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse
from playwright.sync_api import Page, expect

from tonle.lib.testing.browser import log_in
from tonle.public.models import Comment, CommentStatus, Newsletter, Subscriber, SubscriberStatus
from tonle.public.services import newsletter_send_start
from tonle.public.tasks import newsletter_send
from tonle.public.tests.factories import PostFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

EMAIL = "pov.private.reader@example.org"
SHOTS = Path(os.environ.get("TONLE_PUBLIC_SHOTS", "/tmp/public-shots"))


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{name}: {width} px wide"


class _Inbox:
    """What a real SMTP server on loopback received."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.arrived:
            self.messages.append(message_from_bytes(envelope.content))
            self.arrived.notify_all()
        return "250 OK"

    def wait(self, count: int, timeout: float = 15.0) -> Message:
        deadline = time.monotonic() + timeout
        with self.arrived:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                assert left > 0, f"{len(self.messages)} messages arrived, {count} awaited"
                self.arrived.wait(left)
        return self.messages[count - 1]


def _text(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    return ""


@pytest.fixture
def smtp(settings):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    yield inbox
    controller.stop()


def test_a_visitor_comments_and_her_comment_appears_once_approved_without_her_email(
    live_server, world, phone: Callable[..., Page]
):
    post = PostFactory(created_by=world.manager, title_en="Smart Women meet the council")
    visitor = phone(locale="en")
    visitor.goto(live_server.url + reverse("public-post", args=[post.slug]))
    expect(visitor.locator("main")).to_contain_text("Required fields are marked *")
    visitor.locator("input[name=name]").fill("Srey Pov")
    visitor.locator("input[name=email]").fill(EMAIL)
    visitor.locator("textarea[name=text]").fill("Thank you for the meeting in Bakong.")
    visitor.wait_for_timeout(3200)  # a person takes longer than a robot to write
    _shot(visitor, "comment-1-written")
    visitor.get_by_role("button", name="Send the comment").click()
    expect(visitor.locator("main")).to_contain_text("once a moderator has read it")
    expect(visitor.locator("#comments")).not_to_contain_text("Thank you for the meeting")
    assert Comment.objects.get().status == CommentStatus.HELD

    moderator = phone(locale="en")
    log_in(moderator, live_server.url, "manager")
    moderator.goto(live_server.url + reverse("public-moderation"))
    expect(moderator.locator("main")).to_contain_text("Thank you for the meeting in Bakong.")
    _shot(moderator, "comment-2-moderation")
    moderator.get_by_role("button", name="Approve", exact=True).click()
    expect(moderator.locator("main")).to_contain_text("Comment approved.")

    visitor.goto(live_server.url + reverse("public-post", args=[post.slug]))
    expect(visitor.locator("#comments")).to_contain_text("Thank you for the meeting in Bakong.")
    expect(visitor.locator("#comments")).to_contain_text("Srey Pov")
    _shot(visitor, "comment-3-published")
    html = visitor.content()
    assert EMAIL not in html and "pov.private.reader" not in html


def test_a_reader_signs_up_confirms_by_email_and_unsubscribes_from_the_newsletter(
    live_server, world, phone: Callable[..., Page], smtp, settings
):
    settings.TONLE_SITE_URL = live_server.url  # the worker's links
    reader = phone(locale="en")
    reader.goto(live_server.url + "/")
    reader.locator("#newsletter input[name=email]").fill(EMAIL)
    reader.locator("#newsletter input[name=consent]").check()
    _shot(reader, "newsletter-1-sign-up")
    reader.get_by_role("button", name="Sign up").click()
    expect(reader.locator("#signed-up")).to_be_visible()

    confirmation = smtp.wait(1)
    assert confirmation["To"] == EMAIL
    link = re.search(r"https?://\S+/newsletter/confirm/\S+/", _text(confirmation)).group(0)
    reader.goto(link)
    reader.locator("#confirm").click()
    expect(reader.locator("#confirmed")).to_be_visible()
    _shot(reader, "newsletter-2-confirmed")
    assert Subscriber.objects.get().status == SubscriberStatus.CONFIRMED

    letter = Newsletter.objects.create(subject_en="News from Siem Reap", body_en="We grew.",
                                       created_by=world.manager)  # fmt: skip
    newsletter_send_start(by=world.manager, newsletter=letter)
    newsletter_send.call(letter.pk)  # what the worker does
    sent = smtp.wait(2)
    assert sent["Subject"] == "News from Siem Reap" and sent["List-Unsubscribe"]
    unsubscribe = re.search(r"https?://\S+/newsletter/unsubscribe/\S+/", _text(sent)).group(0)
    reader.goto(unsubscribe)
    reader.locator("#unsubscribe").click()
    expect(reader.locator("#unsubscribed")).to_be_visible()
    _shot(reader, "newsletter-3-unsubscribed")
    assert Subscriber.objects.get().status == SubscriberStatus.UNSUBSCRIBED


def test_a_post_reads_in_khmer_on_a_360_px_phone(live_server, world, phone: Callable[..., Page]):
    post = PostFactory(
        created_by=world.manager,
        title_en="Smart Women meet their commune councils",
        title_km="ស្ត្រីឆ្លាតវៃជួបប្រជុំជាមួយក្រុមប្រឹក្សាឃុំរបស់ពួកគេ",
        body_en="In December the six Smart Women groups met their **commune councils**.",
        body_km="នៅខែធ្នូ ក្រុមស្ត្រីឆ្លាតវៃទាំងប្រាំមួយនៃស្រុកប្រាសាទបាគង អង្គរធំ និងបន្ទាយស្រី"
        "បានជួបប្រជុំជាមួយ **គណៈកម្មាធិការទទួលបន្ទុកកិច្ចការនារី និងកុមារឃុំ**។\n\n"
        "- កន្លែងជួបប្រជុំដែលមានសុវត្ថិភាពនៅក្នុងភូមិនីមួយៗ\n- អត្តសញ្ញាណប័ណ្ណសម្រាប់ស្ត្រី",
    )
    reader = phone(locale="km", viewport={"width": 360, "height": 740})
    reader.goto(live_server.url + reverse("public-post", args=[post.slug]))
    expect(reader.locator("article.post h1")).to_have_text(post.title_km)
    expect(reader.locator(".post-text[lang=km]")).to_contain_text("គណៈកម្មាធិការ")
    expect(reader.locator("html")).to_have_attribute("lang", "km")
    _shot(reader, "post-khmer-360")
    reader.goto(live_server.url + "/")
    _shot(reader, "home-khmer-360")


def test_the_impact_page_reads_in_khmer_on_a_360_px_phone(
    live_server, issued, phone: Callable[..., Page]
):
    reader = phone(locale="km", viewport={"width": 360, "height": 740})
    reader.goto(live_server.url + reverse("public-impact", args=["project-a"]))
    expect(reader.locator('[data-figure="engaged"]')).to_have_text("២៣")
    expect(reader.locator("table.bars").first).to_be_visible()
    _shot(reader, "impact-khmer-360")
