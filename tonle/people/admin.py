"""Admin for participants, with their change history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tonle.people.models import Participant


@admin.register(Participant)
class ParticipantAdmin(SimpleHistoryAdmin):
    list_display = ["id", "name_km", "name_latin", "sex", "birth_year", "village"]
    search_fields = ["name_latin_key", "name_km_key", "phone_key"]
    list_filter = ["sex", "has_disability", "has_national_id", "consent_given"]
    raw_id_fields = ["village", "consent_recorded_by", "registered_by", "account"]
