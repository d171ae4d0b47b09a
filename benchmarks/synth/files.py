"""Write synthetic pages as a scanner would: PNG, JPEG, multi-page TIFF or image-only PDF, with their dpi."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Sequence

import cv2
import pikepdf
from PIL import Image

from benchmarks.synth.page import SyntheticPage

SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".pdf")


def _pil(page: SyntheticPage) -> Image.Image:
    return Image.fromarray(cv2.cvtColor(page.image, cv2.COLOR_BGR2RGB))


def save_page(page: SyntheticPage, path: str | Path) -> Path:
    return save_pages([page], path)


def save_pages(pages: Sequence[SyntheticPage], path: str | Path) -> Path:
    """Write pages to one file chosen by suffix; several pages need .tif/.tiff/.pdf."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(f"{path}: cannot write {suffix or 'a file without suffix'}; use one of {', '.join(SUFFIXES)}")
    if not pages:
        raise ValueError(f"{path}: no pages to write")
    if len(pages) > 1 and suffix not in (".tif", ".tiff", ".pdf"):
        raise ValueError(f"{path}: {suffix} holds one page, got {len(pages)}; use .tif or .pdf")
    path.parent.mkdir(parents=True, exist_ok=True)
    images = [_pil(p) for p in pages]
    if suffix == ".png":
        images[0].save(path, dpi=(pages[0].dpi, pages[0].dpi))
    elif suffix in (".jpg", ".jpeg"):
        images[0].save(path, quality=88, dpi=(pages[0].dpi, pages[0].dpi))
    elif suffix in (".tif", ".tiff"):
        # Pillow writes one resolution per frame from the encoder info of each frame.
        images[0].save(path, save_all=True, append_images=images[1:], compression="tiff_lzw",
                       dpi=(pages[0].dpi, pages[0].dpi))
        if len({p.dpi for p in pages}) > 1:
            _tiff_per_frame_dpi(path, images, pages)
    else:
        _write_pdf(path, images, [p.dpi for p in pages])
    return path


def _tiff_per_frame_dpi(path: Path, images: list[Image.Image], pages: Sequence[SyntheticPage]) -> None:
    from PIL import TiffImagePlugin

    with TiffImagePlugin.AppendingTiffWriter(str(path), new=True) as tf:
        for image, page in zip(images, pages):
            image.save(tf, format="TIFF", compression="tiff_lzw", dpi=(page.dpi, page.dpi))
            tf.newFrame()


def _write_pdf(path: Path, images: list[Image.Image], dpis: list[int]) -> None:
    """An image-only scanned PDF: each page one JPEG at its own resolution, merged with pikepdf."""
    out = pikepdf.Pdf.new()
    for image, dpi in zip(images, dpis):
        buf = io.BytesIO()
        image.save(buf, format="PDF", resolution=float(dpi), quality=88)
        buf.seek(0)
        single = pikepdf.Pdf.open(buf)
        out.pages.extend(single.pages)
    out.save(path)
