"""Find scanner output under the paths a user gives: recursive, skipping hidden and temporary files,
waiting for files a scanner is still writing."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

# Names scanners, office suites and browsers use while a file is still being written or as lock files.
TEMPORARY_PREFIXES = (".", "~$", "~")
TEMPORARY_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload", ".download", ".swp", ".lock")


def is_candidate(path: Path) -> bool:
    name = path.name
    return not name.startswith(TEMPORARY_PREFIXES) and not name.lower().endswith(TEMPORARY_SUFFIXES)


@dataclass
class Discovery:
    files: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)  # hidden or temporary: reported, never silently dropped


def discover(paths: Iterable[Path]) -> Discovery:
    """Files under `paths` in a stable order; hidden and temporary ones set aside. Missing paths raise."""
    found = Discovery()
    for root in paths:
        root = Path(root)
        if root.is_file():
            found.files.append(root)
            continue
        if not root.exists():
            raise FileNotFoundError(f"{root}: không tìm thấy / not found")
        for folder, dirnames, filenames in os.walk(root):
            hidden = sorted(d for d in dirnames if d.startswith("."))
            found.skipped += [Path(folder) / d for d in hidden]
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                path = Path(folder) / name
                if not path.is_file():
                    continue
                (found.files if is_candidate(path) else found.skipped).append(path)
    return found


def wait_until_stable(path: Path, *, settle_seconds: float = 2.0, timeout: float = 300.0) -> bool:
    """True once the file's size and mtime have not changed for `settle_seconds` (a scanner has finished)."""
    deadline = time.monotonic() + timeout
    try:
        last = path.stat()
    except FileNotFoundError:
        return False
    if time.time() - last.st_mtime >= settle_seconds:
        return True
    while time.monotonic() < deadline:
        time.sleep(min(0.5, settle_seconds))
        try:
            now = path.stat()
        except FileNotFoundError:
            return False
        if (now.st_size, now.st_mtime_ns) != (last.st_size, last.st_mtime_ns):
            last = now
            continue
        if time.time() - now.st_mtime >= settle_seconds:
            return True
    return False
