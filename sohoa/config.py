"""Settings from the environment (SOHOA_*) and an optional sohoa.toml; defaults are the embedded backends.

This module is the only reader of `SOHOA_*` variables and the one place that sets Prefect's defaults; every other
module gets the values passed down from the edges (the command line, the web app's composition, the Prefect
deployment entry), see docs/architecture.md.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ocr.errors import ExitCode, SohoaError


class SettingsError(SohoaError):
    """A setting that cannot be understood; the message names the variable (or sohoa.toml key) and the value."""

    exit_code = ExitCode.bad_arguments


SIGNING_KEYS = ("trust_roots", "crls", "timestamp_url", "signing_keys")
TESSERACT_ENGINES = ("api", "cli")  # ocr.tesseract.ENGINES; not imported, so settings load without Tesseract


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str
    storage_url: str
    search_url: str
    language: str  # user-facing messages: "vi" (default) or "en"
    default_target: float  # digitization-rate target when a unit has none
    # Seconds one Tesseract run / one Poppler page render may take before it is retried once, then reported.
    tesseract_timeout: float = 180.0
    render_timeout: float = 120.0
    # Recognition engine (ocr.tesseract): "cli" (the tesseract program for every reading) or "api" (in-process,
    # the model loaded once per worker; falls back to "cli" when it cannot start).
    tesseract_engine: str = "api"
    storage_retries: int = 5  # attempts while the object store is unavailable
    storage_backoff: float = 1.0  # first wait in seconds, doubled after each attempt
    max_upload_bytes: int = 2 * 1024**3  # one web upload's request body
    max_form_bytes: int = 64 * 1024  # any other request body (login, forms, JSON)
    max_pages_per_file: int = 2000  # a file with more pages is quarantined
    # Signing (docs/signing.md): trust_roots, crls, timestamp_url, signing_keys as written; sohoa.signing parses them.
    signing: dict[str, str] = field(default_factory=dict)
    cache: Path = Path.home() / ".cache" / "sohoa"  # SOHOA_CACHE: built tools and fonts, not archive data

    @property
    def is_embedded(self) -> bool:
        return self.database_url.startswith("sqlite") and self.storage_url.startswith("file:") and (
            self.search_url == "embedded"
        )


def _toml(path: Path) -> dict[str, object]:
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    section = data.get("sohoa", data)
    return section if isinstance(section, dict) else {}


def load_settings(environ: dict[str, str] | None = None, config_file: Path | None = None) -> Settings:
    env = dict(os.environ if environ is None else environ)
    file_values = _toml(config_file or Path(env.get("SOHOA_CONFIG", "sohoa.toml")))

    def pick(key: str, default: str) -> str:
        return env.get(f"SOHOA_{key.upper()}") or str(file_values.get(key, default))

    def number(key: str, default: str, kind: type[int] | type[float]) -> Any:
        text = pick(key, default)
        try:
            return kind(text)
        except ValueError:
            what = "số nguyên / a whole number" if kind is int else "số / a number"
            raise SettingsError(f"SOHOA_{key.upper()}={text!r}: phải là {what}") from None

    def choice(key: str, default: str, allowed: tuple[str, ...]) -> str:
        text = pick(key, default)
        if text.strip().lower() not in allowed:
            raise SettingsError(f"SOHOA_{key.upper()}={text!r}: phải là một trong / must be one of "
                                f"{', '.join(allowed)}")
        return text.strip().lower()

    home = Path(pick("home", str(Path.cwd() / ".sohoa"))).expanduser().resolve()
    return Settings(
        home=home,
        database_url=pick("database_url", f"sqlite:///{home / 'catalog.sqlite3'}"),
        storage_url=pick("storage_url", f"file://{home / 'objects'}"),
        search_url=pick("search_url", "embedded"),
        language=pick("lang", "vi"),
        default_target=number("default_target", "0.869", float),
        tesseract_timeout=number("tesseract_timeout", "180", float),
        render_timeout=number("render_timeout", "120", float),
        tesseract_engine=choice("tesseract_engine", "api", TESSERACT_ENGINES),
        storage_retries=number("storage_retries", "5", int),
        storage_backoff=number("storage_backoff", "1.0", float),
        max_upload_bytes=number("max_upload_bytes", str(2 * 1024**3), int),
        max_form_bytes=number("max_form_bytes", str(64 * 1024), int),
        max_pages_per_file=number("max_pages_per_file", "2000", int),
        signing={key: pick(key, "") for key in SIGNING_KEYS},
        cache=Path(pick("cache", str(Path.home() / ".cache" / "sohoa"))).expanduser(),
    )


PREFECT_DEFAULTS = {
    "PREFECT_LOGGING_LEVEL": "WARNING",
    # No internet on the archive's machines: no telemetry.
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    # The web upload runs ingest tasks outside any flow run; their logs have no run to go to.
    "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
    # The temporary API server a local flow run starts gets 20 s by default: too short on a busy 2-core machine,
    # where `sohoa ingest` then failed with "Timed out while attempting to connect to ephemeral Prefect API server".
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}


def apply_prefect_defaults(environ: MutableMapping[str, str] | None = None) -> None:
    """Prefect reads its settings from the environment: set ours where the user has not set their own."""
    target = os.environ if environ is None else environ
    for name, value in PREFECT_DEFAULTS.items():
        target.setdefault(name, value)


@contextmanager
def prefect_defaults() -> Iterator[None]:
    """Our Prefect defaults for the calls inside, also when Prefect was imported before they were set.

    Prefect reads the environment once, when it is first imported; a caller that imports `flows.ingest` before
    `apply_prefect_defaults` runs (a script, a test, a library user) got Prefect's own 20 s startup timeout and
    lost its files to "Timed out while attempting to connect to ephemeral Prefect API server". The user's own
    values still win: these are defaults, not overrides."""
    from prefect.settings import temporary_settings

    with temporary_settings(set_defaults={name: value for name, value in PREFECT_DEFAULTS.items()
                                          if name.startswith("PREFECT_")}):
        yield
