"""App config for the demo data."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "tonle.demo"
    label = "demo"
    verbose_name = _("Demo data")

    def ready(self) -> None:
        from tonle.demo import checks  # noqa: F401  (registers the deploy check)
