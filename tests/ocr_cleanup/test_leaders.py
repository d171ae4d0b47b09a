"""Dotted form leaders go; letters, diacritics, i-dots, periods, colons and decimal commas stay."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from cleanup_pages import FONT, points_to_px, read_text, render_page
from PIL import Image, ImageDraw, ImageFont

from ocr.cleanup import CleanupOptions, clean_page
from ocr.cleanup.borders import remove_speckle
from ocr.cleanup.leaders import remove_leaders
from ocr.model import PageImage

FIELDS = [
    ("Họ và tên người yêu cầu:", "Nguyễn Thị Ngọc Diệp"),
    ("Ngày, tháng, năm sinh:", "02/09/1987"),
    ("Nơi cư trú:", "thị trấn Phú Lộc, tỉnh Thừa Thiên Huế"),
    ("Diện tích:", "1.234,5 m²"),
    ("Email:", ""),
]


def render_form(fields: list[tuple[str, str]], dpi: int = 300, points: float = 13, leaders: bool = True
                ) -> np.ndarray:
    """Form lines as the one-stop printouts have them: label, typed value, dots to the right margin."""
    font = ImageFont.truetype(FONT, points_to_px(points, dpi))
    width, line_h = round(180 / 25.4 * dpi), round(points_to_px(points, dpi) * 1.6)
    page = Image.new("RGB", (width, line_h * len(fields) + 2 * line_h), "white")
    draw = ImageDraw.Draw(page)
    margin = round(5 / 25.4 * dpi)
    for i, (label, value) in enumerate(fields):
        y = line_h * (i + 1)
        text = f"{label} {value}".strip()
        draw.text((margin, y), text, font=font, fill="black")
        if leaders:
            x0 = margin + font.getlength(text) + 1.5 / 25.4 * dpi
            count = int((width - margin - x0) / font.getlength("."))
            draw.text((x0, y), "." * count, font=font, fill="black")
    return cv2.cvtColor(np.asarray(page), cv2.COLOR_RGB2BGR)


def binary_of(bgr: np.ndarray) -> np.ndarray:
    return np.where(cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY) < 128, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("dpi, points", [(300, 13), (300, 9), (300, 14), (200, 13)])
def test_leaders_go_and_every_text_blob_stays(dpi, points):
    with_dots = binary_of(render_form(FIELDS, dpi, points))
    text_only = binary_of(render_form(FIELDS, dpi, points, leaders=False))
    cleaned, removed = remove_leaders(with_dots, dpi)
    assert removed >= 5 * len(FIELDS)
    # Exactly the text-only rendering: no letter, diacritic, colon, comma or period lost, no dot left.
    assert np.array_equal(cleaned, text_only)


def test_text_without_leaders_is_untouched():
    lines = [("Số: 123/QĐ-UBND. Điều 1. Công nhận...", "ạ ặ ậ ệ ị ọ ộ ợ ụ ự ỵ i i i i i"),
             ("Diện tích 1.234,5 m²; giá 1.000.000 đồng: ghi chú.", "Ông (bà): Lý Thị Hà; ông: Trịnh Văn Bình.")]
    text = binary_of(render_form(lines, leaders=False))
    cleaned, removed = remove_leaders(text, 300)
    assert removed == 0 and cleaned is text


def test_ocr_reads_label_and_value_without_dots():
    fields = FIELDS[:1]
    dotted = binary_of(render_form(fields))
    assert ".." in read_text(dotted).replace(" ", "")  # the leader is what Tesseract trips over
    cleaned, _ = remove_leaders(dotted, 300)
    text = read_text(cleaned)
    assert "Họ và tên người yêu cầu: Nguyễn Thị Ngọc Diệp" in text
    assert "." not in text


def test_colon_dots_survive_despeckling():
    labels = binary_of(render_form([("Kính gửi:", "Ủy ban"), ("Email:", ""), ("Làm tại:", "Lộc An")],
                                   leaders=False))
    cleaned, removed = remove_speckle(labels, 300)
    assert removed == 0 and np.array_equal(cleaned, labels)


def test_clean_page_flags_leaders_on_forms_only():
    form = render_form(FIELDS * 3)
    cleaned = clean_page(PageImage(form, 300, 0), CleanupOptions(osd="never"))
    assert "leaders-removed" in cleaned.flags
    decision = clean_page(PageImage(render_page(dpi=300), 300, 0), CleanupOptions(osd="never"))
    assert "leaders-removed" not in decision.flags
