"""The rows of the framework page's split tables, written here rather than by the template
engine: a page has hundreds of cells, and rendering each through nested template tags took a
third of the page's time while managers read it under load."""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any
from urllib.parse import quote

from django import template
from django.utils.safestring import SafeString, mark_safe
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
    for who may see names, or plain); a figure of people carries data-figure for the tests.

    Every piece of text is escaped as it is put in (html.escape, as Django's escape does)."""
    people = indicator.unit == "people"
    hidden = f'<span class="muted" title="{escape(_("Fewer than 5, or hidden with one that is"))}">–</span>'
    figures = escape(f"{indicator.code}:{table['code']}:")
    link = escape(f"{people_url}?dimension={table['code']}&key=")
    period = escape(f"&from={start.isoformat()}&to={end.isoformat()}")
    rows = []
    for key, label, value in table["cells"]:
        figure = f' data-figure="{figures}{escape(key)}"' if people and value is not None else ""
        if value is None:
            shown = hidden
        elif drill and people:
            shown = f'<a href="{link}{escape(quote(key))}{period}">{escape(num(value))}</a>'
        else:
            shown = escape(num(value))
        rows.append(f'<tr><td>{escape(kdigits(label))}</td><td class="n"{figure}>{shown}</td></tr>')
    return mark_safe("".join(rows))
