"""Settings from the environment (SOHOA_*) and an optional sohoa.toml; defaults are the embedded backends."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path


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

    home = Path(pick("home", str(Path.cwd() / ".sohoa"))).expanduser().resolve()
    return Settings(
        home=home,
        database_url=pick("database_url", f"sqlite:///{home / 'catalog.sqlite3'}"),
        storage_url=pick("storage_url", f"file://{home / 'objects'}"),
        search_url=pick("search_url", "embedded"),
        language=pick("lang", "vi"),
        default_target=float(pick("default_target", "0.869")),
        tesseract_timeout=float(pick("tesseract_timeout", "180")),
        render_timeout=float(pick("render_timeout", "120")),
    )
