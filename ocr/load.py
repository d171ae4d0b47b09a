"""Read scanner and phone output (PDF, TIFF, JPEG, PNG, WebP, HEIC, BMP, GIF) as BGR pages, one page at a time;
reject bad input early."""

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

Format = Literal["pdf", "tiff", "jpeg", "png", "webp", "heif", "bmp", "gif"]
DpiSource = Literal["metadata", "embedded-image", "render", "assumed"]

# The one list of file-name suffixes sohoa reads (web upload's picker and file-name parsing use it). The format
# itself is always decided from the first bytes; a suffix only helps people and browsers pick files.
FORMAT_SUFFIXES: dict[Format, tuple[str, ...]] = {
    "pdf": (".pdf",),
    "tiff": (".tif", ".tiff"),
    "jpeg": (".jpg", ".jpeg"),
    "png": (".png",),
    "webp": (".webp",),
    "heif": (".heic", ".heif"),
    "bmp": (".bmp",),
    "gif": (".gif",),
}
SUFFIXES: tuple[str, ...] = tuple(suffix for group in FORMAT_SUFFIXES.values() for suffix in group)

# A1 at 300 dpi is ~70 Mpx and A3 at 600 dpi ~70 Mpx; 100 Mpx (300 MB as BGR) bounds a worker's memory.
DEFAULT_MAX_PIXELS = 100_000_000
# A page narrower or shorter than this cannot hold one line of text: a 16-px line leaves ~8-10 px for capitals
# and x-height, about the least Tesseract reads. The floor applies to the smaller of the page's own pixels and
# its pixels at the working resolution, because the clean-up resamples to 300 dpi (a 2400-dpi strip 100 px high
# becomes 12 px) and upscaling a tiny image adds no detail. One printed line (e.g. 517x147 px) is read.
MIN_SIDE_PX = 16
DEFAULT_DPI = 300
# Scanners do not produce text scans outside this range; 72/96 dpi tags are software defaults, not scans.
_PLAUSIBLE_DPI = (100, 2400)
_A4_SHORT_SIDE_INCHES = 210 / 25.4
_PDF_MAX_RENDER_DPI = 600
# What Pillow raises on damaged files varies by plugin and by where the damage is.
# pillow-heif reports libheif's decoding errors as RuntimeError.
_DECODE_ERRORS = (
    OSError, SyntaxError, ValueError, EOFError, TypeError, KeyError, IndexError, RuntimeError, struct.error
)
# ISO base media file format brands of HEIF still images (HEVC-coded; AVIF is not read).
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"}
# BMP info-header sizes (BITMAPCOREHEADER .. BITMAPV5HEADER): "BM" alone is too weak a signature.
_BMP_HEADER_SIZES = {12, 16, 40, 52, 56, 64, 108, 124}


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
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:2] == b"BM" and len(head) >= 18 and struct.unpack("<I", head[14:18])[0] in _BMP_HEADER_SIZES:
        return "bmp"
    if head[4:8] == b"ftyp" and _is_heif(head):
        return "heif"
    raise UnsupportedFormatError(
        path,
        "không phải PDF/TIFF/JPEG/PNG/WebP/HEIC/BMP/GIF "
        f"(not a supported scan or photo format: {_describe(head)})",
    )


