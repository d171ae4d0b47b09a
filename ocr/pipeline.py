"""The path of one page, top to bottom: clean up, recognise (retrying a weak page), read QR codes.

Like OCRmyPDF's `_pipeline.py`, each stage is a pure function; this module only composes them so a newcomer can
read the whole path of a page here. Parallelism, files and storage belong to the callers (`sohoa ocr`, `flows/`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np

from ocr import cleanup, poppler, qr, tesseract
from ocr.load import DEFAULT_MAX_PIXELS, load_page
from ocr.model import CleanedPage, PageImage, PageResult, PageText
from ocr.cleanup.band import Band, text_band, words_in
from ocr.cleanup.orientation import OsdUse, rotate_quadrant
from ocr.cleanup.shade import shaded
from ocr.recognize import layout_text, recognize, unread_noise
from ocr.verdict import BETTER_BY, Reading, better, confident_letters, holds_text, sideways_share
from ocr.searchable_pdf import PdfPage, build_searchable_pdf


# When the clean-up's profiles say the lines run across the page by at least this margin (see
# ocr.cleanup.orientation.OrientationResult.across; documents measure 0.4-0.7, receipt photos about 0.2), a weak
# reading not on end is tried upside down only: its quarter turns would be read across the lines.
LINES_ACROSS_SURELY = 0.3
# A page whose print, after the clean-up's flattening, has a median gray of at least this is printed faint (a
# dry cartridge; see ocr.cleanup.binarize.ink_gray): even a strong first reading of it is tried with "strokes".
# Faint L2-L3 synthetic scans measure 202-213, faint L1 187-189, real pages at most 195 (a handheld photo).
FAINT_PRINT_GRAY = 198.0
# A page holds its densest band of lines: a full reading with less than this share of its band's confident
# letters is Tesseract's page layout failing, not the page (a skewed photo whose sheet was not found, read with
# the table and a second sheet around it: 19 words in full, 150+ in its band). Such a page is read again as
# one block of text (Tesseract's psm 6), which keeps the words if not the columns' order.
LAYOUT_FAILED_BELOW = 0.5
# A page the clean-up turned upside down whose first reading is below this mean confidence is read as stored
# before any other try: a web image of a contract turned by its ink profiles read 30% with every binarization
# and 85% as stored.
TURNED_WRONG_BELOW = 40.0


@dataclass(frozen=True)
class OcrOptions:
    lang: str = "vie"
    dpi: int = 300
    max_pixels: int = DEFAULT_MAX_PIXELS
    # Below this mean confidence a page is read again with the other binarization and the better reading kept.
    retry_below: float = 82.0
    # Pages whose final mean confidence stays below this are flagged for human review, and are first read in
    # the three other orientations (the clean-up's quarter turn is decided from ink alone).
    low_confidence: float = 70.0
    read_qr: bool = True
    # A weak page's other binarization and orientations are first tried on its densest band of lines.
    tries_on_band: bool = True
    # The clean-up's use of Tesseract's OSD: "defer" leaves a page whose ink vote is unsure as stored and lets
    # recognition try the vote's turn first (see ocr.cleanup.orientation.detect_orientation).
    osd: OsdUse = "defer"
    # Seconds one Tesseract run / one Poppler page render may take; a run that times out is retried once.
    tesseract_timeout: float = 180.0
    render_timeout: float = 120.0
    # Recognition engine: "api" (default: in process, the model loaded once per worker) or "cli" (the
    # tesseract program for every reading); see ocr.tesseract.
    tesseract_engine: str = tesseract.DEFAULT_ENGINE
    # Tesseract reads the binary's ink in the page's grey levels (ocr.cleanup.shade), not the bare binary.
    read_shades: bool = True


def _strong(text: PageText, options: OcrOptions) -> bool:
    """A reading that settles its page: confident, along the lines, and holding text (confident but nearly
    empty is not strong: an upside-down faint page can read as two sure letters)."""
    return text.mean_confidence >= options.retry_below and sideways_share(text) <= 0.5 and holds_text(text)


def _shades(cleaned: CleanedPage) -> Callable[[np.ndarray], np.ndarray]:
    """What Tesseract reads for each binarization of `cleaned`: its ink in the page's grey levels, made once."""
    gray = cv2.cvtColor(cleaned.display, cv2.COLOR_BGR2GRAY) if cleaned.display.ndim == 3 else cleaned.display
    made: list[tuple[np.ndarray, np.ndarray]] = []

    def glyphs(binary: np.ndarray) -> np.ndarray:
        for source, image in made:
            if source is binary:
                return image
        made.append((binary, shaded(binary, gray)))
        return made[-1][1]

    return glyphs


