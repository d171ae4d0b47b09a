"""Build a searchable PDF (PDF/A-2b): each page image with an invisible, extractable Vietnamese text layer."""

from __future__ import annotations

import io
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
import pikepdf
from pikepdf.models.metadata import encode_pdf_date
from PIL import ImageCms
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from ocr.errors import MissingDependencyError
from ocr.model import Word
from ocr.text import nfc

# Scanned dossier pages are mostly paper white with text; q=75 keeps text edges and seals legible at ~1/10 the
# size of lossless, which matters at archive scale.
DEFAULT_JPEG_QUALITY = 75
FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"),
    Path("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"),
    Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"),
)
_FONT_NAME = "SohoaText"


@dataclass(frozen=True)
class PdfPage:
    """One output page: the colour page image (BGR), its dpi, and words boxed in its pixel coordinates."""

    image: np.ndarray
    dpi: int
    words: list[Word] = field(default_factory=list)


def build_searchable_pdf(
    pages: Sequence[PdfPage],
    out_path: Path,
    *,
    pdfa: bool = True,
    title: str | None = None,
    jpeg_quality: int = DEFAULT_JPEG_QUALITY,
    created: datetime | None = None,
) -> None:
    """Write `pages` to `out_path` as image + invisible text (render mode 3); PDF/A-2b unless not `pdfa`.

    Deterministic: the same pages (and `created`) give the same bytes. The file carries no clock time unless
    `created` is passed, and its /ID is derived from its content, because derived objects are stored under
    content keys that refuse different bytes (a re-run must find what it stored before).
    """
    if not pages:
        raise ValueError("a searchable PDF needs at least one page")
    font = _register_font()
    text_layer = _text_layer_pdf(pages, font, title)
    with pikepdf.open(io.BytesIO(text_layer)) as pdf:
        for pdf_page, page in zip(pdf.pages, pages, strict=True):
            _put_image_under_text(pdf, pdf_page, page, jpeg_quality)
        set_dates(pdf, created)
        if pdfa:
            _make_pdfa(pdf, title)
        out_path = Path(out_path)
        tmp = out_path.with_name(out_path.name + ".part")
        # Decode reportlab's ASCII85 wrappers and re-deflate; JPEG (DCT) data is passed through untouched.
        pdf.save(
            tmp,
            compress_streams=True,
            stream_decode_level=pikepdf.StreamDecodeLevel.generalized,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            deterministic_id=True,
        )
    tmp.replace(out_path)


def set_dates(pdf: pikepdf.Pdf, created: datetime | None) -> None:
    """Creation and modification date = `created`, or none at all: never the clock at the time of writing."""
    for key in ("/CreationDate", "/ModDate"):
        if key in pdf.docinfo:
            del pdf.docinfo[key]
    if created is not None:
        stamp = pikepdf.String(encode_pdf_date(created))
        pdf.docinfo["/CreationDate"] = stamp
        pdf.docinfo["/ModDate"] = stamp


def page_size_points(page: PdfPage) -> tuple[float, float]:
    """Physical page size in PDF points (1/72 in) for an image at its resolution."""
    height, width = page.image.shape[:2]
    return width * 72.0 / page.dpi, height * 72.0 / page.dpi


@lru_cache(maxsize=1)
def _register_font() -> str:
    for candidate in FONT_CANDIDATES:
        if candidate.exists():
            pdfmetrics.registerFont(TTFont(_FONT_NAME, str(candidate)))
            return _FONT_NAME
    raise MissingDependencyError(
        "no Unicode TrueType font for the PDF text layer (apt-get install fonts-dejavu-core)"
    )


