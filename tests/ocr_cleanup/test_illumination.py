"""Illumination: a binding shadow and yellowing flatten to white paper; text keeps its contrast."""

from __future__ import annotations

import cv2
import numpy as np
from cleanup_pages import render_page, yellow_and_shadow

from ocr.cleanup.binarize import otsu
from ocr.cleanup.illumination import flatten_illumination


def test_gradient_shadow_flattens_to_even_paper():
    page = render_page(dpi=150)
    shaded = cv2.cvtColor(yellow_and_shadow(page), cv2.COLOR_BGR2GRAY)
    paper = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY) == 255
    before = shaded[paper]
    flat = flatten_illumination(shaded, 150)
    after = flat[paper]
    assert before.min() < 120  # the spine really is dark
    assert np.percentile(after, 1) >= 225
    # Left (spine) and right halves of the paper end up the same brightness.
    left, right = flat[:, :200][paper[:, :200]], flat[:, -200:][paper[:, -200:]]
    assert abs(float(np.median(left)) - float(np.median(right))) <= 5


def test_text_in_the_shadow_stays_dark_and_binarizes_like_the_original():
    page = render_page(dpi=150)
    truth = otsu(cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)) == 0
    shaded = cv2.cvtColor(yellow_and_shadow(page), cv2.COLOR_BGR2GRAY)
    naive = otsu(shaded) == 0
    fixed = otsu(flatten_illumination(shaded, 150)) == 0
    assert np.count_nonzero(naive ^ truth) > 20 * np.count_nonzero(fixed ^ truth)
    assert np.count_nonzero(fixed ^ truth) <= 0.05 * np.count_nonzero(truth)
