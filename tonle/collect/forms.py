"""Forms of the collect pages: an XLSForm upload and its mapping, the phone password, the
submissions filter and a submission's corrections."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tonle.collect.applying import FormField
from tonle.collect.models import ImportKind, RowStatus
from tonle.collect.registry import Applier


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


class MappingForm(forms.Form):
    """For each kind of record: whether the form records it, and for each of its fields the
    form's question it comes from, or a value that is the same for every submission."""

    def __init__(
        self,
        *args: Any,
        appliers: list[Applier],
        fields: list[FormField],
        initial_kinds: dict[str, dict[str, dict[str, str]]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.appliers = appliers
        # Shown without the form's root (/data/), which every question shares.
        questions = [("", "—")] + [(f.xpath, _shown(f.xpath)) for f in fields if not f.repeat]
        repeats = [("", "—")] + [(f.xpath, _shown(f.xpath)) for f in fields if f.repeat]
        self.groups = []
        for applier in appliers:
            plan = initial_kinds.get(applier.kind)
            use = forms.BooleanField(label=applier.label, required=False, initial=plan is not None)
            self.fields[f"use|{applier.kind}"] = use
            rows = []
            for target in applier.fields:
                key = f"{applier.kind}|{target.name}"
                self.fields[key] = forms.ChoiceField(
                    label=target.label,
                    required=False,
                    choices=repeats if target.repeat else questions,
                    initial=(plan or {}).get("fields", {}).get(target.name, ""),
                )
                self.fields[f"{key}|value"] = forms.CharField(
                    label=_("or always"),
                    required=False,
                    max_length=200,
                    initial=(plan or {}).get("constants", {}).get(target.name, ""),
                )
                rows.append((self[key], self[f"{key}|value"], target))
            self.groups.append((applier, self[f"use|{applier.kind}"], rows))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any(cleaned.get(f"use|{a.kind}") for a in self.appliers):
            raise forms.ValidationError(_("Choose at least one kind of record the form records."))
        return cleaned

    def kinds(self) -> dict[str, dict[str, dict[str, str]]]:
        kinds = {}
        for applier in self.appliers:
            if not self.cleaned_data.get(f"use|{applier.kind}"):
                continue
            fields, constants = {}, {}
            for target in applier.fields:
                key = f"{applier.kind}|{target.name}"
                if self.cleaned_data.get(key):
                    fields[target.name] = self.cleaned_data[key]
                elif self.cleaned_data.get(f"{key}|value"):
                    constants[target.name] = self.cleaned_data[f"{key}|value"].strip()
            kinds[applier.kind] = {"fields": fields, "constants": constants}
        return kinds


def _shown(xpath: str) -> str:
    return xpath.lstrip("/").split("/", 1)[-1]


class CorrectionForm(forms.Form):
    """A corrected answer for each field the submission failed on, named by its path."""

    def __init__(self, *args: Any, submission: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.paths = list(dict.fromkeys([*submission.errors, *submission.corrections]))
        for number, path in enumerate(self.paths):
            self.fields[f"c{number}"] = forms.CharField(
                label=path,
                required=False,
                max_length=500,
                initial=submission.corrections.get(path, ""),
                help_text=submission.errors.get(path, ""),
            )

    def corrections(self) -> dict[str, str]:
        return {
            path: self.cleaned_data[f"c{number}"].strip()
            for number, path in enumerate(self.paths)
            if self.cleaned_data.get(f"c{number}", "").strip()
        }


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
