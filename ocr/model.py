"""Value types passed between the OCR stages: page images, recognised words, page and file results."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class PageImage:
    """One rasterized page of an input file, untouched: BGR uint8 (H, W, 3) and its resolution."""

    image: np.ndarray
    dpi: int
    index: int  # 0-based page number within the source file


@dataclass(frozen=True)
class Word:
    text: str  # NFC
    left: int
    top: int
    width: int
    height: int
    confidence: float  # 0..100
    block: int
    paragraph: int
    line: int


@dataclass
class CleanedPage:
    """Result of clean-up: the image to show (colour, upright, deskewed) and the one to read (binary)."""

    display: np.ndarray  # BGR, rotated and deskewed; its geometry matches `binary`
    binary: np.ndarray  # uint8 0/255, text black on white, same shape as display[:2]
    dpi: int
    rotation: int  # degrees clockwise applied to make the page upright: 0, 90, 180, 270
    skew: float  # degrees of skew corrected
    blank: bool
    flags: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class PageText:
    words: list[Word]
    text: str  # NFC, reading order, lines separated by \n, paragraphs by a blank line
    mean_confidence: float  # 0..100, over words with text; 0 when no words

    @property
    def word_count(self) -> int:
        return len(self.words)


@dataclass
class PageResult:
    index: int
    dpi: int
    rotation: int
    skew: float
    blank: bool
    mean_confidence: float
    text: str
    words: list[Word]
    flags: list[str]
    width: int
    height: int
    seconds: float = 0.0
    qr_payloads: list[str] = field(default_factory=list)
    binarization: str = ""  # the method whose reading was kept: otsu, sauvola or strokes
    # Why the page was judged as it was: the ink's glyph count and blank reason, every reading tried (turn,
    # binarization, confidence, letters read surely) and the scale measured from the text.
    evidence: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """What goes in DIR/<file>.json for this page."""
        return {
            "page": self.index + 1,
            "orientation": self.rotation,
            "skew": round(self.skew, 2),
            "mean_confidence": round(self.mean_confidence, 1),
            "blank": self.blank,
            "flags": self.flags,
            "dpi": self.dpi,
            "width": self.width,
            "height": self.height,
            "words": len(self.words),
            "qr": self.qr_payloads,
            "binarization": self.binarization,
            "evidence": self.evidence,
            "seconds": round(self.seconds, 3),
        }
