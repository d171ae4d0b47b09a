"""Orientation: quarter turns recovered on clean and degraded Vietnamese pages, with and without OCR."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from cleanup_pages import add_noise, add_seal, add_signature, jpeg, render_page, rotate_by

from ocr.cleanup.orientation import detect_orientation, rotate_quadrant


def gray(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


@pytest.fixture(scope="module")
def clean_page_200() -> np.ndarray:
    return render_page(dpi=200)


@pytest.fixture(scope="module")
def degraded_page_200(clean_page_200) -> np.ndarray:
    page = add_seal(clean_page_200, (1100, 1950), 170)
    page = add_signature(page, (950, 1950), 200)
    return jpeg(add_noise(rotate_by(page, -7.5), 22, seed=1), 40)


@pytest.mark.parametrize("turned", [0, 90, 180, 270])
@pytest.mark.parametrize("kind", ["clean", "degraded"])
def test_profile_vote_finds_the_quarter_turn_without_ocr(turned, kind, clean_page_200, degraded_page_200):
    page = clean_page_200 if kind == "clean" else degraded_page_200
    found = detect_orientation(gray(rotate_quadrant(page, turned)), 200, osd="never")
    assert found.rotate == (360 - turned) % 360
    assert found.method == "profile"
    assert found.confidence >= 0.5


@pytest.mark.parametrize("turned", [90, 180])
def test_skew_is_reported_in_the_upright_frame(turned, clean_page_200):
    page = rotate_quadrant(rotate_by(clean_page_200, 5.0), turned)
    found = detect_orientation(gray(page), 200, osd="never")
    upright = rotate_quadrant(page, found.rotate)
    assert found.skew == pytest.approx(5.0, abs=0.3)
    assert upright.shape == clean_page_200.shape or upright.shape[:2] == rotate_by(clean_page_200, 5).shape[:2]


def test_few_lines_still_decide_up_and_down():
    page = render_page(dpi=200, lines=["Ông Nguyễn Văn Hùng, thửa đất số 123, tờ bản đồ số 45"])[:700]
    found = detect_orientation(gray(rotate_quadrant(page, 180)), 200, osd="never")
    assert found.rotate == 180


def test_blank_page_stays_as_it_is():
    found = detect_orientation(np.full((1100, 850), 245, np.uint8), 100, osd="never")
    assert found.rotate == 0 and found.confidence == 0.0 and found.method == "none"


@pytest.mark.slow
def test_osd_confirms_the_vote(degraded_page_200):
    found = detect_orientation(gray(rotate_quadrant(degraded_page_200, 90)), 200, osd="always")
    assert found.rotate == 270
    assert found.method in {"profile+osd", "profile"}  # OSD may decline on a noisy page; never contradicts


def test_rotate_quadrant_is_exact_and_rejects_other_angles():
    image = np.arange(12, dtype=np.uint8).reshape(3, 4)
    assert np.array_equal(rotate_quadrant(rotate_quadrant(image, 90), 270), image)
    assert rotate_quadrant(image, 90)[0, 0] == image[2, 0]  # clockwise: bottom-left comes to top-left
    with pytest.raises(ValueError, match="multiple of 90"):
        rotate_quadrant(image, 45)
