"""Work done for one page in a worker process: read it and leave its artifacts in a scratch folder."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import cv2

from ocr.model import PageResult
from ocr.pipeline import OcrOptions, read_file_page, write_page_pdf

# The viewer needs a legible page, not the 300-dpi working image: half of it keeps a page near 300 kB.
VIEW_SCALE = 0.5
VIEW_JPEG_QUALITY = 80


@dataclass(frozen=True)
class PageArtifacts:
    result: PageResult
    pdf: Path
    image: Path
    words: Path


def words_json(result: PageResult) -> bytes:
    return json.dumps(
        {
            "page": result.index + 1,
            "width": result.width,
            "height": result.height,
            "dpi": result.dpi,
            "mean_confidence": round(result.mean_confidence, 2),
            "words": [
                [w.text, w.left, w.top, w.width, w.height, round(w.confidence, 1)] for w in result.words
            ],
        },
        ensure_ascii=False,
    ).encode("utf-8")


def read_page(path: Path, index: int, options: OcrOptions, scratch: Path) -> PageArtifacts:
    result, cleaned = read_file_page(path, index, options)
    stem = scratch / f"page-{index + 1:05d}"
    pdf = stem.with_suffix(".pdf")
    write_page_pdf(result, cleaned, pdf)
    view = cv2.resize(cleaned.display, None, fx=VIEW_SCALE, fy=VIEW_SCALE, interpolation=cv2.INTER_AREA)
    image = stem.with_suffix(".jpg")
    cv2.imwrite(str(image), view, [cv2.IMWRITE_JPEG_QUALITY, VIEW_JPEG_QUALITY])
    words = stem.with_suffix(".words.json")
    words.write_bytes(words_json(result))
    return PageArtifacts(result=result, pdf=pdf, image=image, words=words)
