"""Phone photos of a whole A4 page (the benchmark's level 3: 1600 x 1200 JPEG, the page on its side on a table,
another sheet under it, a hand, letters about 8 px high), read from the file as a user would bring it.

Before the sheet was warped bicubic, the form below read at 44.8% CER (5 readings) and the receipt at 12.6%:
bilinear warping at fractional offsets blurred strokes that had no pixel to spare.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.metrics import cer
from benchmarks.synth import generate_page
from benchmarks.synth.files import save_page
from ocr.pipeline import OcrOptions, read_file_page


def _photo(kind: str, seed: int, folder: Path) -> tuple[str, Path]:
    page = generate_page(kind, seed, 3, capture="photo")
    assert page.metadata["damage"]["clutter"] == ["edge", "hand", "sheet"]
    return page.text, save_page(page, folder / f"{kind}_{seed}{page.suffix}")


def test_a_photographed_form_on_another_sheet_reads_its_small_letters(tmp_path: Path) -> None:
    truth, path = _photo("form", 3, tmp_path)
    result, cleaned = read_file_page(path, 0, OcrOptions(read_qr=False))
    assert "sheet-flattened" in result.flags and not result.blank
    assert cer(truth, result.text) < 0.10


def test_a_photographed_receipt_reads_its_tone_marks(tmp_path: Path) -> None:
    truth, path = _photo("receipt", 4, tmp_path)
    result, _ = read_file_page(path, 0, OcrOptions(read_qr=False))
    assert cer(truth, result.text) < 0.08

