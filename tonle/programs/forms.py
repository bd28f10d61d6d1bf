"""Forms for activities, inline registration at the door, and sign-in sheets."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tonle.people.forms import ParticipantForm, VillageChoiceField
from tonle.programs.models import Activity, Project
from tonle.programs.sheets import COLUMNS


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = [
            "name_km",
            "name_en",
            "date",
            "component",
            "activity_type",
            "topic",
            "village",
            "place",
            "facilitator",
        ]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        field_classes = {"village": VillageChoiceField}

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["component"].queryset = project.components.all()
        self.fields["village"].queryset = project.communities.select_related("commune")
        self.fields["date"].initial = timezone.localdate()


class DoorRegistrationForm(ParticipantForm):
    """Registering a woman at the door: the few fields that matter, the rest later."""

    class Meta(ParticipantForm.Meta):
        fields = ["name_km", "name_latin", "birth_year", "village", "phone", "consent_given"]


class SheetUploadForm(forms.Form):
    sheet = forms.FileField(
        label=_("Sign-in sheet (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt"}),
    )


class RowCorrectionForm(forms.Form):
    """One text box per column the sheet can have, pre-filled with what the row holds now."""

    def __init__(self, *args: Any, values: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for column, (label, _aliases) in COLUMNS.items():
            self.fields[column] = forms.CharField(
                label=label, required=False, initial=values.get(column, "")
            )
