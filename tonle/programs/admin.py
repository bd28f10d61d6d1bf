"""Admin for the lookups an administrator keeps: organisations, projects, components, types, topics."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tonle.programs.models import (
    Activity,
    ActivityType,
    Component,
    Organisation,
    Project,
    ProjectMembership,
    Topic,
)


class ComponentInline(admin.TabularInline):
    model = Component
    extra = 0


class MembershipInline(admin.TabularInline):
    model = ProjectMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name_en", "slug", "organisation", "starts_on", "ends_on"]
    search_fields = ["name_en", "name_km", "slug"]
    filter_horizontal = ["funders"]
    autocomplete_fields = ["communities"]
    inlines = [ComponentInline, MembershipInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_km", "kind", "commune"]
    list_filter = ["kind"]
    search_fields = ["name_en", "name_km"]
    raw_id_fields = ["commune"]


@admin.register(ActivityType, Topic)
class LookupAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_km"]
    search_fields = ["code", "name_en", "name_km"]


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin):
    list_display = ["title", "date", "project", "activity_type", "village"]
    list_filter = ["project", "activity_type", "component"]
    # The title is read from the English or the Khmer name: search both (not `title`,
    # which is no column).
    search_fields = ["name_en", "name_km"]
    date_hierarchy = "date"
    raw_id_fields = ["village"]
