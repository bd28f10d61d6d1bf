"""Forms for registering and correcting a participant, and for deciding about two records."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from tonle.accounts.models import User
from tonle.lib.forms import DATE_INPUT
from tonle.people.models import DuplicateAnswer, Participant
from tonle.people.selectors import villages_in_scope
from tonle.people.services import (
    EDITABLE_FIELDS,
    MERGE_CHOICES,
    MERGED,
    SURVIVOR,
    merge_defaults,
)


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


# Each choice of a merge as the review page names it (people.services.MERGE_CHOICES).
MERGE_LABELS = {
    "name_km": _("Name in Khmer"),
    "name_latin": _("Name in Latin letters"),
    "sex": _("Sex"),
    "birth": _("Born"),
    "village": _("Village"),
    "phone": _("Phone"),
    "has_disability": _("Disability"),
    "has_national_id": _("National ID card"),
    "consent": _("Consent"),
}
FIRST, SECOND = "first", "second"


def merge_value_shown(person: Participant, choice: str) -> str:
    """What a record holds for one choice of a merge, as the review page prints it."""
    if choice == "sex":
        return str(person.get_sex_display())
    if choice == "birth":
        if person.date_of_birth:
            return date_format(person.date_of_birth)
        return str(person.birth_year or "—")
    if choice == "village":
        return person.village.full_name
    if choice in ("has_disability", "has_national_id"):
        return str(_("yes") if getattr(person, choice) else _("no"))
    if choice == "consent":
        if not person.consent_given:
            return str(_("not given"))
        return str(_("given on %(date)s") % {"date": date_format(person.consent_date)})
    return str(getattr(person, choice) or "—")


class DuplicatePairForm(forms.Form):
    """Same, different or not sure; for "same", which record is kept and, for each field the
    two records disagree on, which value. Offered first: the record with more of her records
    kept, a blank filled, and never the wider consent (people.services.merge_defaults)."""

    decision = forms.ChoiceField(choices=DuplicateAnswer.choices)
    survivor = forms.ChoiceField(label=_("Keep the record"), widget=forms.RadioSelect)

    def __init__(
        self, *args: Any, first: Participant, second: Participant, keep_first: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.first, self.second = first, second
        self.fields["survivor"].choices = [(FIRST, first.pk), (SECOND, second.pk)]
        self.fields["survivor"].initial = FIRST if keep_first else SECOND
        survivor, merged = (first, second) if keep_first else (second, first)
        defaults = merge_defaults(survivor=survivor, merged=merged)
        self.rows = []
        for choice, label in MERGE_LABELS.items():
            shown = (merge_value_shown(first, choice), merge_value_shown(second, choice))
            differs = any(getattr(first, f) != getattr(second, f) for f in MERGE_CHOICES[choice])
            if differs:
                picked_first = (defaults[choice] == SURVIVOR) == keep_first
                self.fields[f"keep_{choice}"] = forms.ChoiceField(
                    label=label,
                    choices=[(FIRST, shown[0]), (SECOND, shown[1])],
                    widget=forms.RadioSelect,
                    initial=FIRST if picked_first else SECOND,
                    required=False,
                )
            self.rows.append((choice, label, shown, differs))

    def rows_with_fields(self) -> list[tuple[str, Any, tuple[str, str], Any]]:
        """(choice, label, (first's value, second's), the bound radio field or None)."""
        return [
            (choice, label, shown, self[f"keep_{choice}"] if differs else None)
            for choice, label, shown, differs in self.rows
        ]

    def survivor_and_merged(self) -> tuple[Participant, Participant]:
        if self.cleaned_data["survivor"] == FIRST:
            return self.first, self.second
        return self.second, self.first

    def merge_values(self) -> dict[str, str]:
        keep_first = self.cleaned_data["survivor"] == FIRST
        values = {}
        for choice, _label, _shown, differs in self.rows:
            picked = self.cleaned_data.get(f"keep_{choice}") if differs else ""
            if picked:
                values[choice] = SURVIVOR if (picked == FIRST) == keep_first else MERGED
        return values
