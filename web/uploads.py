"""Uploads: files saved under SOHOA_HOME/uploads/<batch>/ and ingested one batch at a time by one background
worker thread, with live progress and per-file errors for the page that polls them."""

from __future__ import annotations

import os
import queue
import re
import secrets
import threading
import time
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from ocr.load import SUFFIXES
from sohoa.config import Settings

ACCEPTED_SUFFIXES = SUFFIXES  # the formats ocr.load reads; the picker's `accept` in upload.html lists the same
MANIFEST_SUFFIXES = (".csv", ".xlsx")
COPY_CHUNK = 1024 * 1024
MAX_FILE_BYTES = 2 * 1024**3


@dataclass
class FileError:
    name: str
    status: str
    reason: str


@dataclass
class UploadBatch:
    id: str
    user: str
    unit: str | None
    folder: str
    files: list[str]
    manifest: str | None = None
    status: str = "queued"  # queued | running | finished | failed
    pages_planned: int = 0
    pages_done: int = 0
    files_done: int = 0
    errors: list[FileError] = field(default_factory=list)
    summary: dict[str, Any] | None = None
    message: str | None = None
    created_at: float = field(default_factory=time.time)
    finished_at: float | None = None
    home: str = ""  # the server's data folder, only to keep it out of what the user is shown

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("folder")
        data.pop("home")
        data["manifest"] = Path(self.manifest).name if self.manifest else None
        data["file_count"] = len(self.files)
        return scrub_paths(data, self)


# An absolute path without spaces that no known prefix covered (a scratch folder, a library's file): keep its
# last part, drop the folders. Not after ':' or '/', so URLs ("s3://host/bucket/") are left alone.
_ABSOLUTE_FOLDERS = re.compile(r"(?<![\w:/.~-])/(?:[^\s/'\"]+/)+")


def scrub_paths(value: Any, batch: UploadBatch) -> Any:
    """`value` (text, or lists/dicts of it) without the server's folders: the batch's files are named by
    their path inside the upload ('hồ sơ/scan.pdf'), anything else under the data folder by its path
    inside it, and any other absolute path by its last part. Users see their own names, never our disk."""
    if isinstance(value, dict):
        return {k: scrub_paths(v, batch) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_paths(v, batch) for v in value]
    if not isinstance(value, str):
        return value
    folder = batch.folder.rstrip("/")
    for prefix in (f"{folder}/scans/", f"{folder}/manifest/", f"{folder}/"):
        value = value.replace(prefix, "")
    if batch.home:
        value = value.replace(batch.home.rstrip("/") + "/", "")
    return _ABSOLUTE_FOLDERS.sub("", value)


def safe_relative_path(name: str) -> PurePosixPath | None:
    """A browser-supplied name ('folder/sub/scan.pdf') as a safe relative path, or None to drop the file.

    Hidden and temporary files (.DS_Store, ~$x, *.tmp, *.part) are dropped here, as the ingest would skip them.
    """
    name = unicodedata.normalize("NFC", name.replace("\\", "/"))
    parts = [p for p in name.split("/") if p not in ("", ".", "..")]
    if not parts:
        return None
    cleaned = [re.sub(r"[\x00-\x1f<>:\"|?*]", "_", p)[:200] for p in parts]
    leaf = cleaned[-1]
    if leaf.startswith((".", "~")) or leaf.lower().endswith((".tmp", ".part")):
        return None
    return PurePosixPath(*cleaned)


class _BatchProgress:
    """The ingest flow's progress hook, writing into one batch (the flow runs one batch at a time)."""

    def __init__(self, batch: UploadBatch, lock: threading.Lock) -> None:
        self.batch, self.lock = batch, lock

    def pages_planned(self, count: int) -> None:
        with self.lock:
            self.batch.pages_planned += count

    def page_done(self) -> None:
        with self.lock:
            self.batch.pages_done += 1

    def file_done(self, report: Any) -> None:  # flows.ingest.FileReport
        with self.lock:
            self.batch.files_done += 1
            if report.reason:
                name = scrub_paths(str(report.path), self.batch)
                self.batch.errors.append(FileError(name, report.status, scrub_paths(str(report.reason), self.batch)))


