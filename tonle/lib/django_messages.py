"""Django's own form messages that its Khmer catalogue lacks, listed so makemessages gives them ours.

Nothing imports this module; its strings only need to be found by makemessages. Each is
copied exactly from Django 5.2 so that our catalogue (first in LOCALE_PATHS) answers for it.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

MESSAGES = [
    gettext_noop("This field is required."),
    gettext_noop("Enter a whole number."),
    gettext_noop("Enter a number."),
    gettext_noop("Enter a valid date."),
    gettext_noop("Enter a valid value."),
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
    gettext_noop("Select a valid choice. That choice is not one of the available choices."),
    gettext_noop("Ensure this value is less than or equal to %(limit_value)s."),
    gettext_noop("Ensure this value is greater than or equal to %(limit_value)s."),
    gettext_noop("No file was submitted. Check the encoding type on the form."),
    gettext_noop("No file was submitted."),
    gettext_noop("The submitted file is empty."),
    gettext_noop("Currently"),
    gettext_noop("Change"),
    gettext_noop("Clear"),
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
]
