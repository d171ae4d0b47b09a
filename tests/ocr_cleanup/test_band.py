"""The band of text lines a weak page's extra readings are tried on: the densest third, across the lines."""

from __future__ import annotations

import numpy as np

from ocr.cleanup.band import BAND_SHARE, Band, text_band, words_in
from ocr.model import PageText, Word


def page_with_text_rows(height: int, width: int, rows: list[tuple[int, int]]) -> np.ndarray:
    """White page with black bars on rows [top, bottom) standing in for lines of text."""
    page = np.full((height, width), 255, np.uint8)
    for top, bottom in rows:
        for y in range(top, bottom, 40):
            page[y:y + 20, 100:width - 100] = 0
    return page


def word(text: str, left: int, top: int, conf: float = 90.0) -> Word:
    return Word(text=text, left=left, top=top, width=60, height=20, confidence=conf, block=1, paragraph=1, line=1)


def test_the_band_covers_the_densest_rows():
    page = page_with_text_rows(3000, 2000, [(100, 300), (1500, 2400)])
    band = text_band(page)
    assert band is not None
    assert band.bottom - band.top == round(3000 * BAND_SHARE)
    assert (band.left, band.right) == (0, 2000)
    assert 1500 - 40 <= band.top and band.bottom <= 2400 + 40  # inside the dense block, not the sparse one
    assert band.share(page.shape) < 0.35


def test_lines_running_down_get_a_band_of_columns():
    page = page_with_text_rows(2000, 3000, [(200, 1800)]).T.copy()  # the same lines, on end
    band = text_band(page, lines_run_down=True)
    assert band is not None and (band.top, band.bottom) == (0, page.shape[0])
    assert band.right - band.left == round(page.shape[1] * BAND_SHARE)


def test_a_small_page_is_read_whole():
    assert text_band(page_with_text_rows(600, 800, [(100, 500)])) is None
    # Tall enough, but a receipt photo's 1.3 Mpx: a band would save little and decide less surely.
    assert text_band(page_with_text_rows(1300, 1000, [(100, 1200)])) is None


def test_words_in_keeps_only_the_band_and_weighs_confidence_by_length():
    band = Band(100, 200, 0, 1000)
    text = PageText(words=[word("Quyết", 10, 110, 90), word("định", 100, 150, 60), word("số", 10, 500, 10)],
                    text="", mean_confidence=0.0)
    part = words_in(text, band)
    assert [w.text for w in part.words] == ["Quyết", "định"]
    assert part.mean_confidence == (90 * 5 + 60 * 4) / 9

