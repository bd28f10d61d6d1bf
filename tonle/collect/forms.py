"""Forms of the collect pages: an XLSForm upload, the phone password, the submissions filter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tonle.collect.models import ImportKind, RowStatus


class XLSFormUploadForm(forms.Form):
    project = forms.TypedChoiceField(label=_("Project"), coerce=int)
    xlsform = forms.FileField(
        label=_("XLSForm (XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls"}),
    )

    def __init__(self, *args: Any, projects: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = [("", "—")] + [(p.id, str(p)) for p in projects]


class PhonePasswordForm(forms.Form):
    password = forms.CharField(
        label=_("New phone password"),
        min_length=8,
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    again = forms.CharField(
        label=_("The same again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password") and cleaned.get("password") != cleaned.get("again"):
            self.add_error("again", _("The two passwords differ."))
        return cleaned


class SubmissionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *RowStatus.choices]
    )


class ImportSourceForm(forms.Form):
    """A source's settings; the sign-in fields are write-only: blank keeps the one kept."""

    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Server"), choices=ImportKind.choices)
    server_url = forms.URLField(label=_("Server address"), max_length=300, assume_scheme="https")
    project = forms.TypedChoiceField(label=_("Project"), coerce=int)
    remote_project = forms.IntegerField(
        label=_("ODK Central project number"), required=False, min_value=1
    )
    token = forms.CharField(
        label=_("KoboToolbox API token"), required=False, max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )  # fmt: skip
    email = forms.EmailField(label=_("ODK Central email"), required=False)
    password = forms.CharField(
        label=_("ODK Central password"), required=False, max_length=200, strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )  # fmt: skip

    def __init__(self, *args: Any, projects: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = [("", "—")] + [(p.id, str(p)) for p in projects]
