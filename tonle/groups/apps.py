"""App config for Smart Women groups."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "tonle.groups"
    label = "groups"
    verbose_name = _("Smart Women groups")

    def ready(self) -> None:
        from tonle.groups.models import GroupMembership
        from tonle.groups.selectors import membership_timeline, mentor_group_members
        from tonle.groups.services import memberships_clashing_in_merge
        from tonle.people.merging import merge_step_register, records_merge_step
        from tonle.people.selectors import mentor_scope_register
        from tonle.people.timeline import register_timeline_source

        register_timeline_source(membership_timeline)
        mentor_scope_register(mentor_group_members)
        merge_step_register(
            records_merge_step(
                name="membership", label=_("Smart Women group memberships"),
                model=GroupMembership, clashing=memberships_clashing_in_merge,
            )
        )  # fmt: skip
