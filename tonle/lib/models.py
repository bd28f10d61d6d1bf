"""Abstract models shared by apps: a thing with an English and a Khmer name."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models, transaction
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class BilingualNamed(models.Model):
    """A lookup whose name the NGO writes in both languages; pages show the reader's one."""

    name_en = models.CharField(_("name (English)"), max_length=200)
    name_km = models.CharField(_("name (Khmer)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The reader's language when it is written, else the other one."""
        if (get_language() or "en").startswith("km"):
            return self.name_km or self.name_en
        return self.name_en or self.name_km


def recorded_by(record: models.Model, *, user: AbstractBaseUser | None) -> None:
    """Name who made the change simple-history writes in the record's next history row."""
    record._history_user = user  # type: ignore[attr-defined]


def record_withdraw(*, record: models.Model, user: AbstractBaseUser | None) -> bool:
    """Delete a record that was made in error (a submission undone), keeping its history row
    with who withdrew it. False, and the record kept, when other records still rest on it."""
    recorded_by(record, user=user)
    try:
        with transaction.atomic():
            record.delete()
    except models.ProtectedError:
        return False
    return True
