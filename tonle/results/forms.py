"""The indicator editor: an M&E manager defines an indicator without code."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tonle.programs.models import Project
from tonle.results.indicators import MEASURES, Measure
from tonle.results.models import Direction, Indicator, IndicatorLevel


class IndicatorForm(forms.Form):
    name_en = forms.CharField(label=_("name (English)"), max_length=200, required=False)
    name_km = forms.CharField(label=_("name (Khmer)"), max_length=200, required=False)
    code = forms.SlugField(
        label=_("code"), help_text=_("A short name without spaces, e.g. business-3")
    )
    level = forms.ChoiceField(
        label=_("level"), choices=IndicatorLevel.choices, initial=IndicatorLevel.OUTPUT
    )
    parent = forms.ModelChoiceField(
        label=_("contributes to"), queryset=Indicator.objects.none(), required=False
    )
    position = forms.IntegerField(
        label=_("Position within its level"), min_value=1, required=False,
        help_text=_("1 lists it first among the indicators of its level; leave it empty to list "
                    "it after them."),
    )  # fmt: skip
    measure = forms.ChoiceField(label=_("what it counts"))
    at_least = forms.IntegerField(
        label=_("at least this many records per woman"), min_value=1, required=False,
        help_text=_("e.g. 3: only women who attended at least 3 such activities count"),
    )  # fmt: skip
    direction = forms.ChoiceField(
        label=_("direction"), choices=Direction.choices, initial=Direction.INCREASE
    )
    baseline = forms.DecimalField(label=_("baseline"), initial=0, min_value=0)
    target = forms.DecimalField(
        label=_("target for the whole project"), min_value=0, required=False
    )

    def __init__(self, *args: Any, project: Project, measure: Measure, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.measure = measure
        self.fields["parent"].queryset = project.indicators.all()
        self.fields["measure"].choices = [(code, m.label) for code, m in MEASURES.items()]
        self.fields["measure"].initial = measure.code
        self.fields["measure"].widget.attrs["data-reload"] = "measure"
        for name, choice in measure.filters.items():
            self.fields[f"filter_{name}"] = forms.MultipleChoiceField(
                label=FILTER_LABELS.get(name, name), choices=choice.choices(project), required=False,
                widget=forms.CheckboxSelectMultiple,
            )  # fmt: skip
        if measure.person is None:
            del self.fields["at_least"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not (data.get("name_en") or data.get("name_km")):
            self.add_error("name_en", _("Give the indicator a name, in English or in Khmer."))
        return data

    def definition(self) -> dict[str, Any]:
        filters = {
            name: self.cleaned_data[f"filter_{name}"]
            for name in self.measure.filters
            if self.cleaned_data.get(f"filter_{name}")
        }
        definition: dict[str, Any] = {"measure": self.measure.code}
        if filters:
            definition["filters"] = filters
        if self.cleaned_data.get("at_least"):
            definition["at_least"] = self.cleaned_data["at_least"]
        return definition


FILTER_LABELS = {
    "component": _("Component"),
    "activity_type": _("Activity type"),
    "topic": _("topic"),
    "kind": _("kind"),
    "service": _("service"),
    "status": _("status"),
    "role": _("role"),
    "sex": _("sex"),
}
