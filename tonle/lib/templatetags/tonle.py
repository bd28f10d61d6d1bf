"""Template filters every page uses: numbers and dates in the reader's language."""

from __future__ import annotations

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import get_language

from tonle.lib.text import to_khmer_digits

register = template.Library()


def _khmer_page() -> bool:
    return (get_language() or "en").startswith("km")


@register.filter
def num(value: object) -> str:
    """A count as the reader writes it: 2,814 in English, ២,៨១៤ in Khmer."""
    if value is None or value == "":
        return ""
    # A whole number (most figures) the quick way: the same digits and commas as intcomma.
    text = f"{value:,}" if type(value) is int else intcomma(value, use_l10n=False)
    return to_khmer_digits(str(text)) if _khmer_page() else str(text)


# For messages built in Python: the same figures as the pages show.
format_count = num


@register.filter
def kdigits(value: object) -> str:
    """Any text (a formatted date, a year) with Khmer digits on Khmer pages."""
    if value is None:
        return ""
    return to_khmer_digits(str(value)) if _khmer_page() else str(value)