def _is_heif(head: bytes) -> bool:
    """An ISO-BMFF `ftyp` box whose major or compatible brands name a HEIF image and not AVIF."""
    size = struct.unpack(">I", head[:4])[0]
    box = head[8 : min(max(size, 16), len(head))]
    brands = {box[:4]} | {box[i : i + 4] for i in range(8, len(box) - 3, 4)}
    return b"avif" not in brands and bool(brands & _HEIF_BRANDS)


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
        b"GIF8": "a damaged GIF header",
        b"BM": "a damaged BMP header",
        b"\xd0\xcf\x11\xe0": "an old Office document",
        b"Rar!": "a RAR archive",
        b"\x1f\x8b": "a gzip archive",
        b"RIFF": "a RIFF file that is not WebP (audio/video?)",
        b"%!PS": "a PostScript file",
        b"-----BEGIN PGP": "a PGP-armoured file",
        b"<": "an HTML/XML file",
    }
    for magic, name in signatures.items():
        if head.startswith(magic):
            return name
    if head[:1] == b"P" and head[1:2] in b"123456" and head[2:3].isspace():
        return "a Netpbm (PBM/PGM/PPM) image"
    if head[4:8] == b"ftyp":
        return f"an ISO media file ({head[8:12].decode('latin-1')!r}: video or AVIF, not a HEIC photo)"
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

    Raises the typed InputFileError subclasses for empty, unsupported, corrupt, truncated and encrypted input,
    so a batch can reject the file before any OCR work starts. Page sizes are page-scoped: one page too small
    or too large does not refuse a multi-page file (loading that page raises the same error, with `page` set,
    so the caller reads the other pages and reports it); a file whose every page is unusable is refused here
    with its first page's error.
    """
    count, problems = _page_problems(Path(path), dpi, max_pixels, min_side)
    if len(problems) == count:
        raise problems[min(problems)]
    return count


def page_problems(
    path: Path | str,
    *,
    dpi: int = DEFAULT_DPI,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    min_side: int = MIN_SIDE_PX,
) -> dict[int, InputFileError]:
    """The pages (0-based) that cannot be read because of their size, with the error loading them raises.

    File-level problems (empty, unsupported, corrupt, encrypted) raise, as in `validate`.
    """
    return _page_problems(Path(path), dpi, max_pixels, min_side)[1]


def _page_problems(
    path: Path, dpi: int, max_pixels: int, min_side: int
) -> tuple[int, dict[int, InputFileError]]:
    fmt = detect_format(path)
    problems: dict[int, InputFileError] = {}
    if fmt == "pdf":
        with _open_pdf(path) as pdf:
            for index, page in enumerate(pdf.pages):
                render_dpi, _ = _pdf_page_dpi(page, dpi)
                try:
                    _check_size(path, index, _pdf_page_pixels(page, render_dpi), max_pixels, min_side,
                                render_dpi, dpi)
                except (ImageTooLargeError, ImageTooSmallError) as exc:
                    problems[index] = exc
            return len(pdf.pages), problems
    _check_raster_complete(path, fmt)
    with _open_raster(path, fmt) as image:
        count = _frame_count(path, image)
        for index in range(count):
            _seek(path, image, index)
            if fmt == "tiff":
                _check_tiff_strips(path, image, index)
            try:
                _check_size(path, index, image.size, max_pixels, min_side, _frame_dpi(image), dpi)
            except (ImageTooLargeError, ImageTooSmallError) as exc:
                problems[index] = exc
        return count, problems


def count_pages(path: Path | str) -> int:
    """Number of pages in the file (frames of a TIFF, GIF, WebP or HEIC; 1 for JPEG/PNG/BMP)."""
    path = Path(path)
    fmt = detect_format(path)
    if fmt == "pdf":
        with _open_pdf(path) as pdf:
            return len(pdf.pages)
    with _open_raster(path, fmt) as image:
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
    with _open_raster(path, fmt) as image:
        for index in range(_frame_count(path, image)):
            yield _load_frame(path, fmt, image, index, dpi, max_pixels, min_side)


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
    with _open_raster(path, fmt) as image:
        count = _frame_count(path, image)
        if not 0 <= index < count:
            raise IndexError(f"{path}: page {index + 1} requested, the file has {count}")
        return _load_frame(path, fmt, image, index, dpi, max_pixels, min_side)


# ---------------------------------------------------------------------------------------------- checks


def _check_size(
    path: Path,
    index: int,
    size: tuple[int, int],
    max_pixels: int,
    min_side: int,
    dpi: float | None = None,
    working_dpi: float = DEFAULT_DPI,
) -> None:
    """Refuse a page above `max_pixels`, or one whose shorter side holds less than `min_side` pixels either
    as stored or after resampling from `dpi` (None: not known, no resampling assumed) to `working_dpi`."""
    width, height = size
    if width * height > max_pixels:
        raise ImageTooLargeError(
            path,
            f"trang {index + 1} quá lớn: {width}x{height} = {width * height:,} điểm ảnh, "
            f"giới hạn {max_pixels:,} "
            f"(page {index + 1} too large, possible decompression bomb)",
            page=index + 1,
        )
    scale = min(1.0, working_dpi / dpi) if dpi else 1.0
    shorter = min(width, height) * scale
    if shorter < min_side:
        at = f" = {shorter:.0f} px at {working_dpi:.0f} dpi" if scale < 1 else ""
        raise ImageTooSmallError(
            path,
            f"trang {index + 1} quá nhỏ để đọc: {width}x{height} điểm ảnh{at}, cần ít nhất {min_side} mỗi cạnh "
            f"(page {index + 1} too small to hold a line of text)",
            page=index + 1,
        )


def _check_raster_complete(path: Path, fmt: Format) -> None:
    """Cheap truncation checks from sizes and the file's tail: JPEG ends with EOI, PNG with an IEND chunk, GIF
    with its trailer; BMP, WebP (RIFF) and HEIC (ISO boxes) state their sizes, which must fit in the file."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(64)
        handle.seek(max(0, size - 4096))
        tail = handle.read()
    if fmt == "jpeg" and b"\xff\xd9" not in tail:
        raise CorruptFileError(
            path, "JPEG bị cắt cụt, thiếu dấu kết thúc (truncated JPEG: no end-of-image marker)"
        )
    if fmt == "png" and b"IEND" not in tail:
        raise CorruptFileError(path, "PNG bị cắt cụt, thiếu khối IEND (truncated PNG: no IEND chunk)")
    if fmt == "gif" and not tail.rstrip(b"\x00").endswith(b"\x3b"):
        raise CorruptFileError(path, "GIF bị cắt cụt, thiếu dấu kết thúc (truncated GIF: no trailer)")
    if fmt == "webp" and struct.unpack("<I", head[4:8])[0] + 8 > size:
        raise CorruptFileError(path, "WebP bị cắt cụt (truncated WebP: RIFF size past end of file)")
    if fmt == "bmp" and len(head) >= 14:
        stated, offset = struct.unpack("<I", head[2:6])[0], struct.unpack("<I", head[10:14])[0]
        # Some writers leave the stated size 0; the pixel data offset must still lie inside the file.
        if offset >= size or stated > size:
            raise CorruptFileError(path, "BMP bị cắt cụt (truncated BMP: stated size past end of file)")
    if fmt == "heif":
        _check_iso_boxes(path, size)


