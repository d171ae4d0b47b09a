"""ocr.load reads every format variant staff produce and rejects bad input in one line naming the file."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from PIL import Image, TiffImagePlugin
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from ocr.errors import (
    CorruptFileError,
    EmptyFileError,
    EncryptedPdfError,
    ImageTooLargeError,
    ImageTooSmallError,
    InputFileError,
    UnsupportedFormatError,
)
from ocr.load import count_pages, detect_format, iter_pages, load_page, validate
from tests.ocr_io.conftest import draw_page

RED_BOX = (slice(60, 160), slice(670, 770))  # inside the red block drawn by draw_page (850 wide)


def assert_page_looks_right(bgr: np.ndarray, shape: tuple[int, int] = (1100, 850)) -> None:
    assert bgr.dtype == np.uint8 and bgr.ndim == 3 and bgr.shape[2] == 3
    assert bgr.shape[:2] == shape
    assert bgr[5, 5].tolist() == [255, 255, 255]  # white paper stays white
    b, g, r = (int(v) for v in bgr[RED_BOX].reshape(-1, 3).mean(axis=0))
    assert r > 150 and g < 90 and b < 90, "channel order is BGR and red stays red"


# ------------------------------------------------------------------------------------------- formats


def test_png_rgb_with_dpi(tmp_path: Path, page_image: Image.Image) -> None:
    path = tmp_path / "p.png"
    page_image.save(path, dpi=(300, 300))
    assert detect_format(path) == "png"
    page = load_page(path, 0)
    assert_page_looks_right(page.image)
    assert page.dpi == 300 and page.dpi_known and page.index == 0


def test_png_named_jpg_is_read_as_png(tmp_path: Path, page_image: Image.Image) -> None:
    path = tmp_path / "scan.jpg"
    page_image.save(path, format="PNG")
    assert detect_format(path) == "png"
    assert_page_looks_right(load_page(path, 0).image)


def test_png_16bit_gray(tmp_path: Path) -> None:
    values = np.full((400, 300), 65535, dtype=np.uint16)
    values[100:200, 100:200] = 0
    values[300:, :] = 32768
    path = tmp_path / "g16.png"
    Image.fromarray(values).save(path)
    with Image.open(path) as check:
        assert check.mode.startswith("I")
    bgr = load_page(path, 0).image
    assert bgr[0, 0].tolist() == [255, 255, 255]
    assert bgr[150, 150].tolist() == [0, 0, 0]
    assert abs(int(bgr[350, 10, 0]) - 128) <= 1


def test_png_palette_and_alpha_composite_on_white(tmp_path: Path, page_image: Image.Image) -> None:
    palette = tmp_path / "pal.png"
    page_image.convert("P", palette=Image.Palette.ADAPTIVE, colors=16).save(palette)
    assert_page_looks_right(load_page(palette, 0).image)

    rgba = page_image.convert("RGBA")
    alpha = np.asarray(rgba).copy()
    alpha[:, :, 3] = 255
    alpha[:20, :20, 3] = 0  # transparent corner, black underneath
    alpha[:20, :20, :3] = 0
    path = tmp_path / "alpha.png"
    Image.fromarray(alpha, "RGBA").save(path)
    bgr = load_page(path, 0).image
    assert bgr[5, 5].tolist() == [255, 255, 255], "transparency becomes paper white, not black"
    assert_page_looks_right(bgr)


def test_jpeg_rgb_and_unknown_dpi_is_flagged(tmp_path: Path, page_image: Image.Image) -> None:
    with_dpi = tmp_path / "a.jpeg"
    page_image.save(with_dpi, quality=95, dpi=(200, 200))
    page = load_page(with_dpi, 0)
    assert_page_looks_right(page.image)
    assert (page.dpi, page.dpi_source) == (200, "metadata")

    no_dpi = tmp_path / "b.jpg"
    page_image.save(no_dpi, quality=95)
    page = load_page(no_dpi, 0)
    assert not page.dpi_known
    assert page.dpi == round(850 / (210 / 25.4))  # A4 assumed: short side 8.27 in


def test_jpeg_cmyk(tmp_path: Path, page_image: Image.Image) -> None:
    path = tmp_path / "cmyk.jpg"
    page_image.convert("CMYK").save(path, quality=95)
    with Image.open(path) as check:
        assert check.mode == "CMYK"
    assert_page_looks_right(load_page(path, 0).image)


def test_jpeg_exif_orientation_is_applied(tmp_path: Path, page_image: Image.Image) -> None:
    stored = page_image.rotate(90, expand=True)  # stored sideways, EXIF says rotate back
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 CW to display
    path = tmp_path / "phone.jpg"
    stored.save(path, quality=95, exif=exif)
    bgr = load_page(path, 0).image
    assert bgr.shape[:2] == (1100, 850)


def test_tiff_multipage_group4_lzw_and_dpi(tmp_path: Path, page_image: Image.Image) -> None:
    path = tmp_path / "stack.tif"
    bilevel = page_image.convert("L").point(lambda v: 255 if v > 128 else 0).convert("1")
    # A scanner stack mixing a Group 4 bi-level page and an LZW colour page in one file.
    with TiffImagePlugin.AppendingTiffWriter(str(path), True) as stack:
        bilevel.save(stack, format="TIFF", compression="group4", dpi=(300, 300))
        stack.newFrame()
        page_image.save(stack, format="TIFF", compression="tiff_lzw", dpi=(400, 400))
        stack.newFrame()
    assert count_pages(path) == 2
    assert validate(path) == 2
    pages = list(iter_pages(path))
    assert [p.index for p in pages] == [0, 1]
    assert pages[0].dpi == 300
    assert set(np.unique(pages[0].image)) <= {0, 255}
    assert pages[0].image[5, 5].tolist() == [255, 255, 255]
    colour = load_page(path, 1)
    assert colour.dpi == 400
    assert_page_looks_right(colour.image)


def test_tiff_resolution_in_centimetres(tmp_path: Path, page_image: Image.Image) -> None:
    path = tmp_path / "cm.tif"
    page_image.save(path, compression="tiff_lzw", resolution=118.11, resolution_unit="cm")
    assert load_page(path, 0).dpi == 300


def test_scanned_pdf_is_rendered_at_its_own_resolution(tmp_path: Path, page_image: Image.Image) -> None:
    path = tmp_path / "scan200.pdf"
    page_image.save(path, resolution=200.0)  # image-only PDF: 850 px at 200 dpi = 4.25 in
    assert detect_format(path) == "pdf"
    page = load_page(path, 0)
    assert (page.dpi, page.dpi_source) == (200, "embedded-image")
    assert abs(page.image.shape[1] - 850) <= 1 and abs(page.image.shape[0] - 1100) <= 1
    assert_page_looks_right(page.image, shape=page.image.shape[:2])


def test_text_pdf_is_rendered_at_working_resolution_page_by_page(tmp_path: Path) -> None:
    path = tmp_path / "typed.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for number in range(3):
        pdf.drawString(72, 700, f"Trang {number + 1}")
        pdf.showPage()
    pdf.save()
    assert count_pages(path) == 3 and validate(path) == 3
    second = load_page(path, 1)
    assert second.index == 1 and second.dpi == 300 and second.dpi_source == "render"
    assert abs(second.image.shape[1] - round(A4[0] / 72 * 300)) <= 1
    assert [p.index for p in iter_pages(path, dpi=100)] == [0, 1, 2]


# ------------------------------------------------------------------------------------------- bad input


def assert_one_line_naming(error: InputFileError, path: Path) -> None:
    message = str(error)
    assert "\n" not in message
    assert message.startswith(str(path))


def test_zero_byte_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    for call in (detect_format, validate, count_pages, lambda p: load_page(p, 0)):
        with pytest.raises(EmptyFileError) as caught:
            call(path)
        assert_one_line_naming(caught.value, path)


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("notes.pdf", "Biên bản họp\nkhông phải PDF\n".encode(), "text"),
        ("archive.png", None, "ZIP"),
        ("anim.tif", b"GIF89a" + b"\x00" * 50, "GIF"),
    ],
)
def test_non_image_file_is_rejected(tmp_path: Path, name: str, content: bytes | None, kind: str) -> None:
    path = tmp_path / name
    if content is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("a.txt", "x")
        content = buffer.getvalue()
    path.write_bytes(content)
    with pytest.raises(UnsupportedFormatError) as caught:
        validate(path)
    assert_one_line_naming(caught.value, path)
    assert kind in str(caught.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="not found"):
        validate(tmp_path / "absent.pdf")


def truncate(path: Path, keep: float) -> Path:
    data = path.read_bytes()
    cut = path.with_name("cut-" + path.name)
    cut.write_bytes(data[: int(len(data) * keep)])
    return cut


@pytest.mark.parametrize(("suffix", "options"), [("jpg", {"quality": 90}), ("png", {})])
def test_truncated_jpeg_and_png(tmp_path: Path, page_image: Image.Image, suffix: str, options: dict) -> None:
    whole = tmp_path / f"p.{suffix}"
    page_image.save(whole, **options)
    cut = truncate(whole, 0.6)
    with pytest.raises(CorruptFileError) as caught:
        validate(cut)
    assert_one_line_naming(caught.value, cut)
    with pytest.raises(CorruptFileError):
        load_page(cut, 0)


def test_truncated_tiff(tmp_path: Path, page_image: Image.Image) -> None:
    whole = tmp_path / "p.tif"
    page_image.save(whole, compression="tiff_lzw", save_all=True, append_images=[page_image])
    cut = truncate(whole, 0.7)
    with pytest.raises(CorruptFileError) as caught:
        validate(cut)
    assert_one_line_naming(caught.value, cut)
    with pytest.raises(CorruptFileError):
        list(iter_pages(cut))


def test_truncated_and_corrupt_pdf(tmp_path: Path, page_image: Image.Image) -> None:
    whole = tmp_path / "p.pdf"
    page_image.save(whole, resolution=300.0)
    cut = truncate(whole, 0.5)
    with pytest.raises(CorruptFileError, match="truncated") as caught:
        validate(cut)
    assert_one_line_naming(caught.value, cut)

    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n")
    with pytest.raises(CorruptFileError) as caught:
        validate(garbage)
    assert_one_line_naming(caught.value, garbage)


def test_password_protected_pdf(tmp_path: Path, page_image: Image.Image) -> None:
    plain = tmp_path / "plain.pdf"
    page_image.save(plain, resolution=300.0)
    locked = tmp_path / "locked.pdf"
    with pikepdf.open(plain) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(user="mat-khau", owner="chu", R=6))
    for call in (validate, count_pages, lambda p: load_page(p, 0)):
        with pytest.raises(EncryptedPdfError) as caught:
            call(locked)
        assert_one_line_naming(caught.value, locked)


def png_header_only(width: int, height: int) -> bytes:
    """A syntactically valid PNG claiming a huge size, with one tiny IDAT: a decompression bomb's header."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def test_decompression_bomb_rejected_from_header(tmp_path: Path) -> None:
    path = tmp_path / "bomb.png"
    path.write_bytes(png_header_only(100_000, 100_000))
    with pytest.raises(ImageTooLargeError) as caught:
        validate(path)
    assert_one_line_naming(caught.value, path)
    with pytest.raises(ImageTooLargeError):
        load_page(path, 0)


