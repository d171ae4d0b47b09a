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
from PIL import Image, ImageDraw, ImageFont, TiffImagePlugin
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
from ocr.load import count_pages, detect_format, iter_pages, load_page, page_problems, validate
from tests.ocr_io.conftest import FONT, draw_page

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
        ("clip.heic", b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 50, "video"),
        ("voice.webp", b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 50, "RIFF"),
        ("page.pbm", b"P4\n400 50\n" + b"\x00" * 2500, "Netpbm"),
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
    path = tmp_path / "sliver.png"
    draw_page(400, 12).save(path)  # 12 px cannot hold a line of text
    with pytest.raises(ImageTooSmallError) as caught:
        validate(path)
    assert_one_line_naming(caught.value, path)
    with pytest.raises(ImageTooSmallError) as caught:
        load_page(path, 0)
    assert caught.value.page == 1


def test_small_side_is_measured_at_working_resolution(tmp_path: Path) -> None:
    """A 2400-dpi strip 100 px high is 12.5 px once the clean-up brings it to 300 dpi: too small."""
    path = tmp_path / "strip.png"
    draw_page(3000, 100).save(path, dpi=(2400, 2400))
    with pytest.raises(ImageTooSmallError, match="300 dpi"):
        validate(path)
    draw_page(3000, 100).save(path, dpi=(600, 600))  # 50 px at 300 dpi: one line fits
    assert validate(path) == 1


def test_original_file_is_untouched(tmp_path: Path, page_image: Image.Image) -> None:
    path = tmp_path / "orig.tif"
    page_image.save(path, compression="tiff_lzw")
    before = path.read_bytes()
    validate(path)
    list(iter_pages(path))
    assert path.read_bytes() == before


# ------------------------------------------------------------------------------------------- phone and web formats

RESOURCES = Path(__file__).resolve().parents[1] / "resources"


def save_as(image: Image.Image, path: Path | io.BytesIO, fmt: str, **options: object) -> Path | io.BytesIO:
    """Write `image` in `fmt` (WEBP, HEIF, BMP, GIF) whatever the file is called."""
    if fmt == "HEIF":
        import pillow_heif

        pillow_heif.register_heif_opener()
    image.save(path, format=fmt, **options)
    return path


# Lossless where the format allows it, so the page's colours can be checked exactly; HEIC is always lossy.
NEW_FORMATS = [
    ("webp", "WEBP", {"lossless": True}),
    ("heif", "HEIF", {"quality": 95}),
    ("bmp", "BMP", {}),
    ("gif", "GIF", {}),
]


def assert_close_to_page(bgr: np.ndarray, shape: tuple[int, int] = (1100, 850)) -> None:
    """As assert_page_looks_right, allowing a lossy codec a few levels on white paper."""
    assert bgr.dtype == np.uint8 and bgr.shape == (*shape, 3)
    assert bgr[5, 5].min() >= 245
    b, g, r = (int(v) for v in bgr[RED_BOX].reshape(-1, 3).mean(axis=0))
    assert r > 150 and g < 90 and b < 90


@pytest.mark.parametrize(("fmt", "writer", "options"), NEW_FORMATS)
def test_new_format_read_by_its_bytes_whatever_its_name(
    tmp_path: Path, page_image: Image.Image, fmt: str, writer: str, options: dict
) -> None:
    path = save_as(page_image, tmp_path / "scan.jpg", writer, **options)  # wrong extension on purpose
    assert detect_format(path) == fmt
    assert validate(path) == 1 and count_pages(path) == 1
    page = load_page(path, 0)
    assert page.source_format == fmt
    assert_close_to_page(page.image)
    if fmt in ("webp", "bmp"):
        assert_page_looks_right(page.image)  # lossless: exact colours


def test_bmp_resolution_and_webp_heic_exif_resolution(tmp_path: Path, page_image: Image.Image) -> None:
    bmp = save_as(page_image, tmp_path / "p.bmp", "BMP", dpi=(200, 200))
    assert (load_page(bmp, 0).dpi, load_page(bmp, 0).dpi_source) == (200, "metadata")
    exif = Image.Exif()
    exif[282], exif[283], exif[296] = 240, 240, 2  # XResolution, YResolution, inch
    for fmt, options in (("WEBP", {"lossless": True}), ("HEIF", {"quality": 90})):
        path = save_as(page_image, tmp_path / f"p.{fmt.lower()}", fmt, exif=exif.tobytes(), **options)
        page = load_page(path, 0)
        assert (page.dpi, page.dpi_source) == (240, "metadata"), fmt
    plain = save_as(page_image, tmp_path / "plain.webp", "WEBP", lossless=True)
    assert not load_page(plain, 0).dpi_known  # no EXIF: A4 assumed, flagged


