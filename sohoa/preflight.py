"""Check the machine before a batch: Tesseract with its language data, Poppler and a Unicode font.

A missing program is a broken machine, not a bad file: without this check every scan of a batch was
quarantined as unreadable and the run exited 1. The check runs once per batch (`sohoa ingest`, `sohoa ocr`,
each web upload) and raises one MissingDependencyError naming everything missing, so the caller exits with
ExitCode.missing_dependency before anything is stored, quarantined or catalogued.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ocr import poppler, tesseract
from ocr.errors import MissingDependencyError
from ocr.searchable_pdf import FONT_CANDIDATES

_VERSION_TIMEOUT = 30.0
HEADLINE = "máy thiếu công cụ, chưa xử lý tệp nào (this machine is missing tools; no file was processed)"


def problems(lang: str = "vie", fonts: Sequence[Path] = FONT_CANDIDATES) -> list[str]:
    """Every reason this machine cannot read scans now, in words (Vietnamese first); empty when it can."""
    found: list[str] = []
    try:
        found += tesseract.problems(lang, tesseract.probe())
    except MissingDependencyError as exc:
        found.append(str(exc))
    if not found:
        found += _recognition_problems(lang)
    for program in poppler.PROGRAMS:
        found += _program_problems(program, "Poppler", "poppler-utils")
    if not any(Path(font).is_file() for font in fonts):
        found.append("không có phông chữ Unicode cho lớp chữ của PDF "
                     "(no Unicode TrueType font for the PDF text layer: apt-get install fonts-dejavu-core)")
    return found


def _recognition_problems(lang: str) -> list[str]:
    """Read a tiny blank image: `--list-langs` lists a damaged or truncated traineddata that cannot load.

    With the program: it is what must work (the in-process engine falls back to it), and this process need not
    hold a loaded model."""
    try:
        tesseract.image_to_data(np.full((32, 96), 255, np.uint8), lang=lang, psm=7, engine="cli")
    except MissingDependencyError as exc:
        return [str(exc)]
    except Exception as exc:  # noqa: BLE001 - what stops Tesseract on a blank strip stops it on every page
        detail = " ".join(str(exc).split())[:200]
        return [f"Tesseract không chạy được (Tesseract fails on a blank test image: {detail})"]
    return []


def _program_problems(program: str, suite: str, package: str) -> list[str]:
    exe = shutil.which(program)
    if exe is None:
        return [f"không tìm thấy {program} ({suite}) trên PATH "
                f"({suite} is not installed: apt-get install {package})"]
    try:
        subprocess.run([exe, "-v"], capture_output=True, check=False, timeout=_VERSION_TIMEOUT)
    except subprocess.TimeoutExpired:
        return [f"{program} không trả lời trong {_VERSION_TIMEOUT:g} giây ({program} does not answer -v)"]
    except OSError as exc:
        return [f"không chạy được {program} (cannot run {program}: {exc})"]
    return []


def check_tools(lang: str = "vie", fonts: Sequence[Path] = FONT_CANDIDATES) -> None:
    """Raise MissingDependencyError (exit code 3) naming every missing tool, before any file is touched."""
    found = problems(lang, fonts)
    if found:
        raise MissingDependencyError(f"{HEADLINE}: " + "; ".join(found))
