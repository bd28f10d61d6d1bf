"""Admin for places: searchable, so a project's communities can be picked from 14,576 villages."""

from django.contrib import admin

from tonle.geo.models import Commune, District, Province, Village


@admin.register(Province, District, Commune)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_km"]
    search_fields = ["code", "name_en", "name_km"]


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_km", "commune"]
    search_fields = ["code", "name_en", "name_km", "commune__name_en"]
    list_select_related = ["commune"]