def test_pixel_limit_is_configurable(tmp_path: Path, page_image: Image.Image) -> None:
    path = tmp_path / "p.png"
    page_image.save(path)
    with pytest.raises(ImageTooLargeError):
        validate(path, max_pixels=850 * 1100 - 1)
    assert validate(path, max_pixels=850 * 1100) == 1


def test_huge_pdf_page_rejected_before_rendering(tmp_path: Path) -> None:
    path = tmp_path / "poster.pdf"
    pdf = canvas.Canvas(str(path), pagesize=(14400, 14400))  # 200 in square: 3.6 Gpx at 300 dpi
    pdf.drawString(72, 72, "x")
    pdf.save()
    with pytest.raises(ImageTooLargeError) as caught:
        validate(path)
    assert_one_line_naming(caught.value, path)
    with pytest.raises(ImageTooLargeError):
        load_page(path, 0)


def test_image_too_small_to_read(tmp_path: Path) -> None:
    path = tmp_path / "thumb.png"
    draw_page(150, 120).save(path)
    with pytest.raises(ImageTooSmallError) as caught:
        validate(path)
    assert_one_line_naming(caught.value, path)
    with pytest.raises(ImageTooSmallError):
        load_page(path, 0)


def test_original_file_is_untouched(tmp_path: Path, page_image: Image.Image) -> None:
    path = tmp_path / "orig.tif"
    page_image.save(path, compression="tiff_lzw")
    before = path.read_bytes()
    validate(path)
    list(iter_pages(path))
    assert path.read_bytes() == before
