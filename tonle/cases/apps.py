"""App config for cases."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "tonle.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from tonle.cases.selectors import case_timeline
        from tonle.people.timeline import register_timeline_source

        register_timeline_source(case_timeline)
