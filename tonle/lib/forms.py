"""Helpers for forms: putting a service's refusal onto the form, field by field."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.forms import DateInput, Form


def add_service_errors(form: Form, invalid: ValidationError) -> None:
    """Mark each field a service refused; a refusal of no field of the form goes on top."""
    for field, errors in invalid.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def error_text(invalid: ValidationError) -> str:
    """A service's refusal as one sentence for a message at the top of the page."""
    return " ".join(
        str(message) for messages in invalid.message_dict.values() for message in messages
    )


def preselect_only_choice(form: Form, *names: str) -> None:
    """A choice with a single option is made already: one tap less on a phone."""
    for name in names:
        field = form.fields[name]
        options = list(field.queryset[:2])
        if len(options) == 1 and form.initial.get(name) is None:
            form.initial[name] = options[0].pk


# A date the phone's own date picker fills in, sent as ISO whatever the reader's language.
DATE_INPUT = DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