class UploadQueue:
    def __init__(self, settings: Settings, start: bool = True) -> None:
        self.settings = settings
        self.root = settings.home / "uploads"
        self.batches: dict[str, UploadBatch] = {}
        self.lock = threading.Lock()
        self.queue: queue.Queue[UploadBatch | None] = queue.Queue()
        self.on_finished: list[Any] = []
        self.thread: threading.Thread | None = None
        if start:
            self.thread = threading.Thread(target=self._work, name="sohoa-upload-worker", daemon=True)
            self.thread.start()

    def new_batch(self, user: str, unit: str | None) -> UploadBatch:
        batch_id = time.strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(3)
        folder = self.root / batch_id
        (folder / "scans").mkdir(parents=True, exist_ok=True)
        return UploadBatch(batch_id, user, unit, str(folder), [], home=str(self.settings.home))

    def save_file(self, batch: UploadBatch, name: str, stream: BinaryIO) -> bool:
        """Copy one uploaded file into the batch folder in chunks; False if it was dropped."""
        relative = safe_relative_path(name)
        if relative is None:
            return False
        is_manifest = relative.suffix.lower() in MANIFEST_SUFFIXES
        target = Path(batch.folder) / ("manifest" if is_manifest else "scans") / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        written = 0
        with target.open("wb") as out:
            while chunk := stream.read(COPY_CHUNK):
                written += len(chunk)
                if written > MAX_FILE_BYTES:
                    out.close()
                    target.unlink()
                    batch.errors.append(FileError(str(relative), "rejected", "tệp quá lớn / file too large"))
                    return False
                out.write(chunk)
        if is_manifest:
            batch.manifest = str(target)
        else:
            batch.files.append(str(relative))
        return True

    def submit(self, batch: UploadBatch) -> None:
        with self.lock:
            self.batches[batch.id] = batch
        self.queue.put(batch)

    def get(self, batch_id: str) -> UploadBatch | None:
        with self.lock:
            return self.batches.get(batch_id)

    def snapshot(self, batch: UploadBatch) -> dict[str, Any]:
        with self.lock:
            return batch.to_json()

    def recent(self, user: str | None = None, limit: int = 20) -> list[UploadBatch]:
        with self.lock:
            batches = [b for b in self.batches.values() if user is None or b.user == user]
        return sorted(batches, key=lambda b: b.created_at, reverse=True)[:limit]

    def wait_idle(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if all(b.status in ("finished", "failed") for b in self.batches.values()):
                    return True
            time.sleep(0.2)
        return False

    def stop(self) -> None:
        if self.thread and self.thread.is_alive():
            self.queue.put(None)

    def _work(self) -> None:
        while True:
            batch = self.queue.get()
            if batch is None:
                return
            self._run(batch)

    def _run(self, batch: UploadBatch) -> None:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
        os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
        os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")
        os.environ.setdefault("DO_NOT_TRACK", "1")
        from flows.ingest import run_ingest, set_progress

        with self.lock:
            batch.status = "running"
        set_progress(_BatchProgress(batch, self.lock))
        try:
            summary = run_ingest(
                [Path(batch.folder) / "scans"],
                manifest=Path(batch.manifest) if batch.manifest else None,
                unit=batch.unit,
                settle_seconds=0.0,
                settings=self.settings,
            )
            result = summary.to_json()
            with self.lock:
                batch.summary = result
                batch.status = "finished"
        except Exception as exc:  # the batch fails, the worker lives on for the next one
            with self.lock:
                batch.status = "failed"
                batch.message = scrub_paths(f"{type(exc).__name__}: {exc}", batch)
        finally:
            set_progress(None)
            with self.lock:
                batch.finished_at = time.time()
        for callback in self.on_finished:
            callback(batch)
