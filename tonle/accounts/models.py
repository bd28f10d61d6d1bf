"""A Tonle user and the role that decides what she may see."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    ME_MANAGER = "me_manager", _("M&E manager")
    FIELD_OFFICER = "field_officer", _("Field officer")
    SMART_WOMAN = "smart_woman", _("Smart Woman (mentor)")
    DONOR_VIEWER = "donor_viewer", _("Donor viewer")
    PROVIDER = "provider", _("Service provider")


class _AccountHistory(HistoricalRecords):
    """A user's history of role, supervisor and access, not of her logins.

    Django saves `last_login` at every login; a row for each would bury the changes an
    administrator made among thousands of sign-ins, so a save of excluded fields only is skipped.
    """

    def post_save(self, instance: models.Model, created: bool, using=None, **kwargs) -> None:  # type: ignore[no-untyped-def]
        update_fields = kwargs.get("update_fields")
        if update_fields and set(update_fields) <= set(self.excluded_fields):
            return
        super().post_save(instance, created, using=using, **kwargs)


class User(AbstractUser):
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.FIELD_OFFICER
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    # Who checks her work: a field officer supervises Smart Women, a manager field officers.
    supervisor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervisees",
        verbose_name=_("supervisor"),
    )
    history = _AccountHistory(excluded_fields=["password", "last_login"])

    @property
    def sees_every_project(self) -> bool:
        return self.is_manager

    @property
    def is_manager(self) -> bool:
        """Administrators and M&E managers: they define indicators, lock periods, approve payments."""
        return self.is_superuser or self.role in {Role.ADMINISTRATOR, Role.ME_MANAGER}

    @property
    def may_see_names(self) -> bool:
        """Donor viewers get aggregate figures only, never a name; providers only their referrals."""
        return self.is_authenticated and self.role not in {Role.DONOR_VIEWER, Role.PROVIDER}

    @property
    def may_supervise(self) -> bool:
        """Field officers and managers follow up their team's cases (the supervision page)."""
        return self.role in {Role.ADMINISTRATOR, Role.ME_MANAGER, Role.FIELD_OFFICER}

    @property
    def may_read_referrals(self) -> bool:
        """The staff who make referrals, and a provider (its own inbox); never a donor."""
        return self.may_edit_records or self.role == Role.PROVIDER

    @property
    def may_edit_records(self) -> bool:
        return self.role in {Role.ADMINISTRATOR, Role.ME_MANAGER, Role.FIELD_OFFICER}


class AccessAction(models.TextChoices):
    READ = "read", _("Read")
    REFUSED = "refused", _("Refused")
    EXPORT = "export", _("Exported")


# What each kind of record is called on the log page.
RECORD_TYPES = {
    "participant": _("participant"),
    "case": _("case"),
    "case-notes": _("case notes"),
    "referral": _("referral"),
    "people-list": _("list of people behind a figure"),
    "driver-statement": _("driver's statement"),
    "driver": _("driver"),
    "group": _("Smart Women group"),
    "activity": _("activity"),
    "project": _("project"),
    "indicator": _("indicator"),
    "report": _("report"),
    "issued-report": _("issued report"),
    "pdf": _("PDF being made"),
    "upload": _("upload"),
    "upload-row": _("row of an upload"),
    "access-log": _("access log"),
    "page": _("page"),
    "story-photo": _("story photo"),
    "report-photo": _("report photo"),
    "form": _("phone form"),
    "submission": _("submission from a phone"),
    "attachment": _("attachment of a submission"),
    "merge": _("merge of two records"),
}


class AccessLog(models.Model):
    """A read of a restricted record, or an attempt that was refused: who, when, what."""

    user = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_log",
        verbose_name=_("user"),
    )
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=10, choices=AccessAction.choices)
    record_type = models.CharField(_("record type"), max_length=40)
    record_id = models.CharField(_("record"), max_length=40)
    path = models.CharField(_("address"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["record_type", "record_id"])]

    @property
    def record_label(self) -> str:
        return str(RECORD_TYPES.get(self.record_type, self.record_type))
