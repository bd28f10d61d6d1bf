"""Admin for participants, with their change history; every save goes through the registry's
service, so her search keys follow her name."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from tonle.people.models import Participant
from tonle.people.services import participant_save


@admin.register(Participant)
class ParticipantAdmin(SimpleHistoryAdmin):
    list_display = ["id", "name_km", "name_latin", "sex", "birth_year", "village"]
    search_fields = ["name_latin_key", "name_km_key", "phone_key"]
    list_filter = ["sex", "has_disability", "has_national_id", "consent_given"]
    raw_id_fields = ["village", "consent_recorded_by", "registered_by", "account"]

    def save_model(self, request: HttpRequest, obj: Participant, form: Any, change: bool) -> None:
        participant_save(by=request.user, participant=obj)
