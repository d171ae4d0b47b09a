"""The one wrapper around Tesseract: version check, OSD and word-level recognition, each run with a timeout and
one retry.

Recognition has two engines reading the same traineddata (the system tessdata folder `tesseract --list-langs`
names): "api", an in-process `tesserocr.PyTessBaseAPI` per (process, thread, language, psm) that loads the model
once, and "cli", the `tesseract` program through pytesseract, which loads the model again on every run (~0.3-0.5 s
of CPU). "api" is the default, and is used only when tesserocr's libtesseract is the program's version (make
install builds tesserocr against the system library): the wheel's libtesseract 5.5.4 lays out some pages
differently from the 5.3.0 program (docs/benchmarks.md, the table page). When "api" is chosen but tesserocr does
not import, runs another Tesseract version or its engine does not initialise, recognition falls back to "cli" with
one logged warning. The version probe and OSD always use the
program.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, TypeVar, cast

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
log = logging.getLogger(__name__)

Engine = Literal["api", "cli"]
ENGINES: tuple[Engine, ...] = ("api", "cli")
DEFAULT_ENGINE: Engine = "api"
_engine: Engine = DEFAULT_ENGINE


def set_timeout(seconds: float) -> None:
    """Seconds each Tesseract run in this process may take (page workers set it from OcrOptions)."""
    global _timeout
    _timeout = float(seconds) if seconds and seconds > 0 else DEFAULT_TIMEOUT


def timeout() -> float:
    return _timeout


def set_engine(name: str) -> None:
    """The recognition engine for this process, "api" or "cli" (page workers set it from OcrOptions)."""
    global _engine
    if name not in ENGINES:
        raise ValueError(f"unknown Tesseract engine {name!r}; choose one of {', '.join(ENGINES)}")
    _engine = cast(Engine, name)


def engine() -> Engine:
    """The engine this process was asked to use (see `engine_in_use` for the one that actually runs)."""
    return _engine


@dataclass(frozen=True)
class TesseractInfo:
    version: str
    languages: tuple[str, ...]
    tessdata: str | None = None  # the folder the program reads traineddata from, as --list-langs names it


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
    folder = re.search(r'languages in "([^"]+)"', langs.stdout + langs.stderr)
    return TesseractInfo(version=version, languages=names, tessdata=folder.group(1) if folder else None)


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


class _ApiTimeout(RuntimeError):
    """The in-process engine stopped recognising at its deadline (the CLI path raises pytesseract's
    RuntimeError("Tesseract process timeout") instead; `_run` treats both alike)."""


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
            log.warning("Tesseract ran longer than %g s; trying once more", seconds)
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


def image_to_data(image: np.ndarray, lang: str = "vie", psm: int = 3, dpi: int = 300,
                  engine: Engine | None = None) -> dict[str, list]:
    """Run recognition and return Tesseract's TSV as columns (level, page_num, block_num, par_num, line_num,
    word_num, left, top, width, height, conf, text), as pytesseract's Output.DICT gives them.

    `engine` overrides this process's setting for one call ("cli": the preflight checks the program itself).
    """
    if (engine or _engine) == "api" and _supported(image):
        api = _api(lang, psm)
        if api is not None:
            return _run(lambda seconds: _api_data(api, image, dpi, seconds))
    config = f"--psm {psm} --dpi {dpi} -c preserve_interword_spaces=0"
    return _run(lambda seconds: pytesseract.image_to_data(
        image, lang=lang, config=config, output_type=pytesseract.Output.DICT, timeout=seconds))


def engine_in_use(lang: str = "vie", psm: int = 3) -> str:
    """What recognition of `lang` runs on in this process, in words: "api (tesserocr ..., libtesseract ...)",
    or "cli" with the reason the in-process engine is not used."""
    if _engine == "cli":
        return "cli (the tesseract program for every reading; SOHOA_TESSERACT_ENGINE=api reads in process)"
    if _api(lang, psm) is None:
        return f"cli (api unavailable: {_api_failures.get((lang, psm)) or _api_failures.get(None, '?')})"
    import tesserocr

    library = tesserocr.tesseract_version().split()[1] if tesserocr.tesseract_version() else "?"
    return f"api (tesserocr {tesserocr.__version__}, libtesseract {library}, tessdata {_tessdata() or 'default'})"


# --- the in-process engine -------------------------------------------------------------------------------------

# Per thread (an API must not be used by two threads at once) and per process: an API made before a fork is
# never used in the child, which makes its own (`_Apis.pid`).
class _Apis(threading.local):
    def __init__(self) -> None:
        self.pid = os.getpid()
        self.by_key: dict[tuple[str, int], Any] = {}


_apis = _Apis()
# Why the in-process engine is not used, by (lang, psm), or under None when tesserocr itself is missing. Each
# reason is logged once per process.
_api_failures: dict[tuple[str, int] | None, str] = {}
_failures_lock = threading.Lock()


def _give_up(key: tuple[str, int] | None, reason: str) -> None:
    with _failures_lock:
        if key in _api_failures:
            return
        _api_failures[key] = reason
    log.warning("Tesseract: dùng chương trình tesseract thay cho thư viện (using the tesseract program instead "
                "of the in-process engine): %s", reason)


def _tessdata() -> str | None:
    """The folder the `tesseract` program reads traineddata from, so both engines read the same files."""
    try:
        folder = tesseract_info().tessdata
    except MissingDependencyError:
        folder = None
    folder = folder or os.environ.get("TESSDATA_PREFIX")
    return folder if folder and Path(folder).is_dir() else None


def _library_mismatch(library_banner: str) -> str | None:
    """Why the in-process library must not be used: another Tesseract version than the program's lays pages out
    differently (the wheel's 5.5.4 read a table page out of row order, docs/benchmarks.md). None when they agree."""
    found = re.search(r"tesseract\s+v?(\d+\.\d+(?:\.\d+)?)", library_banner or "")
    library = found.group(1) if found else "unknown"
    try:
        program = tesseract_info().version
    except MissingDependencyError as exc:
        return str(exc)
    if library == program:
        return None
    return (f"libtesseract {library} của tesserocr khác chương trình tesseract {program} "
            f"(tesserocr's libtesseract {library} differs from the tesseract program {program}; build it against "
            f"the system library: pip install --no-binary tesserocr tesserocr)")


def _api(lang: str, psm: int) -> Any | None:
    """This thread's engine for (lang, psm), made on first use; None when it cannot be made (reason logged)."""
    if _apis.pid != os.getpid():
        _apis.pid, _apis.by_key = os.getpid(), {}  # forked: the parent's engines are not ours
    key = (lang, psm)
    if key in _apis.by_key:
        return _apis.by_key[key]
    if None in _api_failures or key in _api_failures:
        return None
    try:
        import tesserocr
    except ImportError as exc:  # not installed, or its bundled library does not load
        _give_up(None, f"tesserocr không nạp được (cannot import tesserocr: {exc})")
        return None
    mismatch = _library_mismatch(tesserocr.tesseract_version())
    if mismatch:
        _give_up(None, mismatch)
        return None
    folder = _tessdata()
    try:
        where = {"path": os.path.join(folder, "")} if folder else {}  # tesserocr's path must end in "/"
        api = tesserocr.PyTessBaseAPI(**where, lang=lang, psm=psm, oem=tesserocr.OEM.DEFAULT)
    except (RuntimeError, TypeError) as exc:
        # Missing or damaged language data, or a folder the library cannot read: the program then says which
        # (MissingDependencyError from `_run`), or reads where the library could not.
        _give_up(key, f"{' '.join(str(exc).split())[:200]} (lang {lang})")
        return None
    api.SetVariable("preserve_interword_spaces", "0")
    _apis.by_key[key] = api
    return api


def _supported(image: np.ndarray) -> bool:
    """Images the in-process engine takes as they are: 8-bit gray or RGB (others go to the program)."""
    return image.dtype == np.uint8 and (image.ndim == 2 or (image.ndim == 3 and image.shape[2] == 3))


def _api_data(api: Any, image: np.ndarray, dpi: int, seconds: float) -> dict[str, list]:
    pixels = np.ascontiguousarray(image)
    height, width = pixels.shape[:2]
    depth = 1 if pixels.ndim == 2 else 3
    raw = pixels.tobytes()  # the API does not copy the buffer: keep it alive until recognition is done
    api.SetImageBytes(raw, width, height, depth, width * depth)
    api.SetVariable("user_defined_dpi", str(dpi))  # what the program's --dpi sets
    started = time.monotonic()
    if not api.Recognize(timeout=max(1, round(seconds * 1000))):
        if time.monotonic() - started >= seconds * 0.95:
            raise _ApiTimeout("Tesseract timeout")
        raise pytesseract.TesseractError(1, "Tesseract (in-process engine) could not recognise the image")
    tsv = api.GetTSVText(0)
    del raw
    return _tsv_columns(tsv)


TSV_COLUMNS = ("level", "page_num", "block_num", "par_num", "line_num", "word_num", "left", "top", "width",
               "height", "conf", "text")


def _tsv_columns(tsv: str) -> dict[str, list]:
    """The API's TSV (no header row) as pytesseract.Output.DICT parses the program's: every column but the
    text made an int (conf truncated, as int(float(...)) does)."""
    header = "\t".join(TSV_COLUMNS)
    return cast(dict[str, list], pytesseract.pytesseract.file_to_dict(f"{header}\n{tsv}", "\t", -1))
