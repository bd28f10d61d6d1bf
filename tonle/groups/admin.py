"""Admin for Smart Women groups and their members."""

from django.contrib import admin

from tonle.groups.models import GroupMembership, SmartWomenGroup


class MembershipInline(admin.TabularInline):
    model = GroupMembership
    extra = 0
    raw_id_fields = ["participant"]


@admin.register(SmartWomenGroup)
class SmartWomenGroupAdmin(admin.ModelAdmin):
    list_display = ["name_en", "project", "village", "supervising_body", "started_on"]
    raw_id_fields = ["village"]
    inlines = [MembershipInline]
