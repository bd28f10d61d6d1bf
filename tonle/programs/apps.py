"""App config for programs."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "tonle.programs"
    label = "programs"
    verbose_name = _("Programs")

    def ready(self) -> None:
        from tonle.collect.registry import (
            applier_register,
            media_provider_register,
            project_source_register,
        )
        from tonle.people.merging import merge_step_register, records_merge_step
        from tonle.people.timeline import register_timeline_source
        from tonle.programs.appliers import ATTENDANCE
        from tonle.programs.models import Attendance
        from tonle.programs.phones import ACTIVITIES_FILE, activities_csv
        from tonle.programs.selectors import attendance_timeline, projects_of_user
        from tonle.programs.services import attendances_clashing_in_merge

        register_timeline_source(attendance_timeline)
        project_source_register(projects_of_user)
        merge_step_register(
            records_merge_step(
                name="attendance", label=_("Activities attended"), model=Attendance,
                clashing=attendances_clashing_in_merge,
            )
        )  # fmt: skip
        applier_register(ATTENDANCE)
        media_provider_register(name=ACTIVITIES_FILE, provider=activities_csv)
