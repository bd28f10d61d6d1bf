"""Small-cell suppression for those who see figures but no names (donors, later the public).

A figure of fewer than five people could point at a woman, so it is not shown. Hiding one
cell alone is not enough when the others and the total are shown (it is found by
subtraction), so the next smallest cell is hidden with it: complementary suppression.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping
from typing import Any, TypeVar

SMALLEST_SHOWN = 5

Key = TypeVar("Key", bound=Hashable)


def too_small(value: float | None) -> bool:
    return value is not None and 0 < value < SMALLEST_SHOWN


def safe_pair(a: float | None, b: float | None) -> bool:
    """Two figures of the same people may stand side by side: neither small, nor their gap."""
    if a is None or b is None or too_small(a) or too_small(b):
        return False
    return not too_small(abs(a - b))


def suppressed(
    values: Mapping[Key, float],
    relations: Iterable[list[Key]],
    *,
    released: Collection[Key] = (),
    also: Iterable[Key] = (),
) -> set[Key]:
    """The figures to hide so that none from 1 to 4 can be read or worked out.

    Each relation is a total followed by its cells (a table's row or column, a period and its
    sub-periods): a relation with exactly one hidden figure gives it away by subtraction, and
    hidden cells that add up to 1 to 4 beside a shown total give their sum away, so another of
    the relation (its smallest cell, else its total) is hidden, until no relation is exposed. A total under 5 hides its cells, as they are smaller still. `released`
    figures are published on purpose and never hidden; `also` are hidden for other reasons.
    """
    relations = [list(r) for r in relations]
    hidden = {k for k, v in values.items() if too_small(v) and k not in released}
    hidden |= set(also) - set(released)
    changed = True
    while changed:
        changed = False
        for relation in relations:
            if not _exposed(relation, values, hidden):
                continue
            candidates = [
                k for k in relation if k not in hidden and k not in released and values.get(k)
            ]
            if candidates:
                hidden.add(min(candidates, key=lambda k: (k == relation[0], values[k])))
                changed = True
    return hidden


def _exposed(relation: list[Any], values: Mapping[Any, Any], hidden: set[Any]) -> bool:
    count = sum(1 for k in relation if k in hidden)
    if count == 1:
        return True
    total = values.get(relation[0])
    return (
        bool(total)
        and relation[0] not in hidden
        and too_small(sum(values.get(k) or 0 for k in relation[1:] if k in hidden))
    )


def hidden_cells(values: list[float]) -> set[int]:
    """The positions of a table's cells that must not be shown (the table has no total)."""
    return suppressed(dict(enumerate(values)), [[None, *range(len(values))]])


def protected_table(
    total: Any, splits: Mapping[str, Mapping[str, Any]], *, released: bool = False
) -> tuple[Any, dict[str, dict[str, Any]]]:
    """A figure and its splits with what must be hidden set to None (each split with the
    total is a relation)."""
    values: dict[tuple[str, str], Any] = {("", ""): total}
    values.update({(d, k): v for d, cells in splits.items() for k, v in cells.items()})
    relations = [[("", ""), *((d, k) for k in cells)] for d, cells in splits.items()]
    hidden = suppressed(values, relations, released={("", "")} if released else ())
    return (
        None if ("", "") in hidden else total,
        {d: {k: None if (d, k) in hidden else v for k, v in c.items()} for d, c in splits.items()},
    )
