"""The section editor: English and Khmer side by side, one form per section."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.forms import modelformset_factory

from tonle.lib.images import image_clean
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

    def clean_photo(self) -> Any:
        """A new photo is kept without its EXIF (GPS included); the one already there stays."""
        photo = self.cleaned_data.get("photo")
        return image_clean(upload=photo) if isinstance(photo, UploadedFile) else photo


SectionFormSet = modelformset_factory(Section, form=SectionForm, extra=1, can_delete=True)
