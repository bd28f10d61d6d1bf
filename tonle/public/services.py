"""Writes of the public site: posts, comments and their moderation, the newsletter's
subscribers and sendings. Each one that changes what the public reads refreshes its pages."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import override

from tonle.accounts.models import Role, User
from tonle.lib.images import image_clean
from tonle.lib.models import recorded_by
from tonle.lib.sitecache import public_pages_changed
from tonle.outcomes.models import Story
from tonle.public.models import (
    BlockedSender,
    Comment,
    CommentStatus,
    Newsletter,
    Post,
    PostStatus,
    SendingStatus,
    Subscriber,
    SubscriberStatus,
    Tag,
)
from tonle.public.rendering import markdown_html
from tonle.reports.models import IssuedReport

logger = logging.getLogger(__name__)

IMAGE_LONGEST_SIDE = 1600  # px: sharp on a laptop, light on a phone
# Spam defences, none of them a third party's: a field no person sees, a form sent faster than
# a person types, too many comments from one address, too many links.
FASTEST_COMMENT = dt.timedelta(seconds=3)
OLDEST_FORM = dt.timedelta(days=2)
COMMENTS_PER_ADDRESS = 5  # in an hour
MOST_LINKS = 2
LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
CONFIRM_DAYS = 7
_FORM_SALT = "tonle.public.comment-form"
_CONFIRM_SALT = "tonle.public.subscribe-confirm"
_UNSUBSCRIBE_SALT = "tonle.public.unsubscribe"


def may_run_public_site(user: User) -> bool:
    """Who writes posts, moderates comments and sends the newsletter."""
    return user.is_authenticated and (
        user.is_superuser or user.role in {Role.ADMINISTRATOR, Role.ME_MANAGER}
    )


def may_export_subscribers(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role == Role.ADMINISTRATOR)


# --- posts ---------------------------------------------------------------------------


def _free_slug(text: str, *, post: Post | None = None) -> str:
    base = slugify(text)[:100] or "post"
    slug, n = base, 1
    others = Post.objects.exclude(pk=post.pk) if post and post.pk else Post.objects.all()
    while others.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def tags_from_text(text: str) -> list[Tag]:
    """The tags named in a comma-separated list, made when new."""
    by_slug: dict[str, str] = {}
    for name in (t.strip() for t in text.split(",")):
        if name:
            by_slug.setdefault(slugify(name, allow_unicode=True)[:60] or "tag", name[:60])
    return [
        Tag.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in by_slug.items()
    ]


def post_save(
    *,
    by: User,
    post: Post,
    tags: Iterable[Tag] | None = None,
    image: UploadedFile | None = None,
) -> Post:
    """Save a post (new or changed): its picture resized and stripped of EXIF, its address
    made from its title when empty. The public pages are built again."""
    if not (post.title_en.strip() or post.title_km.strip()):
        raise ValidationError({"title_en": _("Give the post a title, in English or in Khmer.")})
    if (
        post.story_id is None
        and post.issued_report_id is None
        and not (post.body_en.strip() or post.body_km.strip())
    ):
        raise ValidationError({"body_en": _("Write the post, in English or in Khmer.")})
    if post.story_id and post.status == PostStatus.PUBLISHED:
        _story_publishable(post.story)
    if image is not None:
        try:
            post.image = image_clean(upload=image, longest_side=IMAGE_LONGEST_SIDE)
        except ValidationError as refused:
            raise ValidationError({"image": refused.messages}) from refused
    post.slug = post.slug or _free_slug(post.title_en or post.title_km, post=post)
    if post.status == PostStatus.PUBLISHED and post.publish_at is None:
        post.publish_at = timezone.now()  # the date it is shown and sorted by
    if post.created_by_id is None:
        post.created_by = by
    post.full_clean(exclude=["image", "created_by"])
    recorded_by(post, user=by)
    with transaction.atomic():
        post.save()
        if tags is not None:
            post.tags.set(tags)
        public_pages_changed()
    return post


def _story_publishable(story: Story | None) -> None:
    if story is None or not story.consent_to_publish:
        raise ValidationError(
            {"story": _("She has not consented to this story being published: it cannot be.")}
        )


def post_from_story(*, by: User, story: Story) -> Post:
    """Publish a story of change as a post, in one action: refused without her consent."""
    _story_publishable(story)
    post = Post(
        title_en=story.title if story.language == "en" else story.title_km,
        title_km=story.title if story.language == "km" else story.title_km,
        story=story, status=PostStatus.PUBLISHED, publish_at=timezone.now(),
    )  # fmt: skip
    return post_save(by=by, post=post)


def post_from_report(*, by: User, issued: IssuedReport) -> Post:
    """Publish an issued report as a post, in one action; its figures stay as they were issued
    (the post reads the frozen report, never today's records)."""
    template = issued.template
    post = Post(
        title_en=template.name_en, title_km=template.name_km, issued_report=issued,
        status=PostStatus.PUBLISHED, publish_at=timezone.now(),
        slug=_free_slug(f"{template.slug}-{timezone.localdate(issued.issued_at):%Y-%m-%d}"),
    )  # fmt: skip
    return post_save(by=by, post=post)


# --- comments ------------------------------------------------------------------------


def comment_form_stamp(*, now: dt.datetime | None = None) -> str:
    """The signed time a comment form was given out: a reply faster than a person types, or
    with a stamp that was never ours, is refused."""
    return signing.dumps((now or timezone.now()).timestamp(), salt=_FORM_SALT)


def _stamp_problem(stamp: str, now: dt.datetime) -> str:
    try:
        given = signing.loads(stamp, salt=_FORM_SALT)
    except signing.BadSignature:
        return "stamp"
    age = now - dt.datetime.fromtimestamp(float(given), tz=dt.UTC)
    if age < FASTEST_COMMENT:
        return "too fast"
    if age > OLDEST_FORM:
        return "too old"
    return ""


def comment_receive(
    *,
    post: Post,
    name: str,
    email: str,
    text: str,
    notify: bool = False,
    address: str | None,
    stamp: str,
    trap: str = "",
    now: dt.datetime | None = None,
) -> Comment:
    """Keep a comment as it came, held for moderation; one that looks like spam is kept too,
    refused, with the reason. Raises ValidationError only when the post takes no comments."""
    now = now or timezone.now()
    if not post.comments_open:
        raise ValidationError(_("Comments on this post are closed."))
    comment = Comment(
        post=post, name=name.strip()[:100], email=email.strip()[:254], text=text.strip(),
        notify=notify, address=address,
    )  # fmt: skip
    blocked = BlockedSender.objects.filter(
        Q(email__iexact=comment.email) & ~Q(email="")
        | Q(address=address) & Q(address__isnull=False)
    ).exists()
    hour_ago = now - dt.timedelta(hours=1)
    reason = ""
    if trap:
        reason = "trap"
    elif problem := _stamp_problem(stamp, now):
        reason = problem
    elif blocked:
        reason = "blocked"
    elif address and Comment.objects.filter(address=address, sent_at__gte=hour_ago).count() >= (
        COMMENTS_PER_ADDRESS
    ):
        reason = "rate"
    elif len(LINK.findall(text)) > MOST_LINKS:
        reason = "links"
    if reason:
        comment.status, comment.refusal = CommentStatus.SPAM, reason
    with transaction.atomic():
        comment.save()
    return comment


def comment_refusal_text(comment: Comment) -> str:
    """What the sender is told of a refused comment: the reasons she can act on; the others
    look, to a robot, like a comment held for moderation."""
    if comment.refusal == "rate":
        return _("Too many comments from your connection in the last hour: try again later.")
    if comment.refusal == "links":
        return _("A comment may hold at most %(n)s links.") % {"n": MOST_LINKS}
    if comment.refusal == "too old":
        return _("This form was open too long: send your comment again.")
    return ""


class Moderation:
    APPROVE = "approve"
    REJECT = "reject"
    BLOCK = "block"
    ALL = (APPROVE, REJECT, BLOCK)


def comment_moderate(*, by: User, comment: Comment, action: str) -> Comment:
    """Approve (published, and she is emailed when she asked), reject, or reject and block
    the sender's email and address (her other waiting comments are rejected with it)."""
    if not may_run_public_site(by):
        raise ValidationError(_("Only an M&E manager or an administrator moderates comments."))
    if action not in Moderation.ALL:
        raise ValidationError(_("Unknown action."))
    now = timezone.now()
    with transaction.atomic():
        if action == Moderation.BLOCK:
            BlockedSender.objects.create(
                email=comment.email, address=comment.address, blocked_by=by
            )
            Comment.objects.filter(
                Q(email__iexact=comment.email) | Q(address=comment.address, address__isnull=False),
                status=CommentStatus.HELD,
            ).exclude(pk=comment.pk).update(
                status=CommentStatus.REJECTED, moderated_at=now, moderated_by=by
            )
        was_approved = comment.status == CommentStatus.APPROVED
        comment.status = (
            CommentStatus.APPROVED if action == Moderation.APPROVE else (CommentStatus.REJECTED)
        )
        comment.moderated_at, comment.moderated_by = now, by
        comment.save(update_fields=["status", "moderated_at", "moderated_by"])
        public_pages_changed()
        if action == Moderation.APPROVE and comment.notify and not was_approved:
            transaction.on_commit(lambda: _comment_published_mail(comment))
    return comment


def _send(*, to: str, subject: str, text: str, html: str = "",
          headers: dict[str, str] | None = None) -> bool:  # fmt: skip
    """One email through Django's mail (SMTP from the environment); a failure is logged, not
    raised: the record it is about is saved either way."""
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to],
                                     headers=headers or {})  # fmt: skip
    if html:
        message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception:  # an SMTP server down must not undo the sign-up or the approval
        logger.exception("An email to a reader could not be sent")
        return False
    return True


