"""Underlines and form lines go; the dots below, descenders and letters they touch keep their ink; table frames
and solid bars stay."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest
from cleanup_pages import FONT, FONT_BOLD, _font, points_to_px, read_text
from PIL import Image, ImageDraw

from ocr.cleanup import CleanupOptions, clean_page, turn
from ocr.cleanup.rules import remove_rules
from ocr.load import load_page
from ocr.model import PageImage

MOTTO = "Độc lập - Tự do - Hạnh phúc"
REAL_TEMPLATE = Path(__file__).resolve().parents[2] / "benchmarks" / "real" / "pages" / "don_xin_mau_trong_screenshot.jpg"


def render_motto(dpi: int, points: float, underline: bool, overlap: int = 2) -> tuple[np.ndarray, tuple[int, int]]:
    """The motto in bold with its underline drawn through the dots under "ự" and "ạ" (as on real templates);
    returns the binary and the underline's first and last row."""
    px = points_to_px(points, dpi)
    font = _font(FONT_BOLD, px)
    size = (round(120 / 25.4 * dpi), px * 4)
    page = Image.new("L", size, 255)
    draw = ImageDraw.Draw(page)
    draw.text((px, px), MOTTO, font=font, fill=0)
    dot = Image.new("L", size, 255)
    ImageDraw.Draw(dot).text((px, px), "ạ", font=font, fill=0)
    dot_bottom = int(np.flatnonzero((np.asarray(dot) < 128).any(axis=1)).max())
    top, bottom = dot_bottom - overlap, dot_bottom - overlap + max(1, round(0.4 / 25.4 * dpi)) - 1
    if underline:
        draw.rectangle([px, top, px + font.getlength(MOTTO), bottom], fill=0)
    return np.where(np.asarray(page) < 128, 0, 255).astype(np.uint8), (top, bottom)


@pytest.mark.parametrize("dpi, points, overlap", [(300, 13, 2), (300, 14, 1), (200, 13, 2)])
def test_underline_goes_and_every_glyph_pixel_stays(dpi, points, overlap):
    underlined, (top, bottom) = render_motto(dpi, points, True, overlap)
    text, _ = render_motto(dpi, points, False, overlap)
    cleaned, found = remove_rules(underlined, dpi)
    assert found == 1
    text_ink, cleaned_ink = text < 128, cleaned < 128
    # Each letter, dot and descender keeps its ink, but for the rims of a dot where it passes the line by less
    # than the rule's ragged edge (a 21-px dot at 200 dpi keeps 15).
    count, labels = cv2.connectedComponents(text_ink.view(np.uint8), connectivity=8)
    kept = np.bincount(labels[cleaned_ink & text_ink], minlength=count)
    assert (kept[1:] >= 0.7 * np.bincount(labels[text_ink], minlength=count)[1:]).all()
    assert (text_ink & ~cleaned_ink).sum() <= 0.01 * text_ink.sum()
    left = cleaned_ink & ~text_ink
    line = (underlined < 128) & ~text_ink
    assert left.sum() <= 0.1 * line.sum()
    # What is left of the line lies in the columns a glyph crosses it: the dots and the "p" descender.
    crossed = text_ink[top - 1] | text_ink[bottom + 1]
    assert not left[:, ~crossed].any()


def test_underlined_motto_reads_in_full_after():
    underlined, _ = render_motto(200, 13, True)
    cleaned, _ = remove_rules(underlined, 200)
    assert read_text(cleaned, 200, psm=7) == MOTTO


def test_real_template_motto_keeps_its_dots_below():
    # The held-out form template: its motto's underline runs through the dots under "ự" and "ạ", and with the
    # line in place Tesseract read "Tư do - Hanh phúc".
    def motto(remove: bool) -> str:
        cleaned = clean_page(load_page(REAL_TEMPLATE, 0), CleanupOptions(osd="never", remove_rules=remove))
        height = cleaned.binary.shape[0]
        # The motto's band of the page, below "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM".
        return read_text(cleaned.binary[round(0.096 * height):round(0.177 * height)], cleaned.dpi, psm=7)

    assert "Tự do - Hạnh phúc" in motto(True)
    assert "Tự do - Hạnh phúc" not in motto(False)


def test_table_frame_stays():
    dpi = 300
    mm = dpi / 25.4
    page = Image.new("L", (round(150 * mm), round(40 * mm)), 255)
    draw = ImageDraw.Draw(page)
    font = _font(FONT, points_to_px(12, dpi))
    rows, cols = [round(v * mm) for v in (5, 15, 25, 35)], [round(v * mm) for v in (5, 50, 100, 145)]
    for y in rows:
        draw.line([(cols[0], y), (cols[-1], y)], fill=0, width=3)
    for x in cols:
        draw.line([(x, rows[0]), (x, rows[-1])], fill=0, width=3)
    for i, label in enumerate(["Số thửa", "Tờ bản đồ", "Diện tích"]):
        draw.text((cols[i] + round(2 * mm), rows[0] + round(2 * mm)), label, font=font, fill=0)
    binary = np.where(np.asarray(page) < 128, 0, 255).astype(np.uint8)
    cleaned, found = remove_rules(binary, dpi)
    assert found == 0 and cleaned is binary


