"""Helpers for forms: putting a service's refusal onto the form, field by field."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.forms import Form


def add_service_errors(form: Form, invalid: ValidationError) -> None:
    """Mark each field a service refused; a refusal of no field of the form goes on top."""
    for field, errors in invalid.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def error_text(invalid: ValidationError) -> str:
    """A service's refusal as one sentence for a message at the top of the page."""
    return " ".join(
        str(message) for messages in invalid.message_dict.values() for message in messages
    )
