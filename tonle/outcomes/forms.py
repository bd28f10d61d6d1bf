"""Forms for outcomes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from tonle.lib.forms import DATE_INPUT, preselect_only_choice
from tonle.outcomes.models import Assessment, Milestone, Story


class _ProjectForm(forms.ModelForm):
    date_field = "date"

    def __init__(self, *args: Any, projects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields[self.date_field].initial = timezone.localdate()
        preselect_only_choice(self, "project")


class MilestoneForm(_ProjectForm):
    class Meta:
        model = Milestone
        fields = ["project", "kind", "date", "evidence"]
        widgets = {"date": DATE_INPUT, "evidence": forms.Textarea(attrs={"rows": 3})}


class StoryForm(_ProjectForm):
    date_field = "written_on"

    class Meta:
        model = Story
        fields = [
            "project",
            "title",
            "text",
            "language",
            "title_km",
            "text_km",
            "written_on",
            "photo",
            "consent_to_publish",
            "consent_to_name",
            "consent_to_photo",
        ]
        widgets = {
            "written_on": DATE_INPUT,
            "text": forms.Textarea(attrs={"rows": 8}),
            "title_km": forms.TextInput(attrs={"lang": "km"}),
            "text_km": forms.Textarea(attrs={"rows": 8, "lang": "km"}),
        }


class AssessmentForm(_ProjectForm):
    class Meta:
        model = Assessment
        fields = ["project", "stage", "date", "confidence", "knowledge"]
        widgets = {"date": DATE_INPUT}