def _cross_rules_removed(cleaned: CleanedPage) -> Callable[[np.ndarray], np.ndarray]:
    """Each binarization of `cleaned` as a quarter turn reads it: its vertical rules whitened (`cleanup.turn`
    whitens them the same way on the page it returns), made once."""
    opts = cleaned.details.get("options") or cleanup.CleanupOptions()
    made: list[tuple[np.ndarray, np.ndarray]] = []

    def unruled(binary: np.ndarray) -> np.ndarray:
        if not opts.remove_rules:
            return binary
        for source, image in made:
            if source is binary:
                return image
        made.append((binary, cleanup.cross_rules_removed(binary, cleaned.dpi)[0]))
        return made[-1][1]

    return unruled


def read_page_text(cleaned: CleanedPage, options: OcrOptions) -> tuple[CleanedPage, Reading, list[Reading]]:
    """Recognise a cleaned page, retrying a weak one, and return the page as finally turned, the kept reading
    and every reading tried.

    A weak first reading is tried with the other binarization (kept when its confidence is higher), and one
    still weak after that, or any page printed faint, with the "strokes" binarization
    (`ocr.cleanup.binarize.strokes`). A reading
    that stays weak, and any turned page whose reading is not strong, is also tried in the other orientations;
    a turn is kept only when its reading is clearly better (`ocr.verdict.better`). On a page big enough, the
    tries read only its densest band of lines (`ocr.cleanup.band`), compared with the same band of the kept
    reading, and only a winning try is read again in full and must win there too.
    """
    method = str(cleaned.details.get("binarization", "otsu"))
    binaries = {method: cleaned.binary}
    glyphs = _shades(cleaned) if options.read_shades else (lambda binary: binary)
    kept = Reading(recognize(glyphs(cleaned.binary), lang=options.lang, dpi=cleaned.dpi), 0, method)
    tried = [kept]
    sideways = sideways_share(kept.text) > 0.5
    strong = _strong(kept.text, options)
    faint = float(cleaned.details.get("ink_gray") or 0.0) >= FAINT_PRINT_GRAY
    if strong and not faint:
        return cleaned, kept, tried
    if cleaned.rotation == 180 and not faint and not sideways and kept.text.mean_confidence < TURNED_WRONG_BELOW:
        # The clean-up turned the page upside down on ink alone (the commonest ink-statistics mistake; its
        # quarter turns follow the lines' direction) and the reading is nonsense: the page as stored is read
        # first, before the other binarizations of a page that may only lie the wrong way up.
        as_stored = Reading(recognize(rotate_quadrant(glyphs(cleaned.binary), 180), lang=options.lang,
                                      dpi=cleaned.dpi), 180, method, stored=True)
        tried.append(as_stored)
        if _strong(as_stored.text, options) and better(as_stored, kept):
            return cleanup.turn(cleaned, as_stored.turn), as_stored, tried
    band = text_band(cleaned.binary, lines_run_down=sideways) if options.tries_on_band else None
    on_its_side = _cross_rules_removed(cleaned)

    def read(binary: np.ndarray, degrees: int, on_band: bool, psm: int = 3) -> PageText:
        if degrees in (90, 270):
            binary = on_its_side(binary)
        image = band.crop(glyphs(binary)) if on_band and band is not None else glyphs(binary)
        return recognize(rotate_quadrant(image, degrees), lang=options.lang, dpi=cleaned.dpi, psm=psm)

    def in_band(reading: Reading) -> Reading:
        """`reading` cut to the band, to compare with band tries (the band itself when there is none)."""
        return reading if band is None else replace(reading, text=words_in(reading.text, band), region="band")

    if not sideways:
        if not strong:
            other = "sauvola" if method == "otsu" else "otsu"
            kept = _try_binarization(cleaned, other, binaries, kept, tried, band, read, in_band)
        # Faint print through show-through and JPEG noise: "strokes" on a page still weak, and on any page
        # printed faint (a strong reading of it can still hold the back page's fragments as junk lines).
        # A strong page is read in full: its junk lies outside its densest band of lines.
        if "strokes" not in binaries and (kept.text.mean_confidence < options.retry_below or faint):
            kept = _try_binarization(cleaned, "strokes", binaries, kept, tried, None if strong else band, read,
                                     in_band, by_confidence=True)
        if strong:
            return cleaned, kept, tried  # a strong first reading is not turned, as on any other page
        weak = kept.text.mean_confidence < options.low_confidence or not holds_text(kept.text)
        if not weak and not cleaned.rotation:
            return cleaned, kept, tried
    turning = kept.binarization
    if not holds_text(kept.text):
        # No reading found text yet: an upside-down page reads as nonsense with every binarization, so it is
        # turned with the one whose reading found clearly the most (a faint page's Otsu and Sauvola keep only
        # the signatures, and then every turn of them reads nothing); a band try competes with its fewer lines.
        most = max((r for r in tried if r.turn == 0), key=lambda r: r.score)
        if most.score > BETTER_BY * kept.score:
            turning = most.binarization
    binary = binaries[turning]
    # The page as stored is the default: a turn, the clean-up's included, has to earn its place by a clearly
    # better reading. So the stored orientation is read first; then a half turn (the commonest ink-statistics
    # mistake), or the quarter turns first when the lines were read on end.
    as_stored = (-cleaned.rotation) % 360
    order = (90, 270, 180) if sideways else (180, 90, 270)
    found = cleaned.details.get("orientation") or {}
    suggested = int(found.get("suggested") or 0)
    if suggested and not as_stored:
        order = (suggested,) + tuple(d for d in order if d != suggested)
    if not sideways and float(found.get("across") or 0.0) >= LINES_ACROSS_SURELY:
        # The lines surely run across as the page lies (only which way up is in doubt): no quarter turns.
        order = tuple(d for d in order if d in (0, 180) or d == as_stored)
    if as_stored:
        order = (as_stored,) + tuple(d for d in order if d != as_stored)
        kept = replace(kept, stored=False)
    best = in_band(kept)
    for degrees in order:
        reading = Reading(read(binary, degrees, True), degrees, turning, stored=degrees == as_stored,
                          region=best.region)
        tried.append(reading)
        if better(reading, best):
            best = reading
        if best.turn != as_stored and best.text.mean_confidence >= options.retry_below and \
                sideways_share(best.text) <= 0.5:
            break  # a strong reading in another orientation settles it
    if best.turn != kept.turn and best.text.mean_confidence < options.retry_below:
        # The turn was found with one binarization; a faint page can read far better in it with another (an
        # upside-down faint receipt: 52% with Otsu, 84% with "strokes").
        for other in [m for m in binaries if m != turning]:
            reading = Reading(read(binaries[other], best.turn, True), best.turn, other, stored=best.stored,
                              region=best.region)
            tried.append(reading)
            if better(reading, best):
                best = reading
    if best.turn != kept.turn:
        if band is not None:
            best = _full_reading(best, binaries[best.binarization], best.binarization, read, tried)
        if better(best, kept):
            kept = best
    return cleanup.turn(cleaned, kept.turn), kept, tried