def test_solid_bar_and_plain_text_stay():
    dpi = 300
    mm = dpi / 25.4
    page = Image.new("L", (round(150 * mm), round(30 * mm)), 255)
    draw = ImageDraw.Draw(page)
    draw.text((round(5 * mm), round(2 * mm)), "Số: 123/QĐ-UBND — Điều 1. Công nhận ạ ặ ậ ệ ị ọ ộ ợ ụ ự ỵ",
              font=_font(FONT, points_to_px(13, dpi)), fill=0)
    draw.rectangle([round(5 * mm), round(15 * mm), round(120 * mm), round(17 * mm)], fill=0)  # a 2 mm bar
    binary = np.where(np.asarray(page) < 128, 0, 255).astype(np.uint8)
    cleaned, found = remove_rules(binary, dpi)
    assert found == 0 and cleaned is binary


def test_ragged_scanned_line_goes_whole():
    # A scanned rule's edges are ragged by a pixel here and there: that is not a glyph crossing it.
    dpi = 300
    rng = np.random.default_rng(0)
    binary = np.full((80, 1500), 255, np.uint8)
    binary[40:44, 100:1400] = 0
    bumps = rng.choice(np.arange(100, 1400), 200, replace=False)
    binary[39, bumps[:100]] = 0
    binary[44, bumps[100:]] = 0
    cleaned, found = remove_rules(binary, dpi)
    assert found == 1
    assert not (cleaned[40:44] < 128).any()  # at most the one-pixel bumps are left, no column of the line


def test_clean_page_flags_rules():
    underlined, _ = render_motto(300, 13, True)
    page = cv2.cvtColor(np.pad(underlined, 200, constant_values=255), cv2.COLOR_GRAY2BGR)
    cleaned = clean_page(PageImage(page, 300, 0), CleanupOptions(osd="never"))
    assert "rules-removed" in cleaned.flags
    kept = clean_page(PageImage(page, 300, 0), CleanupOptions(osd="never", remove_rules=False))
    assert "rules-removed" not in kept.flags


def test_waving_photographed_rule_goes_whole():
    # A receipt's section rule in a phone photo waves by a few pixels: no row holds it all, so the long runs
    # are pieces of it, and what was left of the rest read as marks ("6 xa" on the real thermal receipt).
    dpi = 300
    binary = np.full((120, 1400), 255, np.uint8)
    xs = np.arange(100, 1300)
    ys = np.round(60 + 4 * np.sin(2 * np.pi * xs / 400)).astype(int)
    for dy in range(3):
        binary[ys + dy, xs] = 0
    binary[ys[1:] + 1, xs[:-1]] = 0  # steps joined, as a blurred line is
    cleaned, found = remove_rules(binary, dpi)
    assert found >= 1
    assert (cleaned < 128).sum() <= 0.01 * (binary < 128).sum()


def test_letters_standing_on_a_form_line_keep_their_feet():
    dpi = 300
    px = points_to_px(13, dpi)
    font = _font(FONT, px)
    text = "Họ và tên: LÊ THỊ ZUNG, 1982"
    page = Image.new("L", (round(150 / 25.4 * dpi), px * 4), 255)
    ImageDraw.Draw(page).text((px, px), text, font=font, fill=0)
    letters = np.where(np.asarray(page) < 128, 0, 255).astype(np.uint8)
    baseline = int(np.flatnonzero((letters[:, :round(font.getlength("Họ và tên: LÊ"))] < 128).any(axis=1)).max())
    lined = letters.copy()
    lined[baseline + 1:baseline + 5, px:px + round(font.getlength(text))] = 0  # the line the letters stand on
    cleaned, found = remove_rules(lined, dpi)
    assert found == 1
    assert ((letters < 128) & (cleaned >= 128)).sum() <= 0.01 * (letters < 128).sum()


def test_a_quarter_turn_after_the_clean_up_whitens_the_rules_it_makes_horizontal():
    # A page lying on its side that only recognition turns upright: the clean-up saw its underline on end and
    # left it (photo decision 5 L3 read its motto with the line joined to it).
    underlined, _ = render_motto(300, 13, True)
    lying = np.ascontiguousarray(np.rot90(np.pad(underlined, 200, constant_values=255), k=-1))  # 90 clockwise
    page = PageImage(cv2.cvtColor(lying, cv2.COLOR_GRAY2BGR), 300, 0)
    options = CleanupOptions(osd="never", detect_orientation=False, deskew=False)
    cleaned = clean_page(page, options)
    assert cleaned.rotation == 0
    assert remove_rules(np.ascontiguousarray(np.rot90(cleaned.binary)), 300)[1] == 1  # still there, on end
    upright = turn(cleaned, 270)
    assert remove_rules(upright.binary, 300)[1] == 0
    assert "rules-removed" in upright.flags
    assert read_text(upright.binary, 300, psm=7) == MOTTO
    kept = turn(clean_page(page, replace(options, remove_rules=False)), 270)
    assert remove_rules(kept.binary, 300)[1] == 1
