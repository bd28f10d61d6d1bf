"""App config for the participant registry."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "tonle.people"
    label = "people"
    verbose_name = _("People")

    def ready(self) -> None:
        from tonle.collect.registry import applier_register, media_provider_register
        from tonle.people.appliers import WOMAN
        from tonle.people.phones import WOMEN_FILE, women_csv

        media_provider_register(name=WOMEN_FILE, provider=women_csv)
        applier_register(WOMAN)
