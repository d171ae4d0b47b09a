"""Read scanner output (PDF, TIFF, JPEG, PNG) as BGR pages, one page at a time; reject bad input early."""

from __future__ import annotations

import contextlib
import struct
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pikepdf
from PIL import Image, ImageOps, TiffImagePlugin, UnidentifiedImageError

from ocr.errors import (
    CorruptFileError,
    EmptyFileError,
    EncryptedPdfError,
    ImageTooLargeError,
    ImageTooSmallError,
    InputFileError,
    MissingDependencyError,
    UnsupportedFormatError,
)
from ocr.model import PageImage

Format = Literal["pdf", "tiff", "jpeg", "png"]
DpiSource = Literal["metadata", "embedded-image", "render", "assumed"]

# A1 at 300 dpi is ~70 Mpx and A3 at 600 dpi ~70 Mpx; 100 Mpx (300 MB as BGR) bounds a worker's memory.
DEFAULT_MAX_PIXELS = 100_000_000
# Below this many pixels on the shorter side no text is legible at any plausible resolution.
MIN_SIDE_PX = 200
DEFAULT_DPI = 300
# Scanners do not produce text scans outside this range; 72/96 dpi tags are software defaults, not scans.
_PLAUSIBLE_DPI = (100, 2400)
_A4_SHORT_SIDE_INCHES = 210 / 25.4
_PDF_MAX_RENDER_DPI = 600
# What Pillow raises on damaged files varies by plugin and by where the damage is.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, TypeError, KeyError, IndexError, struct.error)


@dataclass(frozen=True)
class LoadedPage(PageImage):
    """A PageImage that also says where its resolution came from (`assumed` means the file did not say)."""

    dpi_source: DpiSource = "metadata"
    source_format: Format = "png"

    @property
    def dpi_known(self) -> bool:
        return self.dpi_source != "assumed"


# ---------------------------------------------------------------------------------------------- format


def detect_format(path: Path | str) -> Format:
    """The file's format from its first bytes; the extension is ignored."""
    path = Path(path)
    head = _read_head(path, 1024)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "tiff"
    # The PDF header may follow a little junk (some scanner firmwares prepend bytes); readers accept that.
    if b"%PDF-" in head:
        return "pdf"
    raise UnsupportedFormatError(
        path, f"không phải PDF/TIFF/JPEG/PNG (not a supported scan format: {_describe(head)})"
    )


def _read_head(path: Path, size: int) -> bytes:
    try:
        with path.open("rb") as handle:
            head = handle.read(size)
    except FileNotFoundError:
        raise InputFileError(path, "không tìm thấy tệp (file not found)") from None
    except IsADirectoryError:
        raise InputFileError(path, "là thư mục, không phải tệp (is a directory)") from None
    except OSError as exc:
        raise InputFileError(path, f"không đọc được tệp (cannot read: {exc.strerror or exc})") from None
    if not head:
        raise EmptyFileError(path, "tệp rỗng, 0 byte (empty file)")
    return head


def _describe(head: bytes) -> str:
    signatures = {
        b"PK\x03\x04": "a ZIP archive or Office document",
        b"GIF8": "a GIF image",
        b"BM": "a BMP image",
        b"\xd0\xcf\x11\xe0": "an old Office document",
        b"Rar!": "a RAR archive",
        b"\x1f\x8b": "a gzip archive",
        b"RIFF": "a RIFF/WebP file",
        b"<": "an HTML/XML file",
    }
    for magic, name in signatures.items():
        if head.startswith(magic):
            return name
    try:
        head.decode("utf-8")
        return "a text file"
    except UnicodeDecodeError:
        return "unknown binary data"


# ---------------------------------------------------------------------------------------------- public API


def validate(
    path: Path | str,
    *,
    dpi: int = DEFAULT_DPI,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    min_side: int = MIN_SIDE_PX,
) -> int:
    """Check a file cheaply (headers, structure, sizes; no pixel decoding) and return its page count.

    Raises the typed InputFileError subclasses for empty, unsupported, corrupt, truncated, encrypted,
    too large and too small input, so a batch can reject the file before any OCR work starts.
    """
    path = Path(path)
    fmt = detect_format(path)
    if fmt == "pdf":
        with _open_pdf(path) as pdf:
            for index, page in enumerate(pdf.pages):
                render_dpi, _ = _pdf_page_dpi(page, dpi)
                _check_size(path, index, _pdf_page_pixels(page, render_dpi), max_pixels, min_side)
            return len(pdf.pages)
    _check_raster_complete(path, fmt)
    with _open_raster(path) as image:
        count = _frame_count(path, image)
        for index in range(count):
            _seek(path, image, index)
            _check_size(path, index, image.size, max_pixels, min_side)
            if fmt == "tiff":
                _check_tiff_strips(path, image, index)
        return count


