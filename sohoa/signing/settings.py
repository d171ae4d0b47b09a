"""Signing settings the operator configures: trust roots, CRLs, timestamp server, and the server-side keys
and seals used for signing from the web app (a TOML file). PINs and passphrases are never configured here."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sohoa.signing.appearance import Seal
from sohoa.signing.errors import KeyAccessError
from sohoa.signing.keys import KeySpec, Pkcs11Key, Pkcs12Key


@dataclass(frozen=True)
class SigningSettings:
    trust_roots: tuple[Path, ...] = ()
    crls: tuple[Path, ...] = ()
    timestamp_url: str | None = None
    keys_file: Path | None = None
    # From keys_file: [officer.<username>|officer."*"], [agency.<unit code>|agency."*"], [seal.<unit code>]
    keys: dict[str, dict[str, Any]] = field(default_factory=dict)

    def key_for(self, role: str, name: str) -> KeySpec:
        """The web's key for an officer (by username) or the agency (by unit code); '*' is the fallback."""
        section = self.keys.get(role, {})
        entry = section.get(name) or section.get("*")
        if not entry:
            raise KeyAccessError(
                f"{self.keys_file or 'SOHOA_SIGNING_KEYS'}: chưa cấu hình khóa ký cho {role} {name!r} / "
                f"no signing key configured for {role} {name!r}"
            )
        return key_from_entry(entry, self.keys_file)

    def seal_for(self, unit: str | None) -> Seal | None:
        seals = self.keys.get("seal", {})
        entry = seals.get(unit or "") or seals.get("*")
        if not entry:
            return None
        return Seal(_path(entry["path"], self.keys_file), float(entry.get("dpi", 300)))


def key_from_entry(entry: dict[str, Any], origin: Path | None) -> KeySpec:
    if "pkcs12" in entry:
        return Pkcs12Key(_path(entry["pkcs12"], origin))
    try:
        return Pkcs11Key(
            _path(entry["pkcs11_lib"], origin),
            str(entry["token_label"]),
            str(entry["key_label"]),
            entry.get("cert_label"),
        )
    except KeyError as missing:
        raise KeyAccessError(
            f"{origin}: key entry lacks {missing} (pkcs12, or pkcs11_lib + token_label + key_label)"
        ) from None


def _path(value: str, origin: Path | None) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() or origin is None else origin.parent / path


def _paths(value: str) -> tuple[Path, ...]:
    """Files, or folders whose *.pem, *.crt, *.cer, *.crl files are taken; separated by the path separator."""
    found: list[Path] = []
    for part in filter(None, value.split(os.pathsep)):
        path = Path(part).expanduser()
        if path.is_dir():
            found += sorted(
                p for p in path.iterdir() if p.suffix.lower() in (".pem", ".crt", ".cer", ".der", ".crl")
            )
        else:
            found.append(path)
    return tuple(found)


def load_signing_settings(values: Mapping[str, str]) -> SigningSettings:
    """From `Settings.signing`: SOHOA_TRUST_ROOTS, SOHOA_CRLS, SOHOA_TIMESTAMP_URL and SOHOA_SIGNING_KEYS as
    written (keys without the prefix, lower case; see docs/signing.md)."""
    keys_file = Path(values["signing_keys"]).expanduser() if values.get("signing_keys") else None
    keys: dict[str, dict[str, Any]] = {}
    if keys_file is not None:
        try:
            with keys_file.open("rb") as handle:
                keys = tomllib.load(handle)
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise KeyAccessError(
                f"{keys_file}: không đọc được cấu hình khóa / unreadable key configuration ({error})"
            ) from None
    return SigningSettings(
        trust_roots=_paths(values.get("trust_roots", "")),
        crls=_paths(values.get("crls", "")),
        timestamp_url=values.get("timestamp_url") or None,
        keys_file=keys_file,
        keys=keys,
    )
