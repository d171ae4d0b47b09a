"""Skew estimation recovers known angles; rotation keeps every pixel of content."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from cleanup_pages import add_noise, jpeg, render_page, rotate_by

from ocr.cleanup.deskew import estimate_skew, rotate_image, uncovered


@pytest.fixture(scope="module")
def page_150() -> np.ndarray:
    return render_page(dpi=150)


@pytest.mark.parametrize("angle", [-14.6, -8.5, -3.2, -0.7, 0.0, 0.4, 2.5, 9.1, 15.0])
def test_recovers_known_angle_within_0_3_degrees(page_150, angle):
    skewed = rotate_by(page_150, angle)
    assert estimate_skew(skewed, 150) == pytest.approx(angle, abs=0.3)


@pytest.mark.parametrize("angle", [-11.3, 4.8])
def test_recovers_angle_on_noisy_jpeg_scan(angle):
    page = jpeg(add_noise(rotate_by(render_page(dpi=200), angle), 18, seed=3), 35)
    assert estimate_skew(page, 200) == pytest.approx(angle, abs=0.3)


def test_blank_page_has_no_skew():
    assert estimate_skew(np.full((800, 600), 250, np.uint8), 100) == 0.0


def test_deskewing_undoes_the_rotation(page_150):
    skewed = rotate_by(page_150, 6.0)
    straight = rotate_image(skewed, -estimate_skew(skewed, 150))
    assert abs(estimate_skew(straight, 150)) <= 0.2


def test_rotation_expands_canvas_and_keeps_corner_ink():
    image = np.full((300, 400), 255, np.uint8)
    for y, x in [(0, 0), (0, 390), (290, 0), (290, 390)]:
        image[y:y + 10, x:x + 10] = 0  # ink in every corner would be cut by a same-size rotation
    turned = rotate_image(image, 12.0)
    a = np.deg2rad(12.0)
    assert turned.shape == (int(np.ceil(400 * np.sin(a) + 300 * np.cos(a))),
                            int(np.ceil(400 * np.cos(a) + 300 * np.sin(a))))
    n, *_ = cv2.connectedComponentsWithStats((turned < 128).astype(np.uint8))
    assert n - 1 == 4
    assert np.count_nonzero(turned < 128) == pytest.approx(400, rel=0.15)
    assert turned[0, 0] == 255 and turned[-1, -1] == 255  # new corners are paper, not black


def test_rotation_fills_colour_pages_with_paper_colour():
    paper = np.zeros((200, 300, 3), np.uint8)
    paper[:] = (200, 235, 245)  # yellowed
    turned = rotate_image(paper, -9.0)
    assert tuple(turned[0, 0]) == (200, 235, 245)


@pytest.mark.parametrize("angle", [0.4, -3.0, 9.5, -15.0])
def test_uncovered_marks_every_fill_pixel_and_at_most_a_seam_more(angle):
    shape = (700, 500)
    mask = uncovered(shape, angle)
    # Ground truth: rotate a white page onto black fill; anything not fully white mixed in fill.
    truth = rotate_image(np.full(shape, 255, np.uint8), angle, fill=0) < 255
    assert mask.shape == truth.shape
    assert not (truth & ~mask).any()
    seam = cv2.dilate(truth.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    assert not (mask & ~seam).any()