def _full_reading(on_band: Reading, binary: np.ndarray, method: str, read: Callable[..., PageText],
                  tried: list[Reading]) -> Reading:
    """The full page read in the turn and binarization of a winning band try; read again as one block when the
    full reading found far less than its own band (`LAYOUT_FAILED_BELOW`), the better of the two kept."""
    full = Reading(read(binary, on_band.turn, False), on_band.turn, method, stored=on_band.stored)
    tried.append(full)
    if confident_letters(full.text) >= LAYOUT_FAILED_BELOW * confident_letters(on_band.text):
        return full
    block = Reading(read(binary, on_band.turn, False, 6), on_band.turn, method, stored=on_band.stored,
                    region="block")
    tried.append(block)
    return block if better(block, full) else full


def _try_binarization(cleaned: CleanedPage, method: str, binaries: dict[str, np.ndarray], kept: Reading,
                      tried: list[Reading], band: Band | None, read: Callable[..., PageText],
                      in_band: Callable[[Reading], Reading], by_confidence: bool = False) -> Reading:
    """Read the page binarized with `method` (on `band` first, if any) and return it if it beats `kept`, else
    `kept`. `by_confidence`: only a higher confidence wins, never a higher score of a reading without text (an
    upside-down page reads as nonsense with every binarization; its turn decides, see `read_page_text`)."""
    binaries[method] = cleanup.rebinarize(cleaned, method)
    region = "page" if band is None else "band"
    second = Reading(read(binaries[method], 0, band is not None), 0, method, region=region)
    tried.append(second)
    base = kept if band is None else in_band(kept)
    # A band try is read in full only when it found text: an upside-down page reads as confident nonsense
    # with either binarization, and its turn is what the tries below are for.
    if (second.text.mean_confidence > base.text.mean_confidence or not by_confidence and not holds_text(
            base.text) and better(second, base)) and (band is None or holds_text(second.text)):
        if band is not None:
            second = _full_reading(second, binaries[method], method, read, tried)
        if second.text.mean_confidence > kept.text.mean_confidence or not by_confidence and not holds_text(
                kept.text) and better(second, kept):
            return second
    return kept


