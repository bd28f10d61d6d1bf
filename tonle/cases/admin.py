"""Admin for the topics a coaching session can be about."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from tonle.cases.models import SessionTopic
from tonle.cases.services import topic_save


@admin.register(SessionTopic)
class SessionTopicAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name_en", "name_km"]
    search_fields = ["code", "name_en", "name_km"]

    def save_model(self, request: HttpRequest, obj: SessionTopic, form: Any, change: bool) -> None:
        topic_save(by=request.user, topic=obj)
