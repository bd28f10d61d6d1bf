"""Forms for activities, inline registration at the door, and sign-in sheets."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from tonle.geo.models import Village
from tonle.lib.forms import DATE_INPUT
from tonle.people.forms import ParticipantForm, VillageChoiceField
from tonle.programs.models import Activity, Project
from tonle.programs.sheets import COLUMNS, village_find, village_lookup


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
        widgets = {"date": DATE_INPUT}
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
    """One box per column the sheet can have, pre-filled with what the row holds now.

    The village is a choice of the project's villages (the one the row names, if it is one).
    """

    def __init__(
        self, *args: Any, values: dict[str, str], villages: list[Village], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for column, (label, _aliases) in COLUMNS.items():
            self.fields[column] = forms.CharField(
                label=capfirst(label), required=False, initial=values.get(column, "")
            )
        found = village_find(village_lookup(villages), values.get("village", ""))
        self.fields["village"] = forms.ChoiceField(
            label=capfirst(COLUMNS["village"][0]),
            required=False,
            choices=[
                ("", _("Choose her village")),
                *((v.code, f"{v.name} — {v.commune.name}") for v in villages),
            ],
            initial=found.code if found else "",
        )

    def corrections(self) -> dict[str, str]:
        """What the officer wrote, by column; a village left unchosen stays as it arrived."""
        corrections = {column: value.strip() for column, value in self.cleaned_data.items()}
        if not corrections.get("village"):
            corrections.pop("village", None)
        return corrections
