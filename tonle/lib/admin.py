"""Helpers for the admin site: its forms ask the same services as the pages do."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from tonle.lib.forms import add_service_errors


class ServiceCheckedForm(forms.ModelForm):
    """An admin form that runs its service's checks once the fields are valid.

    A refusal shows beside the field it names, as on the pages; without this the service
    would refuse only in `save_model`, after the form was accepted, and the admin would 500.
    """

    def service_check(self, instance: Any) -> None:
        """Raise the service's ValidationError for the record as it would be saved."""

    def _post_clean(self) -> None:
        super()._post_clean()
        if self.errors:
            return
        try:
            self.service_check(self.instance)
        except ValidationError as refused:
            add_service_errors(self, refused)
