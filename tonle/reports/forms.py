"""The section editor: English and Khmer side by side, one form per section."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.forms import modelformset_factory
from django.utils.translation import gettext_lazy as _

from tonle.lib.images import image_clean
from tonle.reports.models import ReportTemplate, Section
from tonle.results.models import IndicatorUnit


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


class ReleaseForm(forms.Form):
    """Publish one small figure in this report: which, and why."""

    code = forms.ChoiceField(label=_("indicator"))
    reason = forms.CharField(
        label=_("why it may be published"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("e.g. the women agreed that their new roles be celebrated in the report"),
    )  # fmt: skip

    def __init__(self, *args, template: ReportTemplate, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        indicators = template.project.indicators.filter(unit=IndicatorUnit.PEOPLE)
        self.fields["code"].choices = [(i.code, f"{i.name} ({i.code})") for i in indicators]


class IssueForm(forms.Form):
    """Issuing freezes the figures for good: the manager says she checked them first."""

    confirm = forms.BooleanField(
        label=_("I have checked the figures; once issued, they are frozen"), required=True,
        error_messages={"required": _("Tick “I have checked the figures” to issue the report: "
                                      "once issued, its figures cannot change.")},
    )  # fmt: skip
