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


def _pil(page: SyntheticPage, flatten: bool = False) -> Image.Image:
    """The page as Pillow sees it: gray stays gray (mode L), BGRA becomes RGBA (or RGB on white if `flatten`)."""
    image = page.image
    if image.ndim == 2:
        return Image.fromarray(image)
    if image.shape[2] == 4:
        rgba = cv2.cvtColor(image, cv2.COLOR_BGRA2RGBA)
        if not flatten:
            return Image.fromarray(rgba)
        a = rgba[..., 3:4].astype("float32") / 255
        return Image.fromarray((rgba[..., :3] * a + 255 * (1 - a)).astype("uint8"))
    return Image.fromarray(cv2.cvtColor(image, cv2.COLOR_BGR2RGB))


def _dpi(page: SyntheticPage) -> dict:
    """Pillow's dpi argument; a page whose file carries no resolution (screenshots, photos) gets none."""
    return {"dpi": (page.dpi, page.dpi)} if page.dpi else {}


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
    if suffix in (".jpg", ".jpeg") and pages[0].encoded is not None:
        # A capture that arrives as JPEG already has its file's bytes: write them, no second compression.
        path.write_bytes(pages[0].encoded)
        return path
    images = [_pil(p, flatten=suffix in (".jpg", ".jpeg", ".pdf")) for p in pages]
    if suffix == ".png":
        images[0].save(path, **_dpi(pages[0]))
    elif suffix in (".jpg", ".jpeg"):
        images[0].save(path, quality=88, **_dpi(pages[0]))
    elif suffix in (".tif", ".tiff"):
        # Pillow writes one resolution per frame from the encoder info of each frame.
        images[0].save(path, save_all=True, append_images=images[1:], compression="tiff_lzw", **_dpi(pages[0]))
        if len({p.dpi for p in pages}) > 1:
            _tiff_per_frame_dpi(path, images, pages)
    else:
        # A PDF page needs a size: without a dpi, 96 (what img2pdf and browsers assume).
        _write_pdf(path, images, [p.dpi or 96 for p in pages])
    return path


def _tiff_per_frame_dpi(path: Path, images: list[Image.Image], pages: Sequence[SyntheticPage]) -> None:
    from PIL import TiffImagePlugin

    with TiffImagePlugin.AppendingTiffWriter(str(path), new=True) as tf:
        for image, page in zip(images, pages):
            image.save(tf, format="TIFF", compression="tiff_lzw", **_dpi(page))
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
