"""Resolution from the text: a wrong or missing dpi tag is overruled by the letters' x-height."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from cleanup_pages import render_page

from ocr.cleanup import CleanupOptions, clean_page
from ocr.cleanup.scale import page_scale, x_height
from ocr.model import PageImage


@pytest.mark.parametrize("dpi", [96, 150, 300])
def test_x_height_of_13_pt_text_is_about_2_mm(dpi: int):
    measured, letters = x_height(render_page(dpi=dpi))
    assert letters >= 100
    assert measured is not None
    assert 1.7 <= measured / dpi * 25.4 <= 2.5


def test_a_truthful_dpi_is_kept():
    scale = page_scale(render_page(dpi=200), 200)
    assert scale.source == "stated" and scale.dpi == 200


def test_a_photo_tagged_72_dpi_gets_its_resolution_from_the_text():
    # A 300-dpi page whose file says 72 dpi (what phone cameras and editors write): taken at its word the page
    # would be upsampled 4x to 16 Mpx of 100-px letters.
    scale = page_scale(render_page(dpi=300), 72)
    assert scale.source == "text"
    assert 240 <= scale.dpi <= 360


def test_a_screenshot_tagged_300_dpi_is_brought_up_to_reading_size():
    scale = page_scale(render_page(dpi=90), 300)
    assert scale.source == "text"
    assert 70 <= scale.dpi <= 110


def test_form_dot_leaders_are_not_taken_for_letters():
    page = render_page(dpi=300)
    for y in range(2400, 3300, 90):
        for x in range(300, 2200, 28):
            cv2.circle(page, (x, y), 4, (0, 0, 0), -1)
    scale = page_scale(page, 300)
    assert scale.source == "stated", scale


def test_no_text_leaves_the_stated_dpi():
    scale = page_scale(np.full((1000, 800, 3), 240, np.uint8), 96)
    assert scale.source == "stated-unmeasured" and scale.dpi == 96


def test_clean_page_reads_the_measured_scale_and_bounds_the_working_size():
    page = render_page(dpi=300)
    cleaned = clean_page(PageImage(page, 72, 0), CleanupOptions(osd="never"))
    assert "rescaled" in cleaned.flags
    # Brought to ~300 dpi of real text: about the original size, not 4x it.
    assert 0.8 <= cleaned.binary.shape[0] / page.shape[0] <= 1.25
    trusted = clean_page(PageImage(page, 72, 0), CleanupOptions(osd="never", measure_scale=False))
    assert trusted.binary.shape[0] > 3 * page.shape[0] or trusted.binary.size > 30_000_000


def test_upsampling_stops_at_the_asked_x_height():
    page = PageImage(render_page(dpi=100), 100, 0)
    measured = clean_page(page, CleanupOptions(osd="never")).details["scale"]["x_height_px"]
    capped = clean_page(page, CleanupOptions(osd="never", working_x_height_px=16.0))
    assert capped.dpi == pytest.approx(100 * 16.0 / measured, abs=1)
    assert capped.dpi < 300
    # Never below the page's own resolution: a page with big letters is not shrunk.
    assert clean_page(page, CleanupOptions(osd="never", working_x_height_px=4.0)).dpi == 100