def test_gif_palette_and_transparency_on_white(tmp_path: Path, page_image: Image.Image) -> None:
    palette = page_image.convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    path = save_as(palette, tmp_path / "pal.gif", "GIF")
    with Image.open(path) as check:
        assert check.mode == "P"
    assert_page_looks_right(load_page(path, 0).image)

    values = np.asarray(palette).copy()
    black = int(np.asarray(palette)[300:340, 60:400].min())  # the text's palette entry
    values[:20, :20] = black
    transparent = Image.fromarray(values, "P")
    transparent.putpalette(palette.getpalette())
    path = save_as(transparent, tmp_path / "transparent.gif", "GIF", transparency=black)
    bgr = load_page(path, 0).image
    assert bgr[5, 5].tolist() == [255, 255, 255], "the transparent colour becomes paper white"


@pytest.mark.parametrize(("writer", "options"), [("WEBP", {"lossless": True}), ("HEIF", {"quality": 95})])
def test_alpha_is_flattened_onto_white(tmp_path: Path, page_image: Image.Image, writer: str, options: dict) -> None:
    rgba = np.asarray(page_image.convert("RGBA")).copy()
    rgba[:40, :40] = (0, 0, 0, 0)  # transparent corner, black underneath
    path = save_as(Image.fromarray(rgba, "RGBA"), tmp_path / "alpha.img", writer, **options)
    bgr = load_page(path, 0).image
    assert bgr[10, 10].min() >= 245, "transparency becomes paper white, not black"
    assert_close_to_page(bgr)


def frames() -> list[Image.Image]:
    """Three different pages: the text line at three heights, so each frame is recognisably itself."""
    pages = []
    for top in (200, 500, 800):
        page = draw_page()
        page.paste((0, 0, 0), (60, top, 500, top + 40))
        pages.append(page)
    return pages


def dark_band(bgr: np.ndarray) -> int:
    rows = np.flatnonzero((bgr[:, 60:500].mean(axis=(1, 2)) < 60))
    return int(rows.min())


@pytest.mark.parametrize(
    ("writer", "options"),
    [("GIF", {"duration": 500}), ("WEBP", {"lossless": True, "duration": 500}), ("HEIF", {"quality": 90})],
)
def test_every_frame_of_an_animated_or_multi_image_file_is_a_page(
    tmp_path: Path, writer: str, options: dict
) -> None:
    first, *rest = frames()
    path = save_as(first, tmp_path / "stack.img", writer, save_all=True, append_images=rest, **options)
    assert validate(path) == 3 and count_pages(path) == 3
    pages = list(iter_pages(path))
    assert [p.index for p in pages] == [0, 1, 2]
    assert [dark_band(p.image) for p in pages] == pytest.approx([200, 500, 800], abs=3)
    assert dark_band(load_page(path, 2).image) == pytest.approx(800, abs=3)


@pytest.mark.parametrize(("fmt", "writer", "options"), NEW_FORMATS)
def test_truncated_new_format(
    tmp_path: Path, page_image: Image.Image, fmt: str, writer: str, options: dict
) -> None:
    whole = save_as(page_image, tmp_path / f"p.{fmt}", writer, **options)
    for keep in (0.5, 0.9):
        cut = truncate(whole, keep)
        with pytest.raises(CorruptFileError) as caught:
            validate(cut)
        assert_one_line_naming(caught.value, cut)
        assert caught.value.reason == "corrupt"
        with pytest.raises(CorruptFileError):
            load_page(cut, 0)
    with pytest.raises(EmptyFileError):
        validate(truncate(whole, 0.0))


@pytest.mark.parametrize(("fmt", "writer", "options"), NEW_FORMATS)
def test_corrupt_new_format(tmp_path: Path, page_image: Image.Image, fmt: str, writer: str, options: dict) -> None:
    """The first bytes say the format, the rest is garbage with the right length and ending."""
    data = save_as(page_image, tmp_path / f"p.{fmt}", writer, **options).read_bytes()
    rng = np.random.default_rng(8)
    keep = 30 if fmt != "heif" else 0
    garbage = rng.integers(0, 256, len(data), dtype=np.uint8).tobytes()
    if fmt == "heif":  # keep the box layout (sizes and names), scramble what the boxes hold
        damaged = bytearray(data)
        start = data.index(b"mdat") + 4
        damaged[start:] = garbage[start:]
        damaged[40:200] = garbage[40:200]
    else:
        damaged = bytearray(data[:keep] + garbage[keep:-16] + data[-16:])
    path = tmp_path / f"damaged.{fmt}"
    path.write_bytes(bytes(damaged))
    with pytest.raises(CorruptFileError) as caught:
        validate(path)
        load_page(path, 0)
    assert_one_line_naming(caught.value, path)