UNREAD_SHOWN = 20  # words dropped as unread (`ocr.recognize.unread_noise`) named in a page's evidence


def _without_unread(text: PageText, page_width: int) -> tuple[PageText, list[str]]:
    """The kept reading without the words Tesseract could not read that stand lower than the page's words, and
    those words; its mean confidence stays the reading's, so a page read with junk is as sure as it was."""
    unread = unread_noise(text.words)
    if not any(unread):
        return text, []
    words = [w for w, drop in zip(text.words, unread) if not drop]
    return (PageText(words=words, text=layout_text(words, page_width), mean_confidence=text.mean_confidence),
            [w.text for w, drop in zip(text.words, unread) if drop])


def ocr_page(page: PageImage, options: OcrOptions | None = None) -> tuple[PageResult, CleanedPage]:
    options = options or OcrOptions()
    started = time.perf_counter()
    cleaned = cleanup.clean_page(page, cleanup.CleanupOptions(osd=options.osd))
    ink = dict(cleaned.details.get("ink") or {})
    tried: list[Reading] = []
    unread: list[str] = []
    if cleaned.blank and ink.get("glyphs", 0) == 0:
        # Nothing on the binary page could be a character: recognition has nothing to read.
        text, method, blank = PageText(words=[], text="", mean_confidence=0.0), str(cleaned.details.get("binarization", "")), True
    else:
        cleaned, reading, tried = read_page_text(cleaned, options)
        text, method = reading.text, reading.binarization
        text, unread = _without_unread(text, cleaned.binary.shape[1])
        # The ink's blank verdict stands only when no reading found text: faint print is not bleed-through.
        blank = cleaned.blank and not any(holds_text(r.text) for r in tried)
    flags = [f for f in cleaned.flags if f != "blank"]
    if blank:
        flags.append("blank")
        text = PageText(words=[], text="", mean_confidence=0.0)
    elif cleaned.blank:
        flags.append("blank-overruled")
    if not blank and text.mean_confidence < options.low_confidence:
        flags.append("low-confidence")
    qr_payloads = [code.text for code in qr.read_qr_codes(cleaned.display)] if options.read_qr else []
    height, width = cleaned.binary.shape[:2]
    evidence = {"glyphs": ink.get("glyphs"), "ink_reason": ink.get("reason") or None,
                "readings": [r.summary() for r in tried]}
    if unread:
        evidence["unread"] = unread[:UNREAD_SHOWN]
        evidence["unread_count"] = len(unread)
    scale = cleaned.details.get("scale")
    if scale:
        evidence["scale"] = {"source": scale["source"], "x_height_px": scale["x_height_px"] and round(scale["x_height_px"], 1),
                             "source_dpi": cleaned.details.get("source_dpi")}
    result = PageResult(
        index=page.index,
        dpi=cleaned.dpi,
        rotation=cleaned.rotation,
        skew=cleaned.skew,
        blank=blank,
        mean_confidence=text.mean_confidence,
        text=text.text,
        words=text.words,
        flags=sorted(set(flags)),
        width=width,
        height=height,
        seconds=time.perf_counter() - started,
        qr_payloads=qr_payloads,
        binarization=method,
        evidence=evidence,
    )
    return result, cleaned


