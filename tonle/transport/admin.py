"""Admin for drivers and their contracts, each saved through the transport services."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from tonle.lib.admin import ServiceCheckedForm
from tonle.transport.models import Contract, Driver
from tonle.transport.services import contract_check, contract_save, driver_save


class ContractForm(ServiceCheckedForm):
    def service_check(self, instance: Contract) -> None:
        contract_check(contract=instance)


class ContractFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        """Two new contracts of one form may overlap each other: the service sees one at a time."""
        super().clean()
        spells = sorted(
            (
                form.cleaned_data
                for form in self.forms
                if form.cleaned_data and not form.errors and not form.cleaned_data.get("DELETE")
            ),
            key=lambda spell: (spell["project"].pk, spell["starts_on"]),
        )
        for before, after in pairwise(spells):
            if before["project"] == after["project"] and after["starts_on"] <= before["ends_on"]:
                raise ValidationError(_("Two contracts of this driver for one project overlap."))


class ContractInline(admin.TabularInline):
    model = Contract
    form = ContractForm
    formset = ContractFormSet
    extra = 0
    # A contract with trips is kept: end it instead (its trips are paid under it).
    can_delete = False
    fields = ["project", "starts_on", "ends_on", "fare_rule", "rate", "ceiling"]


@admin.register(Driver)
class DriverAdmin(SimpleHistoryAdmin):
    list_display = ["name", "phone", "vehicle", "commune", "active"]
    list_filter = ["active"]
    search_fields = ["name", "phone", "vehicle"]
    raw_id_fields = ["commune"]
    inlines = [ContractInline]

    def save_model(self, request: HttpRequest, obj: Driver, form: Any, change: bool) -> None:
        driver_save(by=request.user, driver=obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for contract in formset.save(commit=False):
            contract_save(by=request.user, contract=contract)