def _text_layer_pdf(pages: Sequence[PdfPage], font: str, title: str | None) -> bytes:
    """The pages with only their invisible words, drawn by reportlab (which subsets and embeds the font)."""
    buffer = io.BytesIO()
    # initialFontName: reportlab otherwise references an unembedded Helvetica on every page, breaking PDF/A.
    # invariant: no clock time and a fixed /ID from reportlab (set_dates and the final save decide both).
    pdf = canvas.Canvas(buffer, initialFontName=font, pageCompression=1, invariant=1)
    if title:
        pdf.setTitle(title)
    pdf.setCreator("sohoa")
    face = pdfmetrics.getFont(font).face
    ascent, descent = face.ascent / 1000.0, face.descent / 1000.0  # descent is negative
    for page in pages:
        if page.dpi <= 0:
            raise ValueError(f"page resolution must be positive, got {page.dpi}")
        width_pt, height_pt = page_size_points(page)
        pdf.setPageSize((width_pt, height_pt))
        scale = 72.0 / page.dpi
        text = pdf.beginText()
        text.setTextRenderMode(3)
        for word in page.words:
            _place_word(text, word, font, scale, height_pt, ascent, descent)
        pdf.drawText(text)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _place_word(
    text, word: Word, font: str, scale: float, height_pt: float, ascent: float, descent: float
) -> None:
    content = nfc(word.text).strip()
    if not content or word.width <= 0 or word.height <= 0:
        return
    box_w, box_h = word.width * scale, word.height * scale
    # Size the font so its ascent-to-descent span equals the box: viewers highlight, and pdftotext reports,
    # exactly the recognised box.
    size = box_h / (ascent - descent)
    natural = pdfmetrics.stringWidth(content, font, size)
    baseline = height_pt - (word.top + word.height) * scale - descent * size
    text.setFont(font, size)
    text.setHorizScale(100.0 * box_w / natural if natural > 0 else 100.0)
    text.setTextOrigin(word.left * scale, baseline)
    text.textOut(content)


def _put_image_under_text(pdf: pikepdf.Pdf, pdf_page: pikepdf.Page, page: PdfPage, quality: int) -> None:
    height, width = page.image.shape[:2]
    colour = page.image.ndim == 3 and page.image.shape[2] == 3
    ok, jpeg = cv2.imencode(".jpg", page.image, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise ValueError("could not JPEG-encode the page image")
    image = pikepdf.Stream(pdf, jpeg.tobytes())
    image.Type = pikepdf.Name.XObject
    image.Subtype = pikepdf.Name.Image
    image.Width, image.Height = width, height
    image.ColorSpace = pikepdf.Name.DeviceRGB if colour else pikepdf.Name.DeviceGray
    image.BitsPerComponent = 8
    image.Filter = pikepdf.Name.DCTDecode
    # A fixed name (add_resource's prefix= picks a random one): same page, same bytes.
    name = pdf_page.add_resource(image, pikepdf.Name.XObject, pikepdf.Name("/SohoaPageImage"), replace_existing=False)
    width_pt, height_pt = page_size_points(page)
    draw = f"q {width_pt:.4f} 0 0 {height_pt:.4f} 0 0 cm {name} Do Q\n".encode()
    pdf_page.contents_add(pikepdf.Stream(pdf, draw), prepend=True)


# LittleCMS stamps the profile header (bytes 24-35) with the time it was built; a fixed date keeps the
# OutputIntent, and so every PDF/A we write, the same from one process to the next. Its profile ID is zero
# ("not computed"), so nothing else depends on the header.
_ICC_FIXED_DATE = struct.pack(">6H", 2000, 1, 1, 0, 0, 0)


@lru_cache(maxsize=1)
def _srgb_icc() -> bytes:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return profile[:24] + _ICC_FIXED_DATE + profile[36:]


def _make_pdfa(pdf: pikepdf.Pdf, title: str | None) -> None:
    """PDF/A-2b identification: sRGB OutputIntent and XMP metadata agreeing with the document info."""
    icc = pikepdf.Stream(pdf, _srgb_icc())
    icc.N = 3
    intent = pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent,
        S=pikepdf.Name.GTS_PDFA1,
        OutputConditionIdentifier=pikepdf.String("sRGB IEC61966-2.1"),
        Info=pikepdf.String("sRGB IEC61966-2.1"),
        DestOutputProfile=icc,
    )
    pdf.Root.OutputIntents = pikepdf.Array([pdf.make_indirect(intent)])
    # reportlab's placeholder author/subject say nothing, and /Trapped has no XMP equivalent.
    for key in ("/Author", "/Subject", "/Keywords", "/Trapped"):
        if key in pdf.docinfo:
            del pdf.docinfo[key]
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta.load_from_docinfo(pdf.docinfo)
        meta["pdfaid:part"] = "2"
        meta["pdfaid:conformance"] = "B"
        if title:
            meta["dc:title"] = title