def init_worker() -> None:
    """Set up a page-worker process: one thread everywhere, since parallelism is over pages."""
    os.environ["OMP_THREAD_LIMIT"] = "1"
    cv2.setNumThreads(1)


def read_file_page(path: Path, index: int, options: OcrOptions) -> tuple[PageResult, CleanedPage]:
    """Load one page of a file and read it (what every worker does first)."""
    tesseract.set_timeout(options.tesseract_timeout)
    tesseract.set_engine(options.tesseract_engine)
    poppler.set_timeout(options.render_timeout)
    page = load_page(path, index, dpi=options.dpi, max_pixels=options.max_pixels)
    return ocr_page(page, options)


# A page brought up to the working resolution by more than this keeps its own pixel count in the PDF: the
# upsampled pixels were only for Tesseract, and would make the archived image several times larger.
KEEP_SOURCE_SCALE_ABOVE = 1.2


def pdf_page(result: PageResult, cleaned: CleanedPage) -> PdfPage:
    """The searchable-PDF page of a read page: the upright display image at the source's own resolution."""
    source_dpi = float(cleaned.details.get("source_dpi") or cleaned.dpi)
    factor = cleaned.dpi / source_dpi
    if factor <= KEEP_SOURCE_SCALE_ABOVE:
        return PdfPage(image=cleaned.display, dpi=cleaned.dpi, words=result.words)
    height, width = cleaned.display.shape[:2]
    size = (max(1, round(width / factor)), max(1, round(height / factor)))
    image = cv2.resize(cleaned.display, size, interpolation=cv2.INTER_AREA)
    fx, fy = size[0] / width, size[1] / height
    words = [replace(w, left=round(w.left * fx), top=round(w.top * fy), width=max(1, round(w.width * fx)),
                     height=max(1, round(w.height * fy))) for w in result.words]
    # The page keeps its physical size: same points from fewer pixels at a proportionally lower dpi.
    return PdfPage(image=image, dpi=max(1, round(cleaned.dpi * fx)), words=words)


def write_page_pdf(result: PageResult, cleaned: CleanedPage, out: Path) -> None:
    """One-page searchable PDF (not yet PDF/A: that is set once on the assembled file)."""
    build_searchable_pdf([pdf_page(result, cleaned)], out, pdfa=False)


def ocr_file_page(path: Path, index: int, options: OcrOptions, page_pdf: Path | None) -> PageResult:
    """`sohoa ocr`'s worker entry point: read one page and write its one-page searchable PDF."""
    result, cleaned = read_file_page(path, index, options)
    if page_pdf is not None:
        write_page_pdf(result, cleaned, page_pdf)
    return result
