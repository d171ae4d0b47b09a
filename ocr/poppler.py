"""The one wrapper around Poppler: render one PDF page through pdf2image, with a timeout and one retry."""

from __future__ import annotations

import shutil
from pathlib import Path

from pdf2image import convert_from_path
from pdf2image.exceptions import (
    PDFInfoNotInstalledError,
    PDFPageCountError,
    PDFPopplerTimeoutError,
    PDFSyntaxError,
    PopplerNotInstalledError,
)
from PIL import Image

from ocr.errors import CorruptFileError, MissingDependencyError, ProgramTimeoutError

# Seconds `pdftoppm` may take for one page. A scanned page renders in well under 10 s even at 600 dpi; a page
# still rendering after two minutes is a hung program or a hostile drawing, and must not stall the batch.
DEFAULT_TIMEOUT = 120.0
_timeout = DEFAULT_TIMEOUT
PROGRAMS = ("pdfinfo", "pdftoppm")  # what this module runs, so the preflight checks exactly these


def set_timeout(seconds: float) -> None:
    """Seconds each page render in this process may take (page workers set it from OcrOptions)."""
    global _timeout
    _timeout = float(seconds) if seconds and seconds > 0 else DEFAULT_TIMEOUT


def timeout() -> float:
    return _timeout


def render_page(path: Path, page_number: int, dpi: int) -> Image.Image:
    """Page `page_number` (1-based) of the PDF at `path`, rendered at `dpi`, as a Pillow image (RGB).

    Rendered by pdf2image (`pdfinfo`, then `pdftoppm -r DPI -f N -l N FILE`), each run bounded by the
    timeout. A render that times out is retried once, then ProgramTimeoutError.
    """
    for program in PROGRAMS:
        if shutil.which(program) is None:
            raise MissingDependencyError(
                f"không tìm thấy {program} (Poppler) trên PATH "
                "(Poppler is not installed: apt-get install poppler-utils)"
            )
    seconds = _timeout
    for attempt in (1, 2):
        try:
            # Poppler reports recoverable damage on stderr and may exit non-zero while still drawing the page;
            # strict=False keeps pdf2image's rule: an image on stdout is the page.
            images = convert_from_path(
                path, dpi=dpi, first_page=page_number, last_page=page_number, timeout=seconds, strict=False
            )
            break
        except PDFPopplerTimeoutError:  # pdf2image has killed the program
            if attempt == 2:
                raise ProgramTimeoutError("Poppler (pdftoppm)", seconds) from None
        except (PDFInfoNotInstalledError, PopplerNotInstalledError) as exc:
            raise MissingDependencyError(f"không chạy được Poppler (cannot run Poppler: {exc})") from None
        except (PDFPageCountError, PDFSyntaxError) as exc:
            message = " ".join(str(exc).split())[:200]
            raise CorruptFileError(
                path, f"không dựng được trang {page_number} (cannot render page {page_number}: {message})",
                page=page_number,
            ) from None
    if not images:
        raise CorruptFileError(
            path, f"không dựng được trang {page_number} (Poppler gave no image for page {page_number})",
            page=page_number,
        )
    return images[0]
