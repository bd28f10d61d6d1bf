"""Long lists a page at a time: every list that can grow says how many there are and reaches
its last item. Used with the pager include (templates/includes/pager.html)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict

PER_PAGE = 50
_LARGEST_ID = 2**63 - 1  # a bigint; a larger number cannot be looked up (SQLite overflows)
# Page numbers linked either side of the current one; the first and last are always linked.
_AROUND = 2


class LinkedPage(Page):
    """A page that links to the others, keeping the list's search and filters in its links.

    Links are built here, as plain ASCII query strings, so a page number is never printed
    with a thousands separator or in Khmer digits inside a URL.
    """

    param: str = "page"
    query: QueryDict
    anchor: str = ""

    def url(self, number: int) -> str:
        query = self.query.copy()
        query[self.param] = str(number)
        return f"?{query.urlencode()}{'#' + self.anchor if self.anchor else ''}"

    @property
    def previous_url(self) -> str:
        return self.url(self.previous_page_number()) if self.has_previous() else ""

    @property
    def next_url(self) -> str:
        return self.url(self.next_page_number()) if self.has_next() else ""

    @property
    def links(self) -> list[tuple[int | None, str]]:
        """(number, link) of the pages to offer; (None, "") stands for the pages skipped."""
        last = self.paginator.num_pages
        wanted = {1, last, *range(self.number - _AROUND, self.number + _AROUND + 1)}
        links: list[tuple[int | None, str]] = []
        for number in sorted(n for n in wanted if 1 <= n <= last):
            if links and links[-1][0] is not None and number - links[-1][0] > 1:
                links.append((None, ""))
            links.append((number, self.url(number)))
        return links


class _LinkingPaginator(Paginator):
    def _get_page(self, *args: Any, **kwargs: Any) -> LinkedPage:
        return LinkedPage(*args, **kwargs)


def page_of(
    request: HttpRequest,
    items: QuerySet | Sequence,
    *,
    per_page: int = PER_PAGE,
    param: str = "page",
    anchor: str = "",
) -> LinkedPage:
    """The page of `items` that `?<param>=` asks for: the first page when the number is not
    a number, the last when it is past the end. Scope and filters are applied before; a
    queryset must be ordered, so that no item is skipped or shown twice between pages.

    Two lists on one page take two params (and an anchor, to come back to the list).
    """
    page = _LinkingPaginator(items, per_page).get_page(request.GET.get(param))
    page.param, page.anchor = param, anchor
    page.query = request.GET.copy()
    page.query.pop(param, None)
    return page


def id_in_query(value: str | None) -> int | None:
    """The id a list's filter asks for (?provider=12), or None when it is not one: a link
    edited by hand never fails the page."""
    if not value or not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 0 < number <= _LARGEST_ID else None
