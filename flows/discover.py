"""Find scanner output under the paths a user gives: recursive; hidden and temporary files, special files,
broken or escaping links and loops reported with a reason; waiting for files a scanner is still writing."""

from __future__ import annotations

import errno
import os
import stat
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

# Names scanners, office suites and browsers use while a file is still being written or as lock files.
TEMPORARY_PREFIXES = (".", "~$", "~")
TEMPORARY_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload", ".download", ".swp", ".lock")


def is_candidate(path: Path) -> bool:
    return skip_reason_of_name(path.name) is None


def skip_reason_of_name(name: str) -> str | None:
    if name.startswith("."):
        return "hidden"
    if name.startswith(TEMPORARY_PREFIXES) or name.lower().endswith(TEMPORARY_SUFFIXES):
        return "temporary"
    return None


# Stable reasons an entry is not ingested (the summary's `skipped[].reason`; sohoa.messages explains each).
SKIP_REASONS = (
    "hidden",  # name starts with '.' (files and folders)
    "temporary",  # '~$x', '~x', *.tmp, *.part, *.crdownload ...: still being written, or a lock file
    "not_a_regular_file",  # FIFO, socket, device
    "dangling_symlink",  # the link's target does not exist
    "symlink_loop",  # the link resolves to itself through other links
    "symlink_outside",  # the link leads out of the folder the user gave: never followed
    "directory_loop",  # a folder that contains itself (a link to an ancestor)
    "same_folder",  # a second name of a folder already walked
    "same_file",  # a second name of a file already found
    "unreadable",  # no permission or an I/O error; an unreadable folder hides what it holds
)


@dataclass(frozen=True)
class Skipped:
    path: Path
    reason: str  # one of SKIP_REASONS
    detail: str = ""

    def to_json(self) -> dict[str, str]:
        return {"path": str(self.path), "reason": self.reason, **({"detail": self.detail} if self.detail else {})}


@dataclass
class Discovery:
    files: list[Path] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)  # every entry not ingested, with its reason


def discover(paths: Iterable[Path]) -> Discovery:
    """Files under `paths` in a stable order; every other entry set aside with a reason. Missing paths raise.

    Symbolic links are followed only while they stay inside the given folder (a link to /etc/passwd is
    reported, never stored); every file and folder is visited once, however many names lead to it.
    """
    walk = _Walk()
    for root in paths:
        root = Path(root)
        if not root.exists() and not root.is_symlink():
            raise FileNotFoundError(f"{root}: không tìm thấy / not found")
        try:
            st = root.stat()
        except FileNotFoundError:
            walk.skip(root, "dangling_symlink")
            continue
        except OSError as exc:
            walk.skip(root, "symlink_loop" if exc.errno == errno.ELOOP else "unreadable", exc)
            continue
        if stat.S_ISDIR(st.st_mode):
            walk.folder(root, root.resolve(), ())
        else:
            walk.entry(root, st, is_link=False)  # a file the user named explicitly is taken wherever it lives
    return walk.finish()


class _Walk:
    def __init__(self) -> None:
        self.found = Discovery()
        self.candidates: list[tuple[Path, tuple[int, int], bool]] = []
        self.seen_folders: set[tuple[int, int]] = set()

    def skip(self, path: Path, reason: str, exc: OSError | None = None) -> None:
        detail = f"{exc.strerror or exc}" if exc is not None else ""
        self.found.skipped.append(Skipped(path, reason, detail))

    def entry(self, path: Path, st: os.stat_result, *, is_link: bool) -> None:
        if not stat.S_ISREG(st.st_mode):
            self.skip(path, "not_a_regular_file")
        elif not os.access(path, os.R_OK):
            self.skip(path, "unreadable")
        else:
            self.candidates.append((path, (st.st_dev, st.st_ino), is_link))

    def finish(self) -> Discovery:
        # One name per file; its own name wins over a link's, else the first in walking order.
        chosen: dict[tuple[int, int], Path] = {}
        for path, key, is_link in sorted(self.candidates, key=lambda c: c[2]):  # stable: real names first
            chosen.setdefault(key, path)
        for path, key, _is_link in self.candidates:
            if chosen[key] == path:
                self.found.files.append(path)
            else:
                self.skip(path, "same_file")
        return self.found

    def folder(self, folder: Path, boundary: Path, ancestors: tuple[tuple[int, int], ...]) -> None:
        st = folder.stat()
        key = (st.st_dev, st.st_ino)
        if key in ancestors:
            self.skip(folder, "directory_loop")
            return
        if key in self.seen_folders:
            self.skip(folder, "same_folder")
            return
        self.seen_folders.add(key)
        try:
            with os.scandir(folder) as listing:
                names = sorted(e.name for e in listing)
        except OSError as exc:
            self.skip(folder, "unreadable", exc)
            return
        # Files first, then sub-folders, each in name order (the order os.walk gave before).
        subfolders: list[Path] = []
        for name in names:
            path = folder / name
            reason = skip_reason_of_name(name)
            if reason:
                self.skip(path, reason)
                continue
            is_link = path.is_symlink()
            try:
                if is_link:
                    target = path.resolve(strict=True)
                    if not target.is_relative_to(boundary):
                        self.skip(path, "symlink_outside")
                        continue
                st = path.stat()
            except FileNotFoundError:
                self.skip(path, "dangling_symlink")
                continue
            except RuntimeError:  # Python < 3.13 reports a symlink loop from resolve() this way
                self.skip(path, "symlink_loop")
                continue
            except OSError as exc:
                self.skip(path, "symlink_loop" if exc.errno == errno.ELOOP else "unreadable", exc)
                continue
            if stat.S_ISDIR(st.st_mode):
                subfolders.append(path)
            else:
                self.entry(path, st, is_link=is_link)
        for path in subfolders:
            self.folder(path, boundary, (*ancestors, key))


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
