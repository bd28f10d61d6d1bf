"""The newsletter: double opt-in with her consent kept, a working unsubscribe link in every
message, sent in the background, bounces honoured, the list exported by administrators only."""

from __future__ import annotations

import io
import mailbox
import re

import openpyxl
import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from tonle.public.models import Newsletter, SendingStatus, Subscriber, SubscriberStatus
from tonle.public.services import (
    newsletter_send_start,
    subscribe_consent_text,
    subscriber_sign_up,
    unsubscribe_link,
)
from tonle.public.tasks import newsletter_send

SITE = "http://testserver"
LINK = re.compile(r"http://testserver(/newsletter/\S+/)")


def _sign_up(email: str, capture) -> Subscriber:
    with capture(execute=True):
        return subscriber_sign_up(email=email, language="en", consent_text=subscribe_consent_text(),
                                  address="203.0.113.5", site_url=SITE)  # fmt: skip


def test_a_sign_up_is_confirmed_by_the_link_mailed_to_her(
    db, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("public-sign-up"),
                               {"email": "Dara@Example.org", "consent": "on"})  # fmt: skip
    assert response.status_code == 200
    subscriber = Subscriber.objects.get()
    assert (subscriber.email, subscriber.status) == ("dara@example.org", SubscriberStatus.PENDING)
    assert subscriber.consent_text == subscribe_consent_text()
    assert subscriber.consent_address == "127.0.0.1" and subscriber.consent_at
    link = LINK.search(mail.outbox[0].body).group(1)
    assert client.get(link).status_code == 200  # a GET confirms nothing (mail scanners open links)
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING
    client.post(link)
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED and subscriber.confirmed_at


def test_a_sign_up_without_her_consent_ticked_is_refused(db, client):
    response = client.post(reverse("public-sign-up"), {"email": "dara@example.org"})
    assert response.status_code == 400
    assert not Subscriber.objects.exists() and not mail.outbox


def test_a_forged_link_confirms_nothing(db, client):
    response = client.post(reverse("public-subscribe-confirm", args=["forged:token"]))
    assert "not valid" in response.content.decode()


def test_the_newsletter_goes_to_confirmed_readers_each_with_her_unsubscribe_link(
    world, client, django_capture_on_commit_callbacks, settings
):
    settings.TONLE_SITE_URL = SITE
    confirmed = _sign_up("one@example.org", django_capture_on_commit_callbacks)
    confirmed.status = SubscriberStatus.CONFIRMED
    confirmed.save()
    _sign_up("pending@example.org", django_capture_on_commit_callbacks)
    mail.outbox.clear()
    letter = Newsletter.objects.create(subject_en="News of 2023", body_en="We **grew**.",
                                       created_by=world.manager)  # fmt: skip
    newsletter_send_start(by=world.manager, newsletter=letter)
    assert newsletter_send.call(letter.pk) == 1
    assert newsletter_send.call(letter.pk) == 0  # started again: nobody gets it twice
    letter.refresh_from_db()
    assert (letter.status, letter.progress) == (SendingStatus.SENT, 100)
    (message,) = mail.outbox
    assert message.to == ["one@example.org"]
    unsubscribe = unsubscribe_link(confirmed, SITE)
    assert unsubscribe in message.body and message.extra_headers["List-Unsubscribe"]
    client.post(unsubscribe.removeprefix(SITE))
    confirmed.refresh_from_db()
    assert confirmed.status == SubscriberStatus.UNSUBSCRIBED


def test_the_progress_bar_polls_until_the_sending_is_done(world, client):
    letter = Newsletter.objects.create(subject_en="x", body_en="y", created_by=world.manager)
    client.force_login(world.manager)
    client.post(reverse("public-newsletter-send", args=[letter.pk]))
    page = client.get(reverse("public-newsletter-progress", args=[letter.pk])).content.decode()
    assert 'data-status="queued"' in page and 'hx-trigger="every 1s"' in page
    newsletter_send.call(letter.pk)
    page = client.get(reverse("public-newsletter-progress", args=[letter.pk])).content.decode()
    assert 'data-status="sent"' in page and "hx-trigger" not in page


def test_a_bounce_from_the_mailbox_stops_her_mail(db, tmp_path, django_capture_on_commit_callbacks):
    subscriber = _sign_up("gone@example.org", django_capture_on_commit_callbacks)
    box = mailbox.mbox(tmp_path / "bounces.mbox")
    box.add(
        "From: MAILER-DAEMON@example.org\nSubject: Undelivered Mail Returned to Sender\n"
        "Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n"
        "--b\nContent-Type: text/plain\n\nIt bounced.\n"
        "--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n"
        "Final-Recipient: rfc822; gone@example.org\nAction: failed\nStatus: 5.1.1\n"
        "Diagnostic-Code: smtp; 550 5.1.1 No such user\n--b--\n"
    )
    box.flush()
    out = io.StringIO()
    call_command("newsletter_bounces", str(tmp_path / "bounces.mbox"), stdout=out)
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.BOUNCED
    assert "550" in subscriber.bounce_reason and "1" in out.getvalue()


@pytest.mark.parametrize("persona, status", [("admin", 200), ("manager", 403), ("donor", 403)])
def test_only_administrators_export_the_subscribers(world, client, persona, status,
                                                     django_capture_on_commit_callbacks):  # fmt: skip
    _sign_up("reader@example.org", django_capture_on_commit_callbacks)
    client.force_login(getattr(world, persona))
    response = client.get(reverse("public-subscribers"))
    assert response.status_code == status
    if status == 200:
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        rows = list(book.active.iter_rows(values_only=True))
        assert rows[1][0] == "reader@example.org" and rows[1][3] == subscribe_consent_text()
