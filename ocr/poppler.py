"""The one wrapper around Poppler: render one PDF page with `pdftoppm`, with a timeout and one retry."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

from PIL import Image

from ocr.errors import CorruptFileError, MissingDependencyError, ProgramTimeoutError

# Seconds `pdftoppm` may take for one page. A scanned page renders in well under 10 s even at 600 dpi; a page
# still rendering after two minutes is a hung program or a hostile drawing, and must not stall the batch.
DEFAULT_TIMEOUT = 120.0
_timeout = DEFAULT_TIMEOUT
PROGRAMS = ("pdftoppm",)  # what this module runs, so the preflight checks exactly these


def set_timeout(seconds: float) -> None:
    """Seconds each page render in this process may take (page workers set it from OcrOptions)."""
    global _timeout
    _timeout = float(seconds) if seconds and seconds > 0 else DEFAULT_TIMEOUT


def timeout() -> float:
    return _timeout


def render_page(path: Path, page_number: int, dpi: int) -> Image.Image:
    """Page `page_number` (1-based) of the PDF at `path`, rendered at `dpi`, as a Pillow image (RGB).

    The same command pdf2image ran (`pdftoppm -r DPI FILE -f N -l N`, PPM on stdout), without its extra
    `pdfinfo` and version runs per page. A render that times out is retried once, then ProgramTimeoutError.
    """
    exe = shutil.which("pdftoppm")
    if exe is None:
        raise MissingDependencyError(
            "không tìm thấy pdftoppm (Poppler) trên PATH "
            "(Poppler is not installed: apt-get install poppler-utils)"
        )
    command = [exe, "-r", str(dpi), str(path), "-f", str(page_number), "-l", str(page_number)]
    seconds = _timeout
    for attempt in (1, 2):
        try:
            done = subprocess.run(command, capture_output=True, timeout=seconds, check=False)
            break
        except subprocess.TimeoutExpired:  # subprocess.run has killed it
            if attempt == 2:
                raise ProgramTimeoutError("Poppler (pdftoppm)", seconds) from None
        except OSError as exc:
            raise MissingDependencyError(
                f"không chạy được pdftoppm ({exe}) (cannot run Poppler: {exc})"
            ) from None
    # Poppler reports recoverable damage on stderr and may exit non-zero while still drawing the page; as with
    # pdf2image, an image on stdout is the page.
    if not done.stdout:
        message = " ".join(done.stderr.decode("utf-8", "replace").split())[:200] or f"exit {done.returncode}"
        raise CorruptFileError(
            path, f"không dựng được trang {page_number} (cannot render page {page_number}: {message})",
            page=page_number,
        )
    try:
        image = Image.open(io.BytesIO(done.stdout))
        image.load()
    except (OSError, ValueError, SyntaxError) as exc:
        raise CorruptFileError(
            path, f"không dựng được trang {page_number} (Poppler gave no readable image: {exc})",
            page=page_number,
        ) from None
    return image