def _comment_published_mail(comment: Comment) -> None:
    link = settings.TONLE_SITE_URL + reverse("public-post", args=[comment.post.slug])
    _send(
        to=comment.email,
        subject=_("Your comment is published"),
        text=_("Hello %(name)s,\n\nYour comment on “%(title)s” is published:\n%(link)s\n")
        % {"name": comment.name, "title": comment.post.title, "link": link},
    )


# --- newsletter ----------------------------------------------------------------------


def subscribe_consent_text() -> str:
    """The words a reader agrees to when she signs up; kept with her consent, as she read them."""
    return _(
        "I agree to receive CCDO's newsletter by email. My address is kept for this alone and "
        "never shown or shared; every newsletter has a link to unsubscribe."
    )


def _confirm_link(subscriber: Subscriber, site_url: str) -> str:
    token = signing.dumps({"id": subscriber.pk, "email": subscriber.email}, salt=_CONFIRM_SALT)
    return site_url + reverse("public-subscribe-confirm", args=[token])


def unsubscribe_link(subscriber: Subscriber, site_url: str) -> str:
    """A link that ends her subscription without logging in, in every message; it never expires."""
    token = signing.dumps({"id": subscriber.pk, "email": subscriber.email}, salt=_UNSUBSCRIBE_SALT)
    return site_url + reverse("public-unsubscribe", args=[token])


