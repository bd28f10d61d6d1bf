"""App config for cases."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "tonle.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from tonle.cases.appliers import COUNSELLING
        from tonle.cases.models import Case
        from tonle.cases.selectors import case_timeline, mentor_open_cases
        from tonle.collect.registry import applier_register
        from tonle.people.merging import merge_step_register, records_merge_step
        from tonle.people.selectors import mentor_scope_register
        from tonle.people.timeline import register_timeline_source

        register_timeline_source(case_timeline)
        applier_register(COUNSELLING)
        mentor_scope_register(mentor_open_cases)
        # A case moves with its sessions, goals and notes.
        merge_step_register(records_merge_step(name="case", label=_("Cases"), model=Case))