def count_pages(path: Path | str) -> int:
    """Number of pages in the file (frames of a TIFF, 1 for JPEG/PNG)."""
    path = Path(path)
    fmt = detect_format(path)
    if fmt == "pdf":
        with _open_pdf(path) as pdf:
            return len(pdf.pages)
    with _open_raster(path) as image:
        return _frame_count(path, image)


def iter_pages(
    path: Path | str,
    *,
    dpi: int = DEFAULT_DPI,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    min_side: int = MIN_SIDE_PX,
) -> Iterator[LoadedPage]:
    """Yield every page as BGR uint8, one page in memory at a time, in file order."""
    path = Path(path)
    fmt = detect_format(path)
    if fmt == "pdf":
        for index in range(count_pages(path)):
            yield _load_pdf_page(path, index, dpi, max_pixels, min_side)
        return
    with _open_raster(path) as image:
        for index in range(_frame_count(path, image)):
            yield _load_frame(path, fmt, image, index, max_pixels, min_side)


def load_page(
    path: Path | str,
    index: int,
    *,
    dpi: int = DEFAULT_DPI,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    min_side: int = MIN_SIDE_PX,
) -> LoadedPage:
    """Load one page (0-based) on its own, so worker processes can each read the page they were given."""
    path = Path(path)
    fmt = detect_format(path)
    if fmt == "pdf":
        return _load_pdf_page(path, index, dpi, max_pixels, min_side)
    with _open_raster(path) as image:
        count = _frame_count(path, image)
        if not 0 <= index < count:
            raise IndexError(f"{path}: page {index + 1} requested, the file has {count}")
        return _load_frame(path, fmt, image, index, max_pixels, min_side)


# ---------------------------------------------------------------------------------------------- checks


def _check_size(path: Path, index: int, size: tuple[int, int], max_pixels: int, min_side: int) -> None:
    width, height = size
    if width * height > max_pixels:
        raise ImageTooLargeError(
            path,
            f"trang {index + 1} quá lớn: {width}x{height} = {width * height:,} điểm ảnh, "
            f"giới hạn {max_pixels:,} "
            f"(page too large, possible decompression bomb)",
        )
    if min(width, height) < min_side:
        raise ImageTooSmallError(
            path,
            f"trang {index + 1} quá nhỏ để đọc: {width}x{height} điểm ảnh, cần ít nhất {min_side} mỗi cạnh "
            f"(page too small to read)",
        )


