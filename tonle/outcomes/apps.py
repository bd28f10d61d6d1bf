"""App config for outcomes."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    name = "tonle.outcomes"
    label = "outcomes"
    verbose_name = _("Outcomes")

    def ready(self) -> None:
        from tonle.collect.registry import applier_register
        from tonle.outcomes.appliers import MILESTONE
        from tonle.outcomes.selectors import outcome_timeline
        from tonle.people.timeline import register_timeline_source

        register_timeline_source(outcome_timeline)
        applier_register(MILESTONE)
