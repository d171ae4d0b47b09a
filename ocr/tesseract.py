"""The one wrapper around the Tesseract program: version check, OSD and word-level recognition, each run with
a timeout and one retry."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

import numpy as np
import pytesseract

from ocr.errors import MissingDependencyError, ProgramTimeoutError

# One Tesseract thread per process: we parallelise over pages, and multi-threaded Tesseract is slower per
# page.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

# Seconds one Tesseract run on a page may take. A 300-dpi A4 page takes 2-10 s on one core; a page still
# running after minutes is a hung program or a pathological image, and must not stall the whole batch.
DEFAULT_TIMEOUT = 180.0
_VERSION_TIMEOUT = 30.0
_timeout = DEFAULT_TIMEOUT
# What Tesseract says when a language's traineddata is missing or unreadable (TESSDATA_PREFIX wrong, package
# not installed): a broken machine, not a bad page.
_MISSING_DATA = re.compile(r"Failed loading language|Error opening data file|Could not initialize tesseract")

T = TypeVar("T")


def set_timeout(seconds: float) -> None:
    """Seconds each Tesseract run in this process may take (page workers set it from OcrOptions)."""
    global _timeout
    _timeout = float(seconds) if seconds and seconds > 0 else DEFAULT_TIMEOUT


def timeout() -> float:
    return _timeout


@dataclass(frozen=True)
class TesseractInfo:
    version: str
    languages: tuple[str, ...]


def probe() -> TesseractInfo:
    """Ask the Tesseract on PATH now for its version and languages (not cached: the preflight uses this)."""
    exe = shutil.which("tesseract")
    if exe is None:
        raise MissingDependencyError(
            "không tìm thấy Tesseract trên PATH (Tesseract is not installed: "
            "apt-get install tesseract-ocr tesseract-ocr-vie)"
        )
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False,
                             timeout=_VERSION_TIMEOUT)
        langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, check=False,
                               timeout=_VERSION_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise MissingDependencyError(
            f"Tesseract ({exe}) không trả lời trong {_VERSION_TIMEOUT:g} giây "
            f"(Tesseract does not answer --version within {_VERSION_TIMEOUT:g} s)"
        ) from None
    except OSError as exc:
        raise MissingDependencyError(
            f"không chạy được Tesseract ({exe}) (cannot run Tesseract: {exc})"
        ) from None
    match = re.search(r"tesseract\s+v?(\d+\.\d+(?:\.\d+)?)", out.stdout + out.stderr)
    version = match.group(1) if match else "unknown"
    names = tuple(line.strip() for line in langs.stdout.splitlines()[1:] if line.strip())
    return TesseractInfo(version=version, languages=names)


@lru_cache(maxsize=1)
def tesseract_info() -> TesseractInfo:
    return probe()


def problems(lang: str, info: TesseractInfo) -> list[str]:
    """What is wrong with this Tesseract for `lang` ('vie', 'vie+eng'): too old, language data missing."""
    found: list[str] = []
    if not info.version.startswith(("4.", "5.")):
        found.append(f"Tesseract {info.version} quá cũ, cần bản 4 hoặc 5 "
                     f"(Tesseract {info.version} is too old; version 4 or 5 is needed)")
    for part in lang.split("+"):
        if part not in info.languages:
            found.append(f"thiếu dữ liệu ngôn ngữ Tesseract '{part}' (Tesseract language data '{part}' is "
                         f"missing: apt-get install tesseract-ocr-{part}, or check TESSDATA_PREFIX)")
    return found


def require_language(lang: str) -> None:
    found = problems(lang, tesseract_info())
    if found:
        raise MissingDependencyError("; ".join(found))


def _run(call: Callable[[float], T]) -> T:
    """Run one Tesseract call with the timeout; a run that times out is retried once, then reported."""
    seconds = _timeout
    for attempt in (1, 2):
        try:
            return call(seconds)
        except pytesseract.TesseractNotFoundError:
            raise MissingDependencyError(
                "không tìm thấy Tesseract trên PATH (Tesseract is not installed)"
            ) from None
        except pytesseract.TesseractError as exc:
            if _MISSING_DATA.search(str(exc.message)):
                raise MissingDependencyError(
                    f"Tesseract không nạp được dữ liệu ngôn ngữ (Tesseract cannot load its language data: "
                    f"{' '.join(str(exc.message).split())[:200]})"
                ) from None
            raise
        except RuntimeError as exc:
            if "timeout" not in str(exc).lower():
                raise
            if attempt == 2:
                raise ProgramTimeoutError("Tesseract", seconds) from None
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Osd:
    rotate: int  # degrees clockwise to rotate the image to make it upright
    orientation_confidence: float


def detect_osd(image: np.ndarray) -> Osd | None:
    """Tesseract's orientation detection, or None when it cannot decide (too little text)."""
    try:
        out = _run(lambda seconds: pytesseract.image_to_osd(
            image, config="--psm 0 -c min_characters_to_try=20", timeout=seconds))
    except (pytesseract.TesseractError, MissingDependencyError):
        return None  # no OSD data is not fatal: orientation falls back to the ink statistics
    rotate = re.search(r"Rotate:\s+(\d+)", out)
    conf = re.search(r"Orientation confidence:\s+([\d.]+)", out)
    if not rotate:
        return None
    confidence = float(conf.group(1)) if conf else 0.0
    return Osd(rotate=int(rotate.group(1)) % 360, orientation_confidence=confidence)


def image_to_data(image: np.ndarray, lang: str = "vie", psm: int = 3, dpi: int = 300) -> dict[str, list]:
    """Run recognition and return Tesseract's TSV as columns (level, block_num, ..., conf, text)."""
    config = f"--psm {psm} --dpi {dpi} -c preserve_interword_spaces=0"
    return _run(lambda seconds: pytesseract.image_to_data(
        image, lang=lang, config=config, output_type=pytesseract.Output.DICT, timeout=seconds))
