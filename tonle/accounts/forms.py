"""The access log's filter."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tonle.accounts.models import RECORD_TYPES, AccessAction
from tonle.lib.forms import DATE_INPUT


class AccessLogFilter(forms.Form):
    username = forms.CharField(label=_("Username"), required=False)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All actions")), *AccessAction.choices]
    )
    record_type = forms.ChoiceField(
        label=_("Record type"),
        required=False,
        choices=[("", _("All records")), *RECORD_TYPES.items()],
    )
    record_id = forms.CharField(label=_("Record"), required=False, max_length=40)
    since = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    until = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)
