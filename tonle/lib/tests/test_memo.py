"""A read remembered inside a block, and only there."""

from __future__ import annotations

from tonle.lib.memo import reads_once, remembered


def test_a_read_inside_a_block_is_made_once_and_afresh_after_it():
    reads = []

    def read() -> int:
        reads.append(1)
        return len(reads)

    with reads_once():
        assert [remembered("k", read), remembered("k", read)] == [1, 1]
        assert remembered("other", read) == 2
    assert remembered("k", read) == 3
    assert remembered("k", read) == 4