def _check_raster_complete(path: Path, fmt: Format) -> None:
    """Cheap truncation checks on the file's tail: JPEG ends with EOI, PNG with an IEND chunk."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        handle.seek(max(0, size - 4096))
        tail = handle.read()
    if fmt == "jpeg" and b"\xff\xd9" not in tail:
        raise CorruptFileError(
            path, "JPEG bị cắt cụt, thiếu dấu kết thúc (truncated JPEG: no end-of-image marker)"
        )
    if fmt == "png" and b"IEND" not in tail:
        raise CorruptFileError(path, "PNG bị cắt cụt, thiếu khối IEND (truncated PNG: no IEND chunk)")


def _check_tiff_strips(path: Path, image: Image.Image, index: int) -> None:
    """A truncated TIFF has strip or tile offsets pointing past the end of the file."""
    tags = image.tag_v2
    offsets = tags.get(273) or tags.get(324)  # StripOffsets / TileOffsets
    counts = tags.get(279) or tags.get(325)  # StripByteCounts / TileByteCounts
    if not offsets or not counts:
        return
    offsets = offsets if isinstance(offsets, tuple) else (offsets,)
    counts = counts if isinstance(counts, tuple) else (counts,)
    end = max(o + c for o, c in zip(offsets, counts, strict=False))
    if end > path.stat().st_size:
        raise CorruptFileError(
            path, f"TIFF bị cắt cụt ở trang {index + 1} (truncated TIFF: image data ends past end of file)"
        )


# ---------------------------------------------------------------------------------------------- raster images


@contextlib.contextmanager
def _open_raster(path: Path) -> Iterator[Image.Image]:
    # Pillow's own bomb guard fires inside Image.open with a fixed limit; we apply our configurable limit to
    # the header size instead, so Pillow's is lifted while we open (workers are processes, not threads).
    saved = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None
    try:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "Corrupt EXIF data" and friends; real damage raises
                image = Image.open(path)
        except UnidentifiedImageError:
            raise CorruptFileError(path, "không giải mã được ảnh (corrupt image header)") from None
        except _DECODE_ERRORS as exc:
            raise CorruptFileError(path, f"ảnh bị hỏng (corrupt image: {_one_line(exc)})") from None
        with image:
            yield image
    finally:
        Image.MAX_IMAGE_PIXELS = saved


def _frame_count(path: Path, image: Image.Image) -> int:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return int(getattr(image, "n_frames", 1))
    except _DECODE_ERRORS as exc:
        raise CorruptFileError(
            path, f"không đọc được danh sách trang (corrupt page directory: {_one_line(exc)})"
        ) from None


def _seek(path: Path, image: Image.Image, index: int) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            image.seek(index)
    except _DECODE_ERRORS as exc:
        raise CorruptFileError(path, f"trang {index + 1} bị hỏng (corrupt page: {_one_line(exc)})") from None


def _load_frame(
    path: Path, fmt: Format, image: Image.Image, index: int, max_pixels: int, min_side: int
) -> LoadedPage:
    _seek(path, image, index)
    _check_size(path, index, image.size, max_pixels, min_side)
    dpi, source = _raster_dpi(image)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # EXIF/TIFF tag warnings are noise; decoding errors still raise
            image.load()
            frame = ImageOps.exif_transpose(image) if fmt == "jpeg" else image
            bgr = _to_bgr(frame)
    except _DECODE_ERRORS as exc:
        raise CorruptFileError(
            path, f"trang {index + 1} bị hỏng hoặc bị cắt cụt (corrupt or truncated: {_one_line(exc)})"
        ) from None
    if dpi is None:
        dpi = _assumed_dpi(bgr.shape[1], bgr.shape[0])
    return LoadedPage(image=bgr, dpi=dpi, index=index, dpi_source=source, source_format=fmt)


def _raster_dpi(image: Image.Image) -> tuple[int | None, DpiSource]:
    value = image.info.get("dpi")
    if value is None and isinstance(image, TiffImagePlugin.TiffImageFile):
        x = image.tag_v2.get(282)
        unit = image.tag_v2.get(296, 2)
        if x:
            value = (float(x) * (2.54 if unit == 3 else 1.0),) * 2 if unit in (2, 3) else None
    if value is not None:
        try:
            dpi = round(float(value[0]))
        except (TypeError, ValueError, IndexError):
            dpi = 0
        if _PLAUSIBLE_DPI[0] <= dpi <= _PLAUSIBLE_DPI[1]:
            return dpi, "metadata"
    return None, "assumed"


def _assumed_dpi(width: int, height: int) -> int:
    # Dossier papers are A4 (receipts A5 landscape share the short side), so the short side is ~8.27 in.
    estimate = round(min(width, height) / _A4_SHORT_SIDE_INCHES)
    return max(_PLAUSIBLE_DPI[0], min(estimate, 1200))


def _to_bgr(image: Image.Image) -> np.ndarray:
    mode = image.mode
    if mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        gray = _scale_to_8bit(np.asarray(image))
        rgb = np.repeat(gray[:, :, None], 3, axis=2)
    elif (
        mode in ("RGBA", "LA", "PA", "La", "RGBa")
        or (mode == "P" and "transparency" in image.info)
        or (mode in ("L", "RGB") and "transparency" in image.info)
    ):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        rgb = np.asarray(Image.alpha_composite(white, rgba).convert("RGB"))
    elif mode == "RGB":
        rgb = np.asarray(image)
    else:
        # "1", "L", "P", "CMYK" (Pillow already undoes Adobe's inverted CMYK), "YCbCr", "LAB"...
        rgb = np.asarray(image.convert("RGB"))
    return np.ascontiguousarray(rgb[:, :, ::-1], dtype=np.uint8)


def _scale_to_8bit(values: np.ndarray) -> np.ndarray:
    values = values.astype(np.float64)
    top = 65535.0 if values.max(initial=0) > 255 else 255.0
    return np.clip(values * (255.0 / top) + 0.5, 0, 255).astype(np.uint8)


# ---------------------------------------------------------------------------------------------- PDF


@contextlib.contextmanager
def _open_pdf(path: Path) -> Iterator[pikepdf.Pdf]:
    _check_pdf_tail(path)
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError:
        raise EncryptedPdfError(
            path, "PDF có mật khẩu, cần gỡ mật khẩu trước (password-protected PDF)"
        ) from None
    except (pikepdf.PdfError, OSError, ValueError) as exc:
        raise CorruptFileError(path, f"PDF bị hỏng (corrupt PDF: {_one_line(exc)})") from None
    with pdf:
        try:
            pages = len(pdf.pages)
        except (pikepdf.PdfError, ValueError) as exc:
            raise CorruptFileError(
                path, f"PDF bị hỏng, không đọc được cây trang (corrupt page tree: {_one_line(exc)})"
            ) from None
        if pages == 0:
            raise CorruptFileError(path, "PDF không có trang nào (PDF has no pages)")
        yield pdf


def _check_pdf_tail(path: Path) -> None:
    size = path.stat().st_size
    with path.open("rb") as handle:
        handle.seek(max(0, size - 2048))
        tail = handle.read()
    if b"%%EOF" not in tail:
        raise CorruptFileError(
            path, "PDF bị cắt cụt, thiếu %%EOF (truncated PDF: incomplete download or copy)"
        )


def _pdf_page_box(page: pikepdf.Page) -> tuple[float, float]:
    """Width and height in inches of what Poppler renders (the crop box, rotated)."""
    box = page.obj.get("/CropBox") or page.obj.get("/MediaBox")
    x0, y0, x1, y1 = (float(v) for v in box)
    unit = float(page.obj.get("/UserUnit", 1))
    width, height = abs(x1 - x0) * unit / 72, abs(y1 - y0) * unit / 72
    if int(page.obj.get("/Rotate", 0)) % 180 == 90:
        width, height = height, width
    return width, height


def _pdf_page_pixels(page: pikepdf.Page, dpi: int) -> tuple[int, int]:
    width, height = _pdf_page_box(page)
    return round(width * dpi), round(height * dpi)


def _pdf_page_dpi(page: pikepdf.Page, default_dpi: int) -> tuple[int, DpiSource]:
    """Render scans at their own resolution (no second resampling); everything else at `default_dpi`."""
    width, height = _pdf_page_box(page)
    best: tuple[int, int] | None = None
    try:
        images = page.get_images() if hasattr(page, "get_images") else page.images
        for image in images.values():
            size = (int(image.get("/Width", 0)), int(image.get("/Height", 0)))
            if best is None or size[0] * size[1] > best[0] * best[1]:
                best = size
    except (pikepdf.PdfError, ValueError, TypeError):
        best = None
    if not best or min(best) <= 0 or min(width, height) <= 0:
        return default_dpi, "render"
    iw, ih = best
    # The image may be placed rotated on the page; fit it the way round whose aspect matches.
    if abs(iw / ih - width / height) > abs(iw / ih - height / width):
        iw, ih = ih, iw
    dpi_x, dpi_y = iw / width, ih / height
    if abs(dpi_x - dpi_y) > 0.03 * max(dpi_x, dpi_y):
        return default_dpi, "render"  # image does not fill the page: not a plain scan
    dpi = round((dpi_x + dpi_y) / 2)
    if dpi < _PLAUSIBLE_DPI[0]:
        return default_dpi, "render"
    return min(dpi, _PDF_MAX_RENDER_DPI), "embedded-image"


def _load_pdf_page(path: Path, index: int, dpi: int, max_pixels: int, min_side: int) -> LoadedPage:
    from pdf2image import convert_from_path
    from pdf2image.exceptions import PDFInfoNotInstalledError, PDFPageCountError, PDFSyntaxError

    with _open_pdf(path) as pdf:
        count = len(pdf.pages)
        if not 0 <= index < count:
            raise IndexError(f"{path}: page {index + 1} requested, the file has {count}")
        page = pdf.pages[index]
        render_dpi, source = _pdf_page_dpi(page, dpi)
        _check_size(path, index, _pdf_page_pixels(page, render_dpi), max_pixels, min_side)
    try:
        images = convert_from_path(
            str(path), dpi=render_dpi, first_page=index + 1, last_page=index + 1, fmt="ppm", thread_count=1
        )
    except PDFInfoNotInstalledError:
        raise MissingDependencyError("Poppler is not installed (apt-get install poppler-utils)") from None
    except (PDFPageCountError, PDFSyntaxError, OSError, ValueError) as exc:
        raise CorruptFileError(
            path, f"không dựng được trang {index + 1} (cannot render page: {_one_line(exc)})"
        ) from None
    if not images:
        raise CorruptFileError(path, f"không dựng được trang {index + 1} (Poppler returned no image)")
    with images[0] as rendered:
        bgr = _to_bgr(rendered.convert("RGB"))
    return LoadedPage(image=bgr, dpi=render_dpi, index=index, dpi_source=source, source_format="pdf")


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:200]
