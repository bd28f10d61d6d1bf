"""Admin for Smart Women groups; their members are added, ended and moved on the group's page."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from tonle.groups.models import GroupMembership, SmartWomenGroup


class MembershipInline(admin.TabularInline):
    """Read only here: a membership is written by the groups services, which refuse overlaps."""

    model = GroupMembership
    extra = 0
    fields = ["participant", "role", "started_on", "ended_on"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(SmartWomenGroup)
class SmartWomenGroupAdmin(admin.ModelAdmin):
    list_display = ["name_en", "project", "village", "supervising_body", "started_on"]
    search_fields = ["name_en", "name_km"]
    raw_id_fields = ["village"]
    inlines = [MembershipInline]