def subscriber_sign_up(
    *, email: str, language: str, consent_text: str, address: str | None, site_url: str
) -> Subscriber:
    """Keep her consent (its time, words and address) and email her the link that confirms
    it. Signing up again starts over; a confirmed reader is left as she is."""
    email = email.strip().lower()
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(email=email).first()
        if subscriber is not None and subscriber.status == SubscriberStatus.CONFIRMED:
            return subscriber
        subscriber = subscriber or Subscriber(email=email)
        subscriber.status = SubscriberStatus.PENDING
        subscriber.language = "km" if language == "km" else "en"
        subscriber.consent_text, subscriber.consent_at = consent_text, timezone.now()
        subscriber.consent_address = address
        subscriber.confirmed_at = subscriber.ended_at = None
        subscriber.bounce_reason = ""
        subscriber.full_clean()
        subscriber.save()
        transaction.on_commit(lambda: _confirm_mail(subscriber, site_url))
    return subscriber


def _confirm_mail(subscriber: Subscriber, site_url: str) -> None:
    with override(subscriber.language):
        _send(
            to=subscriber.email,
            subject=_("Confirm your subscription to CCDO's newsletter"),
            text=_("Someone, we hope you, asked for CCDO's newsletter at this address. To "
                   "confirm, open this link (it works for %(days)s days):\n%(link)s\n\nIf it "
                   "was not you, do nothing: you will get no newsletter.\n")
            % {"days": CONFIRM_DAYS, "link": _confirm_link(subscriber, site_url)},
        )  # fmt: skip


def _subscriber_of(token: str, salt: str, max_age: dt.timedelta | None) -> Subscriber:
    invalid = ValidationError(_("This link is not valid, or too old: sign up again."))
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature as bad:
        raise invalid from bad
    subscriber = Subscriber.objects.filter(pk=data.get("id"), email=data.get("email")).first()
    if subscriber is None:
        raise invalid
    return subscriber


