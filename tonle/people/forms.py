"""Forms for registering and correcting a participant."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tonle.accounts.models import User
from tonle.lib.forms import DATE_INPUT
from tonle.people.models import Participant
from tonle.people.selectors import villages_in_scope
from tonle.people.services import EDITABLE_FIELDS


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} — {obj.commune.name}"


class ParticipantForm(forms.ModelForm):
    confirm_new = forms.BooleanField(
        label=_("She is not one of the people listed above: register her as a new person"),
        required=False,
    )

    class Meta:
        model = Participant
        fields = list(EDITABLE_FIELDS)
        widgets = {
            "date_of_birth": DATE_INPUT,
            "consent_date": DATE_INPUT,
            "birth_year": forms.NumberInput(attrs={"inputmode": "numeric", "min": 1900}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
            "name_km": forms.TextInput(attrs={"lang": "km", "autocomplete": "off"}),
            "name_latin": forms.TextInput(attrs={"autocomplete": "off"}),
        }
        field_classes = {"village": VillageChoiceField}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Consent is asked, never assumed: the box starts unticked and the date empty.
        self.fields["village"].queryset = villages_in_scope(user=user).select_related("commune")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not (data.get("name_km") or data.get("name_latin")):
            self.add_error("name_latin", _("Write her name in Khmer or in Latin letters."))
        today = timezone.localdate()
        born = data.get("date_of_birth")
        if born and born > today:
            self.add_error("date_of_birth", _("The date of birth cannot be in the future."))
        year = data.get("birth_year")
        if year and not 1900 <= year <= today.year:
            self.add_error("birth_year", _("Give a year between 1900 and this year."))
        if born and year and born.year != year:
            self.add_error("birth_year", _("The year of birth does not match the date of birth."))
        if data.get("consent_given") and not data.get("consent_date"):
            data["consent_date"] = today
        consent_date: dt.date | None = data.get("consent_date")
        if consent_date and consent_date > today:
            self.add_error("consent_date", _("The consent date cannot be in the future."))
        return data

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}


def consent_missing_message(*, participant: Participant) -> str:
    """What the officer reads after saving a woman who has not (yet) given her consent."""
    return _(
        "%(name)s is saved without her consent. Ask her, and record her answer on her page."
    ) % {"name": participant}


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Name or phone"), required=False)
    village = forms.IntegerField(required=False, widget=forms.HiddenInput)
