"""The path of one page, top to bottom: clean up, recognise (retrying a weak page), read QR codes.

Like OCRmyPDF's `_pipeline.py`, each stage is a pure function; this module only composes them so a newcomer can
read the whole path of a page here. Parallelism, files and storage belong to the callers (`sohoa ocr`, `flows/`).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import cv2

from ocr import cleanup, qr
from ocr.load import DEFAULT_MAX_PIXELS, load_page
from ocr.model import CleanedPage, PageImage, PageResult, PageText
from ocr.recognize import recognize
from ocr.searchable_pdf import PdfPage, build_searchable_pdf


@dataclass(frozen=True)
class OcrOptions:
    lang: str = "vie"
    dpi: int = 300
    max_pixels: int = DEFAULT_MAX_PIXELS
    # Below this mean confidence a page is read again with the other binarization and the better reading kept.
    retry_below: float = 82.0
    # Pages whose final mean confidence stays below this are flagged for human review.
    low_confidence: float = 70.0
    read_qr: bool = True


def read_page_text(cleaned: CleanedPage, options: OcrOptions) -> tuple[PageText, str]:
    """Recognise a cleaned page; on a weak first reading try the other binarization, keep the better one."""
    method = str(cleaned.details.get("binarization", "otsu"))
    first = recognize(cleaned.binary, lang=options.lang, dpi=cleaned.dpi)
    if first.mean_confidence >= options.retry_below or not first.words and cleaned.blank:
        return first, method
    other = "sauvola" if method == "otsu" else "otsu"
    second = recognize(cleanup.rebinarize(cleaned, other), lang=options.lang, dpi=cleaned.dpi)
    if second.mean_confidence > first.mean_confidence:
        return second, other
    return first, method


def ocr_page(page: PageImage, options: OcrOptions | None = None) -> tuple[PageResult, CleanedPage]:
    options = options or OcrOptions()
    started = time.perf_counter()
    cleaned = cleanup.clean_page(page)
    flags = list(cleaned.flags)
    qr_payloads = [code.text for code in qr.read_qr_codes(cleaned.display)] if options.read_qr else []
    if cleaned.blank:
        text = PageText(words=[], text="", mean_confidence=0.0)
        method = str(cleaned.details.get("binarization", ""))
    else:
        text, method = read_page_text(cleaned, options)
        if text.mean_confidence < options.low_confidence:
            flags.append("low-confidence")
    height, width = cleaned.binary.shape[:2]
    result = PageResult(
        index=page.index,
        dpi=cleaned.dpi,
        rotation=cleaned.rotation,
        skew=cleaned.skew,
        blank=cleaned.blank,
        mean_confidence=text.mean_confidence,
        text=text.text,
        words=text.words,
        flags=sorted(set(flags)),
        width=width,
        height=height,
        seconds=time.perf_counter() - started,
        qr_payloads=qr_payloads,
        binarization=method,
    )
    return result, cleaned


def init_worker() -> None:
    """Set up a page-worker process: one thread everywhere, since parallelism is over pages."""
    os.environ["OMP_THREAD_LIMIT"] = "1"
    cv2.setNumThreads(1)


def read_file_page(path: Path, index: int, options: OcrOptions) -> tuple[PageResult, CleanedPage]:
    """Load one page of a file and read it (what every worker does first)."""
    page = load_page(path, index, dpi=options.dpi, max_pixels=options.max_pixels)
    return ocr_page(page, options)


def write_page_pdf(result: PageResult, cleaned: CleanedPage, out: Path) -> None:
    """One-page searchable PDF (not yet PDF/A: that is set once on the assembled file)."""
    build_searchable_pdf([PdfPage(image=cleaned.display, dpi=cleaned.dpi, words=result.words)], out, pdfa=False)


def ocr_file_page(path: Path, index: int, options: OcrOptions, page_pdf: Path | None) -> PageResult:
    """`sohoa ocr`'s worker entry point: read one page and write its one-page searchable PDF."""
    result, cleaned = read_file_page(path, index, options)
    if page_pdf is not None:
        write_page_pdf(result, cleaned, page_pdf)
    return result
