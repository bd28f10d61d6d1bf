"""Admin for service providers and the accounts that read their referrals."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from tonle.lib.admin import ServiceCheckedForm
from tonle.referrals.models import ServiceProvider
from tonle.referrals.services import provider_check, provider_save


class ServiceProviderForm(ServiceCheckedForm):
    def service_check(self, instance: ServiceProvider) -> None:
        provider_check(accounts=self.cleaned_data.get("accounts") or [])


@admin.register(ServiceProvider)
class ServiceProviderAdmin(SimpleHistoryAdmin):
    form = ServiceProviderForm
    list_display = ["name_en", "name_km", "kind", "commune", "phone"]
    list_filter = ["kind"]
    search_fields = ["name_en", "name_km", "phone"]
    raw_id_fields = ["commune", "village"]
    autocomplete_fields = ["accounts"]

    def save_model(
        self, request: HttpRequest, obj: ServiceProvider, form: Any, change: bool
    ) -> None:
        provider_save(by=request.user, provider=obj, accounts=form.cleaned_data["accounts"])

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """The accounts were set by the service with the provider; nothing else is related."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
