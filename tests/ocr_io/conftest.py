"""Fixtures for the input-loading and output tests: a synthetic page image drawn in code."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def draw_page(
    width: int = 850, height: int = 1100, text: str = "Mã hồ sơ: H21.65-220914-0011"
) -> Image.Image:
    """A white RGB page with a red block top-right and a line of black Vietnamese text."""
    page = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(page)
    draw.rectangle((width - 200, 40, width - 60, 180), fill=(200, 30, 30))
    draw.text((60, 300), text, fill="black", font=ImageFont.truetype(FONT, 32))
    return page


@pytest.fixture()
def page_image() -> Image.Image:
    return draw_page()


@pytest.fixture()
def page_bgr(page_image: Image.Image) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(page_image)[:, :, ::-1])
