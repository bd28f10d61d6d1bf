"""Admin for reports: their project, short name and period (sections are written on the report's page)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from tonle.reports.models import ReportTemplate
from tonle.reports.services import report_template_save


@admin.register(ReportTemplate)
class ReportTemplateAdmin(SimpleHistoryAdmin):
    list_display = ["name_en", "project", "slug", "starts_on", "ends_on"]
    list_filter = ["project"]
    search_fields = ["name_en", "name_km", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}

    def save_model(
        self, request: HttpRequest, obj: ReportTemplate, form: Any, change: bool
    ) -> None:
        report_template_save(by=request.user, template=obj)