def subscriber_confirm(*, token: str) -> Subscriber:
    subscriber = _subscriber_of(token, _CONFIRM_SALT, dt.timedelta(days=CONFIRM_DAYS))
    if subscriber.status == SubscriberStatus.PENDING:
        subscriber.status, subscriber.confirmed_at = SubscriberStatus.CONFIRMED, timezone.now()
        subscriber.save(update_fields=["status", "confirmed_at"])
    elif subscriber.status != SubscriberStatus.CONFIRMED:
        raise ValidationError(_("This subscription has ended: sign up again."))
    return subscriber


def subscriber_unsubscribe(*, token: str) -> Subscriber:
    subscriber = _subscriber_of(token, _UNSUBSCRIBE_SALT, None)
    if subscriber.status in (SubscriberStatus.PENDING, SubscriberStatus.CONFIRMED):
        subscriber.status, subscriber.ended_at = SubscriberStatus.UNSUBSCRIBED, timezone.now()
        subscriber.save(update_fields=["status", "ended_at"])
    return subscriber


def subscriber_bounced(*, email: str, reason: str) -> bool:
    """Mail to this address came back as undeliverable: she is sent nothing more."""
    updated = Subscriber.objects.filter(
        email__iexact=email.strip(),
        status__in=[SubscriberStatus.PENDING, SubscriberStatus.CONFIRMED],
    ).update(status=SubscriberStatus.BOUNCED, ended_at=timezone.now(), bounce_reason=reason[:300])
    return bool(updated)


def newsletter_save(*, by: User, newsletter: Newsletter) -> Newsletter:
    if newsletter.status != SendingStatus.DRAFT:
        raise ValidationError(_("A newsletter that was sent cannot be changed."))
    if newsletter.created_by_id is None:
        newsletter.created_by = by
    newsletter.full_clean(exclude=["created_by"])
    newsletter.save()
    return newsletter


def newsletter_send_start(*, by: User, newsletter: Newsletter) -> Newsletter:
    """Queue the sending to every confirmed subscriber; the worker sends it (tasks.py)."""
    from tonle.public.tasks import newsletter_send  # the task sends with this module

    if not may_run_public_site(by):
        raise ValidationError(_("Only an M&E manager or an administrator sends the newsletter."))
    with transaction.atomic():
        newsletter = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
        if newsletter.status != SendingStatus.DRAFT:
            raise ValidationError(_("This newsletter is already sent or being sent."))
        newsletter.status, newsletter.queued_at = SendingStatus.QUEUED, timezone.now()
        newsletter.total = Subscriber.objects.filter(status=SubscriberStatus.CONFIRMED).count()
        newsletter.task_id = newsletter_send.enqueue(newsletter.pk).id
        newsletter.save(update_fields=["status", "queued_at", "total", "task_id"])
    return newsletter


def newsletter_deliver(*, newsletter: Newsletter, subscriber: Subscriber, site_url: str) -> bool:
    """Send the newsletter to one subscriber, once: a sending started again skips her."""
    if newsletter.deliveries.filter(subscriber=subscriber).exists():
        return False
    unsubscribe = unsubscribe_link(subscriber, site_url)
    with override(subscriber.language):
        khmer = subscriber.language == "km" and newsletter.body_km.strip()
        subject = (
            newsletter.subject_km if khmer and newsletter.subject_km else newsletter.subject_en
        )
        body = newsletter.body_km if khmer else newsletter.body_en
        footer = _("To stop receiving this newsletter, open: %(link)s") % {"link": unsubscribe}
        html = f'{markdown_html(body)}<hr><p><a href="{unsubscribe}">{_("Unsubscribe")}</a></p>'
        sent = _send(
            to=subscriber.email, subject=subject, text=f"{body}\n\n-- \n{footer}\n", html=html,
            headers={"List-Unsubscribe": f"<{unsubscribe}>"},
        )  # fmt: skip
    if sent:
        newsletter.deliveries.get_or_create(subscriber=subscriber)
    return sent


def newsletter_send_mark(*, newsletter_id: int, status: str) -> None:
    fields: dict[str, object] = {"status": status}
    if status in (SendingStatus.SENT, SendingStatus.FAILED):
        fields["finished_at"] = timezone.now()
    Newsletter.objects.filter(pk=newsletter_id).update(**fields)
