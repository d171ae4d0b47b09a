"""What Tesseract reads: the binary's verdict kept, the page's grey levels shown on both sides of it."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from benchmarks.metrics import cer
from benchmarks.synth import generate_page
from benchmarks.synth.files import save_page
from ocr.cleanup.shade import shaded
from ocr.pipeline import OcrOptions, read_file_page


def _letters() -> tuple[np.ndarray, np.ndarray]:
    """A grey page of blurred small print and its binary (Otsu), as the clean-up makes them."""
    gray = np.full((120, 400), 235, np.uint8)
    cv2.putText(gray, "thang nam Luat", (10, 70), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 40, 2, cv2.LINE_AA)
    gray = cv2.GaussianBlur(gray, (3, 3), 0)
    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return gray, binary


def test_ink_stays_darker_than_128_and_paper_lighter_so_otsu_finds_the_same_binary() -> None:
    gray, binary = _letters()
    out = shaded(binary, gray)
    assert np.array_equal(out < 128, binary == 0)
    _, again = cv2.threshold(out, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    assert np.array_equal(again, binary)


def test_the_grey_edge_of_a_letter_is_kept_on_both_sides_of_the_threshold() -> None:
    gray, binary = _letters()
    out = shaded(binary, gray)
    ink = binary == 0
    assert len(np.unique(out[ink])) > 10  # not one black
    halo = (out > 128) & (out < 255)
    assert halo.any() and not (halo & ink).any()
    # Lighter paper shows lighter: the order of the grey levels is the page's.
    a, b = np.nonzero(halo)
    assert np.corrcoef(gray[a, b].astype(float), out[a, b].astype(float))[0, 1] > 0.9


def test_what_the_clean_up_removed_stays_white_even_beside_a_letter() -> None:
    gray, binary = _letters()
    gray = gray.copy()
    # A signature stroke crossing the letters, dark as ink, taken out of the binary by the clean-up.
    cv2.line(gray, (0, 75), (399, 60), 30, 2)
    stroke = np.zeros_like(binary, bool)
    cv2.line(stroke.view(np.uint8), (0, 75), (399, 60), 1, 2)
    out = shaded(binary, gray)
    removed = stroke & (binary == 255)
    assert removed.any() and (out[removed] == 255).all()
    # Far from any ink, nothing but white.
    assert (out[:20] == 255).all()


def test_a_page_without_ink_or_of_another_shape_is_read_as_its_binary() -> None:
    gray, binary = _letters()
    blank = np.full_like(binary, 255)
    assert shaded(blank, gray) is blank
    assert shaded(binary, gray[:, :-1]) is binary


def test_a_photographed_decision_reads_its_small_letters_from_their_grey(tmp_path: Path) -> None:
    # Level 3 phone photo, letters about 8 px high in a q75 JPEG: read from its binary, 8.3% CER ("Luật" ->
    # "Luột", "năm" -> "nôm"); from the binary's ink in its grey levels, 6.7%.
    page = generate_page("decision", 5, 3, capture="photo")
    path = save_page(page, tmp_path / f"decision_5{page.suffix}")
    shades, _ = read_file_page(path, 0, OcrOptions(read_qr=False))
    assert cer(page.text, shades.text) < 0.075
