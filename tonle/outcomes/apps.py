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
        from tonle.outcomes.models import Assessment, Milestone, Story
        from tonle.outcomes.selectors import outcome_timeline
        from tonle.outcomes.services import assessments_clashing_in_merge
        from tonle.people.merging import merge_step_register, records_merge_step
        from tonle.people.timeline import register_timeline_source

        register_timeline_source(outcome_timeline)
        merge_step_register(
            records_merge_step(name="milestone", label=_("Milestones"), model=Milestone)
        )
        merge_step_register(records_merge_step(name="story", label=_("Stories"), model=Story))
        merge_step_register(
            records_merge_step(
                name="assessment", label=_("Assessments"), model=Assessment,
                clashing=assessments_clashing_in_merge,
            )
        )  # fmt: skip
        applier_register(MILESTONE)
