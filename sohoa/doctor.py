"""`sohoa doctor`: what is installed and usable — programs, language data, configured services, and whether
the search index still holds what the catalogue says it does."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass

from sohoa.config import Settings


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


PROBE_TIMEOUT = 20.0  # seconds a version probe may take; a hung program is a finding, not a crash


def _version(cmd: list[str]) -> tuple[bool, str]:
    """(usable, what it said) for one program's version probe."""
    exe = shutil.which(cmd[0])
    if exe is None:
        return False, "not installed"
    try:
        out = subprocess.run([exe, *cmd[1:]], capture_output=True, text=True, check=False, timeout=PROBE_TIMEOUT)
    except subprocess.TimeoutExpired:
        return False, f"{exe}: không trả lời sau {PROBE_TIMEOUT:g} giây / no answer after {PROBE_TIMEOUT:g} s"
    except OSError as exc:
        return False, f"{exe}: {exc.strerror or exc}"
    text = (out.stdout or out.stderr).strip().splitlines()
    return True, text[0] if text else "?"


def program_checks(engine: str = "cli") -> list[Check]:
    """The programs, and the Tesseract engine recognition will use (`engine` is the setting)."""
    from ocr import tesseract
    from ocr.errors import MissingDependencyError

    checks: list[Check] = []
    try:
        info = tesseract.tesseract_info()
        checks.append(Check("tesseract", info.version.startswith(("4.", "5.")), f"Tesseract {info.version}"))
        for lang in ("vie", "osd"):
            present = lang in info.languages
            checks.append(Check(f"tesseract-{lang}", present, "installed" if present else "missing"))
    except MissingDependencyError as exc:
        checks.append(Check("tesseract", False, str(exc)))
    # Always usable: an engine that cannot start falls back to the program, checked above.
    tesseract.set_engine(engine)
    checks.append(Check("tesseract-engine", True, tesseract.engine_in_use("vie")))
    for name, cmd in (("poppler", ["pdftoppm", "-v"]), ("ghostscript", ["gs", "--version"])):
        ok, detail = _version(cmd)
        checks.append(Check(name, ok, detail))
    return checks


def _ping_catalog(settings: Settings) -> None:
    from storage.catalog import open_catalog

    open_catalog(settings.database_url).close()


def _ping_objects(settings: Settings) -> None:
    from sohoa.compose import open_object_store

    open_object_store(settings.storage_url).ping()


def _ping_search(settings: Settings) -> None:
    from indexing import SearchUnavailableError
    from sohoa.compose import open_search_index

    index = open_search_index(settings.search_url, settings.home)
    try:
        if not index.ping():
            index.count()  # raises the backend's own explanation (unreachable, old format, ...)
            raise SearchUnavailableError(f"{settings.search_url} does not answer")
    finally:
        index.close()


def service_checks(settings: Settings) -> list[Check]:
    """Each configured backend answers (embedded ones are created on first use)."""
    checks: list[Check] = []
    for name, url, ping in (
        ("catalog", settings.database_url, _ping_catalog),
        ("objects", settings.storage_url, _ping_objects),
        ("search", settings.search_url, _ping_search),
    ):
        try:
            ping(settings)
            checks.append(Check(name, True, _redact(url)))
        except Exception as exc:  # doctor reports every problem instead of stopping at the first
            checks.append(Check(name, False, f"{_redact(url)}: {exc}"))
    if all(c.ok for c in checks if c.name in ("catalog", "search")):
        checks.append(index_sync_check(settings))
    return checks


def index_sync_check(settings: Settings) -> Check:
    """The index holds every page the catalogue marks indexed (an emptied or lost index answers, but empty)."""
    from flows.index_health import check_index
    from sohoa.compose import open_search_index
    from storage.catalog import open_catalog

    catalog = open_catalog(settings.database_url, default_target=settings.default_target)
    index = open_search_index(settings.search_url, settings.home)
    try:
        health = check_index(catalog, index)
    except Exception as exc:  # noqa: BLE001 - reported like every other check
        return Check("index-sync", False, str(exc))
    finally:
        index.close()
        catalog.close()
    return Check("index-sync", health.ok, health.message())


def _redact(url: str) -> str:
    """Hide credentials in URLs shown to users."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url
