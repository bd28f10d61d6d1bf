"""The section editor: English and Khmer side by side, one form per section."""

from __future__ import annotations

from django import forms
from django.forms import modelformset_factory

from tonle.reports.models import Section


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["order", "kind", "heading_en", "heading_km", "body_en", "body_km", "indicator",
                  "photo"]  # fmt: skip
        widgets = {
            "body_en": forms.Textarea(attrs={"rows": 8, "lang": "en"}),
            "body_km": forms.Textarea(attrs={"rows": 8, "lang": "km"}),
            "order": forms.NumberInput(attrs={"class": "narrow"}),
        }


SectionFormSet = modelformset_factory(Section, form=SectionForm, extra=1, can_delete=True)