def _check_iso_boxes(path: Path, size: int) -> None:
    """Walk the top-level ISO-BMFF boxes of a HEIC file: each must end inside the file (mdat last, usually)."""
    offset = 0
    with path.open("rb") as handle:
        while offset < size:
            handle.seek(offset)
            header = handle.read(16)
            if len(header) < 8:
                break
            box_size = struct.unpack(">I", header[:4])[0]
            if box_size == 1 and len(header) >= 16:
                box_size = struct.unpack(">Q", header[8:16])[0]
            elif box_size == 0:  # extends to the end of the file
                return
            if box_size < 8 or offset + box_size > size:
                raise CorruptFileError(
                    path,
                    f"HEIC bị cắt cụt hoặc hỏng (truncated HEIC: box {header[4:8].decode('latin-1')!r} "
                    "ends past end of file)",
                )
            offset += box_size


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
def _open_raster(path: Path, fmt: Format) -> Iterator[Image.Image]:
    # Pillow's own bomb guard fires inside Image.open with a fixed limit; we apply our configurable limit to
    # the header size instead, so Pillow's is lifted while we open (workers are processes, not threads).
    if fmt == "heif":
        _register_heif()
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


def _register_heif() -> None:
    try:
        import pillow_heif
    except ImportError:
        raise MissingDependencyError("pillow-heif is not installed (pip install pillow-heif)") from None
    # Thumbnails are not pages; libheif applies the container's rotation (irot/imir) itself.
    pillow_heif.register_heif_opener(thumbnails=False)


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
    path: Path, fmt: Format, image: Image.Image, index: int, working_dpi: int, max_pixels: int, min_side: int
) -> LoadedPage:
    _seek(path, image, index)
    dpi, source = _raster_dpi(image)
    _check_size(path, index, image.size, max_pixels, min_side, _frame_dpi(image), working_dpi)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # EXIF/TIFF tag warnings are noise; decoding errors still raise
            image.load()
            # Phones write EXIF orientation in JPEG and WebP; pillow-heif has applied HEIC's and reset it to 1.
            frame = ImageOps.exif_transpose(image) if fmt in ("jpeg", "webp", "heif") else image
            bgr = _to_bgr(frame)
    except _DECODE_ERRORS as exc:
        raise CorruptFileError(
            path,
            f"trang {index + 1} bị hỏng hoặc bị cắt cụt (page {index + 1} corrupt or truncated: {_one_line(exc)})",
            page=index + 1,
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
    if value is None and image.format in ("WEBP", "HEIF"):
        value = _exif_dpi(image)  # neither format has a density field of its own; phones write EXIF
    if value is not None:
        try:
            dpi = round(float(value[0]))
        except (TypeError, ValueError, IndexError):
            dpi = 0
        if _PLAUSIBLE_DPI[0] <= dpi <= _PLAUSIBLE_DPI[1]:
            return dpi, "metadata"
    return None, "assumed"


def _frame_dpi(image: Image.Image) -> int:
    """The resolution the frame will be loaded at: its own, else the A4 estimate (as `_load_frame` does)."""
    return _raster_dpi(image)[0] or _assumed_dpi(*image.size)


def _exif_dpi(image: Image.Image) -> tuple[float, float] | None:
    try:
        exif = image.getexif()
        x, unit = exif.get(282), exif.get(296, 2)
    except _DECODE_ERRORS:
        return None
    if not x or unit not in (2, 3):
        return None
    return (float(x) * (2.54 if unit == 3 else 1.0),) * 2


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
    from ocr.poppler import render_page

    with _open_pdf(path) as pdf:
        count = len(pdf.pages)
        if not 0 <= index < count:
            raise IndexError(f"{path}: page {index + 1} requested, the file has {count}")
        page = pdf.pages[index]
        render_dpi, source = _pdf_page_dpi(page, dpi)
        _check_size(path, index, _pdf_page_pixels(page, render_dpi), max_pixels, min_side, render_dpi, dpi)
    with render_page(path, index + 1, render_dpi) as rendered:
        bgr = _to_bgr(rendered.convert("RGB"))
    return LoadedPage(image=bgr, dpi=render_dpi, index=index, dpi_source=source, source_format="pdf")


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:200]
