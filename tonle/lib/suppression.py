"""Small-cell suppression for those who see figures but no names (donors, later the public).

A figure of fewer than five people could point at a woman, so it is not shown. Hiding one
cell alone is not enough when the others and the total are shown (it is found by
subtraction), so the next smallest cell is hidden with it: complementary suppression.
"""

from __future__ import annotations

SMALLEST_SHOWN = 5


def too_small(value: float | None) -> bool:
    return value is not None and 0 < value < SMALLEST_SHOWN


def hidden_cells(values: list[float]) -> set[int]:
    """The positions of a table's cells that must not be shown."""
    hidden = {i for i, value in enumerate(values) if too_small(value)}
    if len(hidden) == 1:
        others = sorted(
            (i for i, v in enumerate(values) if i not in hidden and v), key=lambda i: values[i]
        )
        hidden.update(others[:1])
    return hidden
