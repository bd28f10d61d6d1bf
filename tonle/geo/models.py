"""The gazetteer: provinces, districts, communes and villages with their official codes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tonle.lib.models import BilingualNamed


class Place(BilingualNamed):
    code = models.CharField(_("official code"), max_length=8, unique=True)

    class Meta:
        abstract = True
        ordering = ["code"]

    natural_key_fields = ("code",)


class Province(Place):
    class Meta(Place.Meta):
        verbose_name = _("province")
        verbose_name_plural = _("provinces")


class District(Place):
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="districts", verbose_name=_("province")
    )

    class Meta(Place.Meta):
        verbose_name = _("district")
        verbose_name_plural = _("districts")


class Commune(Place):
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="communes", verbose_name=_("district")
    )

    class Meta(Place.Meta):
        verbose_name = _("commune")
        verbose_name_plural = _("communes")


class Village(Place):
    # The 2025 list repeats some village codes (in a neighbouring commune, or as "0506140-"
    # for nine villages of one commune), each time with another name; every row is a real
    # village, so a village is its code and Khmer name within its commune.
    code = models.CharField(_("official code"), max_length=8, db_index=True)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="villages", verbose_name=_("commune")
    )

    natural_key_fields = ("commune", "code", "name_km")

    class Meta(Place.Meta):
        verbose_name = _("village")
        verbose_name_plural = _("villages")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "code", "name_km"], name="village_in_commune"
            )
        ]

    @property
    def full_name(self) -> str:
        commune = self.commune
        return f"{self.name}, {commune.name}, {commune.district.name}"
