"""The one wrapper around the Tesseract program: version check, OSD and word-level recognition."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pytesseract

from ocr.errors import MissingDependencyError

# One Tesseract thread per process: we parallelise over pages, and multi-threaded Tesseract is slower per page.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


@dataclass(frozen=True)
class TesseractInfo:
    version: str
    languages: tuple[str, ...]


@lru_cache(maxsize=1)
def tesseract_info() -> TesseractInfo:
    exe = shutil.which("tesseract")
    if exe is None:
        raise MissingDependencyError("Tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-vie)")
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False)
    match = re.search(r"tesseract\s+v?(\d+\.\d+(?:\.\d+)?)", out.stdout + out.stderr)
    version = match.group(1) if match else "unknown"
    langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, check=False)
    names = tuple(line.strip() for line in langs.stdout.splitlines()[1:] if line.strip())
    return TesseractInfo(version=version, languages=names)


def require_language(lang: str) -> None:
    info = tesseract_info()
    if not info.version.startswith(("4.", "5.")):
        raise MissingDependencyError(f"Tesseract {info.version} is too old; version 4 or 5 is needed")
    for part in lang.split("+"):
        if part not in info.languages:
            raise MissingDependencyError(
                f"Tesseract language data '{part}' is missing (apt-get install tesseract-ocr-{part})"
            )


@dataclass(frozen=True)
class Osd:
    rotate: int  # degrees clockwise to rotate the image to make it upright
    orientation_confidence: float


def detect_osd(image: np.ndarray) -> Osd | None:
    """Tesseract's orientation detection, or None when it cannot decide (too little text)."""
    try:
        out = pytesseract.image_to_osd(image, config="--psm 0 -c min_characters_to_try=20")
    except pytesseract.TesseractError:
        return None
    rotate = re.search(r"Rotate:\s+(\d+)", out)
    conf = re.search(r"Orientation confidence:\s+([\d.]+)", out)
    if not rotate:
        return None
    return Osd(rotate=int(rotate.group(1)) % 360, orientation_confidence=float(conf.group(1)) if conf else 0.0)


def image_to_data(image: np.ndarray, lang: str = "vie", psm: int = 3, dpi: int = 300) -> dict[str, list]:
    """Run recognition and return Tesseract's TSV as columns (level, block_num, ..., conf, text)."""
    config = f"--psm {psm} --dpi {dpi} -c preserve_interword_spaces=0"
    try:
        return pytesseract.image_to_data(image, lang=lang, config=config, output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractNotFoundError as exc:
        raise MissingDependencyError("Tesseract is not installed") from exc
