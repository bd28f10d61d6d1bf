"""App config for reports."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "tonle.reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from tonle.reports.selectors import released_small_figures
        from tonle.results.disclosure import release_source_register

        release_source_register(released_small_figures)
