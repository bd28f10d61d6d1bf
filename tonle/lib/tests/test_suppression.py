"""Small cells are hidden from who sees no names, and one hidden cell never stands alone."""

from tonle.lib.suppression import hidden_cells


def test_cells_under_five_are_hidden():
    assert hidden_cells([12, 3, 7, 4]) == {1, 3}


def test_a_lone_small_cell_is_hidden_with_the_next_smallest_so_subtraction_finds_nothing():
    assert hidden_cells([40, 2, 9, 15]) == {1, 2}


def test_nothing_is_hidden_when_every_cell_is_large_enough_and_empty_cells_stay():
    assert hidden_cells([5, 0, 80]) == set()
