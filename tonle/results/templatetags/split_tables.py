"""The rows of the framework page's split tables, written here rather than by the template
engine: a page has hundreds of cells, and rendering each through nested template tags took a
third of the page's time while managers read it under load."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from tonle.lib.templatetags.tonle import kdigits, num
from tonle.results.models import Indicator

register = template.Library()


@register.simple_tag
def split_rows(
    table: dict[str, Any],
    indicator: Indicator,
    people_url: str,
    start: dt.date,
    end: dt.date,
    drill: bool,
) -> SafeString:
    """One <tr> per cell: its label, then its figure (hidden, linked to the women behind it
    for who may see names, or plain); a figure of people carries data-figure for the tests."""
    people = indicator.unit == "people"
    hidden = format_html(
        '<span class="muted" title="{}">–</span>', _("Fewer than 5, or hidden with one that is")
    )
    rows = []
    for key, label, value in table["cells"]:
        figure = ""
        if people and value is not None:
            figure = format_html(' data-figure="{}:{}:{}"', indicator.code, table["code"], key)
        if value is None:
            shown = hidden
        elif drill and people:
            shown = format_html(
                '<a href="{}?dimension={}&amp;key={}&amp;from={}&amp;to={}">{}</a>',
                people_url, table["code"], quote(key), start.isoformat(), end.isoformat(),
                num(value),
            )  # fmt: skip
        else:
            shown = format_html("{}", num(value))
        rows.append((kdigits(label), figure, shown))
    return format_html_join("", '<tr><td>{}</td><td class="n"{}>{}</td></tr>', rows)
