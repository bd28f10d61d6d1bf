"""The public site: posts (news, stories of change, published reports), their comments, and the
newsletter's subscribers and sendings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tonle.lib.models import BilingualNamed


class Category(BilingualNamed):
    slug = models.SlugField(_("short name"), unique=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["name_en"]


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("short name"), max_length=60, unique=True, allow_unicode=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PostStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Post(models.Model):
    """A post in English and Khmer side by side (either may be missing). A post may carry a
    story of change, shown only while the woman's consent to publish stands, or an issued
    report, its figures as they were issued."""

    slug = models.SlugField(_("address"), max_length=120, unique=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title_km = models.CharField(_("title (Khmer)"), max_length=200, blank=True)
    body_en = models.TextField(_("text (English)"), blank=True, help_text=_("Markdown."))
    body_km = models.TextField(_("text (Khmer)"), blank=True, help_text=_("Markdown."))
    image = models.ImageField(_("picture"), upload_to="public/%Y/", blank=True)
    image_alt = models.CharField(_("what the picture shows"), max_length=200, blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="posts",
        verbose_name=_("category"),
    )  # fmt: skip
    tags = models.ManyToManyField(Tag, blank=True, related_name="posts", verbose_name=_("tags"))
    status = models.CharField(
        _("status"), max_length=10, choices=PostStatus.choices, default=PostStatus.DRAFT
    )
    publish_at = models.DateTimeField(
        _("published from"), null=True, blank=True,
        help_text=_("Empty: as soon as it is published. A later time: it appears then."),
    )  # fmt: skip
    story = models.ForeignKey(
        "outcomes.Story", on_delete=models.PROTECT, null=True, blank=True, related_name="posts",
        verbose_name=_("story of change"),
    )  # fmt: skip
    issued_report = models.ForeignKey(
        "reports.IssuedReport", on_delete=models.PROTECT, null=True, blank=True,
        related_name="posts", verbose_name=_("issued report"),
    )  # fmt: skip
    comments_open = models.BooleanField(_("comments open"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("written by"),
    )  # fmt: skip
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-publish_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(story__isnull=True) | Q(issued_report__isnull=True),
                name="post_story_or_report",
                violation_error_message=_("A post carries a story or a report, not both."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        if (get_language() or "en").startswith("km"):
            return self.title_km or self.title_en
        return self.title_en or self.title_km

    @property
    def is_live(self) -> bool:
        """Published and its time come (a story's consent is checked by the selectors)."""
        return self.status == PostStatus.PUBLISHED and (
            self.publish_at is None or self.publish_at <= timezone.now()
        )


class CommentStatus(models.TextChoices):
    HELD = "held", _("Waiting for moderation")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SPAM = "spam", _("Refused as spam")


class Comment(models.Model):
    """A reader's comment, kept as she sent it. Her email address is never shown."""

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="comments", verbose_name=_("post")
    )
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("email"))
    text = models.TextField(_("comment"))
    notify = models.BooleanField(_("email me when my comment is published"), default=False)
    address = models.GenericIPAddressField(_("sent from"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CommentStatus.choices, default=CommentStatus.HELD
    )
    refusal = models.CharField(_("why it was refused"), max_length=200, blank=True)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("moderated by"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["sent_at", "id"]
        indexes = [models.Index(fields=["address", "sent_at"], name="comment_address_time")]


class BlockedSender(models.Model):
    """An address or email whose comments are refused from now on."""

    email = models.EmailField(_("email"), blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    blocked_at = models.DateTimeField(_("blocked at"), auto_now_add=True)
    blocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("blocked by"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("blocked sender")
        verbose_name_plural = _("blocked senders")


class SubscriberStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Subscribed")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
    BOUNCED = "bounced", _("Mail bounced")


class Subscriber(models.Model):
    """A newsletter reader: her consent as given (when, the words she agreed to, from where),
    confirmed by the link sent to her address."""

    email = models.EmailField(_("email"), unique=True)
    language = models.CharField(_("language"), max_length=2, default="en")
    status = models.CharField(
        _("status"), max_length=12, choices=SubscriberStatus.choices,
        default=SubscriberStatus.PENDING,
    )  # fmt: skip
    consent_text = models.TextField(_("the words she agreed to"))
    consent_at = models.DateTimeField(_("agreed at"))
    consent_address = models.GenericIPAddressField(_("agreed from"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("unsubscribed or bounced at"), null=True, blank=True)
    bounce_reason = models.CharField(_("why the mail bounced"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email


class SendingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    QUEUED = "queued", _("Waiting for its turn")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Newsletter(models.Model):
    """A newsletter and its sending, which the worker does in the background."""

    subject_en = models.CharField(_("subject (English)"), max_length=200)
    subject_km = models.CharField(_("subject (Khmer)"), max_length=200, blank=True)
    body_en = models.TextField(_("text (English)"), help_text=_("Markdown."))
    body_km = models.TextField(_("text (Khmer)"), blank=True, help_text=_("Markdown."))
    status = models.CharField(
        _("status"), max_length=10, choices=SendingStatus.choices, default=SendingStatus.DRAFT
    )
    total = models.PositiveIntegerField(_("subscribers to send to"), default=0)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("written by"),
    )  # fmt: skip
    queued_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    task_id = models.UUIDField(_("task"), null=True, blank=True)

    class Meta:
        verbose_name = _("newsletter")
        verbose_name_plural = _("newsletters")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.subject_en

    @property
    def progress(self) -> int:
        if not self.total:
            return 100 if self.status == SendingStatus.SENT else 0
        return min(100, round(100 * self.deliveries.count() / self.total))


class Delivery(models.Model):
    """One newsletter sent to one subscriber: a sending that stops and starts again skips her."""

    newsletter = models.ForeignKey(
        Newsletter, on_delete=models.CASCADE, related_name="deliveries",
        verbose_name=_("newsletter"),
    )  # fmt: skip
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="deliveries",
        verbose_name=_("subscriber"),
    )  # fmt: skip
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["newsletter", "subscriber"], name="delivery_once")
        ]
