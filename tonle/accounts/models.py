"""A Tonle user and the role that decides what she may see."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    ME_MANAGER = "me_manager", _("M&E manager")
    FIELD_OFFICER = "field_officer", _("Field officer")
    SMART_WOMAN = "smart_woman", _("Smart Woman (mentor)")
    DONOR_VIEWER = "donor_viewer", _("Donor viewer")


class User(AbstractUser):
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.FIELD_OFFICER
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def sees_every_project(self) -> bool:
        return self.is_superuser or self.role in {Role.ADMINISTRATOR, Role.ME_MANAGER}

    @property
    def may_see_names(self) -> bool:
        """Donor viewers get aggregate figures only, never a name."""
        return self.is_authenticated and self.role != Role.DONOR_VIEWER

    @property
    def may_edit_records(self) -> bool:
        return self.role in {Role.ADMINISTRATOR, Role.ME_MANAGER, Role.FIELD_OFFICER}