def webp_claiming(width: int, height: int) -> bytes:
    """A small lossy WebP whose VP8 frame header claims `width` x `height`."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "white").save(buffer, format="WEBP", quality=80)
    data = bytearray(buffer.getvalue())
    start = data.index(b"\x9d\x01\x2a") + 3
    data[start : start + 4] = struct.pack("<HH", width, height)
    return bytes(data)


def heic_claiming(width: int, height: int) -> bytes:
    """A small HEIC whose `ispe` (image extents) property claims `width` x `height`."""
    buffer = io.BytesIO()
    save_as(Image.new("RGB", (64, 64), "white"), buffer, "HEIF")
    data = bytearray(buffer.getvalue())
    start = data.index(b"ispe") + 8
    data[start : start + 8] = struct.pack(">II", width, height)
    return bytes(data)


def bmp_claiming(width: int, height: int) -> bytes:
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, 0, 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 54 + 64, 0, 0, 54) + info + b"\x00" * 64


def gif_claiming(width: int, height: int) -> bytes:
    screen = struct.pack("<HH", width, height) + b"\x00\x00\x00"
    image = b"," + struct.pack("<HHHH", 0, 0, width, height) + b"\x00" + b"\x02\x02\x44\x01\x00"
    return b"GIF89a" + screen + image + b";"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bomb.webp", webp_claiming(16000, 16000)),
        ("bomb.heic", heic_claiming(20000, 20000)),
        ("bomb.bmp", bmp_claiming(30000, 30000)),
        ("bomb.gif", gif_claiming(65000, 65000)),
    ],
)
def test_decompression_bomb_of_new_format_rejected_from_header(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImageTooLargeError) as caught:
        validate(path)
    assert_one_line_naming(caught.value, path)
    with pytest.raises(ImageTooLargeError):
        load_page(path, 0)


def test_accepted_suffixes_come_from_one_list() -> None:
    from sohoa.domain.codes import dossier_code_from_filename
    from ocr.load import SUFFIXES
    from web.uploads import ACCEPTED_SUFFIXES

    assert {".webp", ".heic", ".heif", ".bmp", ".gif", ".pdf", ".tif", ".jpg", ".png"} <= set(SUFFIXES)
    assert ACCEPTED_SUFFIXES == SUFFIXES
    template = (Path(__file__).resolve().parents[2] / "web" / "templates" / "upload.html").read_text()
    assert f'accept="{",".join(SUFFIXES)}"' in template
    for suffix in SUFFIXES:
        ref = dossier_code_from_filename(f"H21.65-220914-0011.02{suffix}")
        assert ref is not None and (ref.dossier_code, ref.ordinal) == ("H21.65-220914-0011", 2), suffix


# ------------------------------------------------------------------------------------------- small and odd pages


def one_line_image(width: int = 517, height: int = 147) -> Image.Image:
    """Like paperless-ngx's simple.png (GPL, not copied): one printed line on a small white image."""
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((20, height // 2 - 20), "Giấy tiếp nhận hồ sơ", fill="black", font=ImageFont.truetype(FONT, 36))
    return image


def test_one_printed_line_is_not_too_small(tmp_path: Path) -> None:
    path = tmp_path / "simple.png"
    one_line_image().save(path, dpi=(72, 72))  # 72 dpi: a software default, so A4 is assumed
    assert validate(path) == 1
    page = load_page(path, 0)
    assert page.image.shape[:2] == (147, 517)


def test_one_small_page_does_not_refuse_a_multi_page_file(tmp_path: Path, page_image: Image.Image) -> None:
    path = tmp_path / "stack.tif"
    page_image.save(path, save_all=True, append_images=[draw_page(400, 10), page_image], dpi=(300, 300))
    assert validate(path) == 3
    problems = page_problems(path)
    assert list(problems) == [1] and isinstance(problems[1], ImageTooSmallError)
    assert_page_looks_right(load_page(path, 0).image)
    assert_page_looks_right(load_page(path, 2).image)
    with pytest.raises(ImageTooSmallError) as caught:
        load_page(path, 1)
    assert caught.value.page == 2 and "page 2" in str(caught.value)
    assert_one_line_naming(caught.value, path)

    only_bad = tmp_path / "slivers.tif"
    draw_page(400, 10).save(only_bad, save_all=True, append_images=[draw_page(300, 8)], dpi=(300, 300))
    with pytest.raises(ImageTooSmallError, match="page 1"):
        validate(only_bad)  # nothing in the file can be read: refused whole


def test_ocrmypdf_3small_pdf_is_valid_with_its_400x50_strip() -> None:
    path = RESOURCES / "3small.pdf"
    assert validate(path) == 3
    assert page_problems(path) == {}
    strip = load_page(path, 1)
    assert strip.image.shape[:2] == (50, 400) and strip.dpi == 200
