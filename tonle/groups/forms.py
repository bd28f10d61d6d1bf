"""Forms of the group page: add a woman, end her membership, move her to another group."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tonle.groups.models import GroupRole, SmartWomenGroup
from tonle.lib.forms import DATE_INPUT
from tonle.people.models import Participant


class MembershipAddForm(forms.Form):
    participant = forms.ModelChoiceField(label=_("woman"), queryset=Participant.objects.none())
    role = forms.ChoiceField(label=_("role"), choices=GroupRole.choices, initial=GroupRole.MEMBER)
    started_on = forms.DateField(label=_("joined on"), widget=DATE_INPUT)

    def __init__(self, *args: Any, women: QuerySet[Participant], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = women
        self.fields["started_on"].initial = timezone.localdate()


class MembershipEndForm(forms.Form):
    ended_on = forms.DateField(label=_("left on"), widget=DATE_INPUT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ended_on"].initial = timezone.localdate()


class MembershipMoveForm(forms.Form):
    to_group = forms.ModelChoiceField(
        label=_("to the group"), queryset=SmartWomenGroup.objects.none()
    )
    on = forms.DateField(label=_("on"), widget=DATE_INPUT)

    def __init__(self, *args: Any, groups: QuerySet[SmartWomenGroup], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_group"].queryset = groups
        self.fields["on"].initial = timezone.localdate()
