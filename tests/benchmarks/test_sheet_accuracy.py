"""The sheet-finder accuracy benchmark scores what it claims to."""

from __future__ import annotations

from benchmarks.sheet_accuracy import _range, score, true_corners


def test_true_corners_are_put_in_screen_order_whatever_the_page_turn():
    # A page turned a quarter: its printed TL lies at the screen's top right.
    printed = [[90.0, 10.0], [100.0, 80.0], [5.0, 90.0], [0.0, 5.0]]
    assert true_corners(printed).tolist() == [[0.0, 5.0], [90.0, 10.0], [100.0, 80.0], [5.0, 90.0]]


def test_a_clean_photo_scores_a_found_sheet_at_its_corners():
    outcome = score((1, 1))
    assert outcome.name == "receipt_1_L1" and outcome.method is not None
    assert outcome.error <= 0.015 and outcome.lost <= 0.02 and abs(outcome.extra) <= 0.02


def test_seed_ranges_include_both_ends():
    assert _range("24-26") == [24, 25, 26] and _range("7") == [7]
