"""App config for programs."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "tonle.programs"
    label = "programs"
    verbose_name = _("Programs")

    def ready(self) -> None:
        from tonle.collect.registry import applier_register, project_source_register
        from tonle.people.timeline import register_timeline_source
        from tonle.programs.appliers import ATTENDANCE
        from tonle.programs.selectors import attendance_timeline, projects_of_user

        register_timeline_source(attendance_timeline)
        project_source_register(projects_of_user)
        applier_register(ATTENDANCE)
