"""Uploads: files saved under SOHOA_HOME/uploads/<batch>/ and ingested one batch at a time by one background
worker thread, with live progress and per-file errors for the page that polls them.

Every batch is written to the catalogue (storage.catalog.uploads) when it is queued and as it runs, so a restart
resumes queued and running batches (or fails them with a reason). The next batch is taken from the user served
longest ago (round-robin between users), so one user's big uploads do not hold back everyone else's. The
uploaded copies are deleted once their file is ingested (its original is then in the object store); a copy that
could not be stored stays for the next attempt."""

from __future__ import annotations

import logging
import re
import shutil
import secrets
import threading
import time
import unicodedata
from collections import deque
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO, Protocol

from ocr.load import SUFFIXES
from storage.catalog.uploads import UploadLedger, UploadRecord

ACCEPTED_SUFFIXES = SUFFIXES  # the formats ocr.load reads; the picker's `accept` in upload.html lists the same
MANIFEST_SUFFIXES = (".csv", ".xlsx")
COPY_CHUNK = 1024 * 1024
MAX_FILE_BYTES = 2 * 1024**3  # the default of Settings.max_upload_bytes
# A batch whose run was interrupted this often (a crash loop, e.g. a file that kills the process) is failed.
MAX_ATTEMPTS = 3
# Copies of files in these states are deleted after the run: their original is in the object store.
INGESTED = ("new", "resumed", "duplicate", "quarantined")
ENDED = ("finished", "failed", "cancelled")

log = logging.getLogger("sohoa.uploads")


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
    status: str = "queued"  # queued | running | finished | failed | cancelled
    pages_planned: int = 0
    pages_done: int = 0
    files_done: int = 0
    errors: list[FileError] = field(default_factory=list)
    summary: dict[str, Any] | None = None
    message: str | None = None
    created_at: float = field(default_factory=time.time)
    finished_at: float | None = None
    home: str = ""  # the server's data folder, only to keep it out of what the user is shown
    attempts: int = 0
    cancel_requested: bool = False

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for private in ("folder", "home", "attempts"):
            data.pop(private)
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
    """The ingest flow's progress hook, writing into one batch (the flow runs one batch at a time); it also
    tells the flow when the batch was cancelled, and writes progress through to the catalogue per file."""

    def __init__(self, batch: UploadBatch, lock: threading.Lock, on_file: Any = None) -> None:
        self.batch, self.lock, self.on_file = batch, lock, on_file

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
        if self.on_file:
            self.on_file(self.batch)

    def cancelled(self) -> bool:
        return self.batch.cancel_requested


def _utc(timestamp: float | None) -> datetime | None:
    return None if timestamp is None else datetime.fromtimestamp(timestamp, UTC).replace(tzinfo=None)


def _timestamp(value: datetime | None) -> float | None:
    return None if value is None else value.replace(tzinfo=UTC).timestamp()


def to_record(batch: UploadBatch) -> UploadRecord:
    return UploadRecord(
        id=batch.id, username=batch.user, unit=batch.unit, folder=batch.folder, files=list(batch.files),
        manifest=batch.manifest, status=batch.status, pages_planned=batch.pages_planned,
        pages_done=batch.pages_done, files_done=batch.files_done,
        errors=[asdict(e) for e in batch.errors], summary=batch.summary, message=batch.message,
        attempts=batch.attempts, cancel_requested=batch.cancel_requested,
        created_at=_utc(batch.created_at), finished_at=_utc(batch.finished_at),
    )


def from_record(record: UploadRecord, home: str) -> UploadBatch:
    return UploadBatch(
        id=record.id, user=record.username, unit=record.unit, folder=record.folder, files=list(record.files),
        manifest=record.manifest, status=record.status, pages_planned=record.pages_planned,
        pages_done=record.pages_done, files_done=record.files_done,
        errors=[FileError(**e) for e in record.errors], summary=record.summary, message=record.message,
        created_at=_timestamp(record.created_at) or time.time(), finished_at=_timestamp(record.finished_at),
        home=home, attempts=record.attempts, cancel_requested=record.cancel_requested,
    )


class FairQueue:
    """Queued batches per user; the next batch is the oldest one of the user served longest ago (never served
    first), so a user with many big uploads takes turns with everyone else instead of going first."""

    def __init__(self) -> None:
        self.waiting: dict[str, deque[UploadBatch]] = {}
        self.served: dict[str, float] = {}
        self._clock = 0.0

    def put(self, batch: UploadBatch) -> None:
        self.waiting.setdefault(batch.user, deque()).append(batch)

    def remove(self, batch: UploadBatch) -> bool:
        batches = self.waiting.get(batch.user)
        if not batches or batch not in batches:
            return False
        batches.remove(batch)
        if not batches:
            del self.waiting[batch.user]
        return True

    def take(self) -> UploadBatch | None:
        if not self.waiting:
            return None
        user = min(self.waiting, key=lambda u: (self.served.get(u, -1.0), self.waiting[u][0].created_at))
        batches = self.waiting[user]
        batch = batches.popleft()
        if not batches:
            del self.waiting[user]
        self._clock += 1
        self.served[user] = self._clock
        return batch

    def __len__(self) -> int:
        return sum(len(b) for b in self.waiting.values())


class UploadSettings(Protocol):
    """What the upload queue reads of the settings (`sohoa.config.Settings` has it; the app factory passes them)."""

    home: Path
    max_upload_bytes: int
    database_url: str
    default_target: float


class UploadQueue:
    def __init__(self, settings: UploadSettings, start: bool = True, catalog: Any = None, ingest: Any = None) -> None:
        """`ingest` is `flows.ingest.run_ingest` bound to open backends (sohoa.compose.ingest_runner); `catalog`
        holds the uploads table (the app's own; without it the queue opens and closes its own)."""
        self.settings = settings
        self.ingest = ingest
        self.root = settings.home / "uploads"
        self.max_file_bytes = settings.max_upload_bytes
        self.batches: dict[str, UploadBatch] = {}
        self.lock = threading.Lock()
        self.wakeup = threading.Condition(self.lock)
        self.fair = FairQueue()
        self.on_finished: list[Any] = []
        self.thread: threading.Thread | None = None
        self._stopping = False
        self._own_catalog = catalog is None
        if catalog is None:
            from storage.catalog import open_catalog

            catalog = open_catalog(settings.database_url, default_target=settings.default_target)
        self.ledger = UploadLedger(catalog)
        self.resume()
        if start:
            self.thread = threading.Thread(target=self._work, name="sohoa-upload-worker", daemon=True)
            self.thread.start()

    # -- start-up --------------------------------------------------------------------------------------------

    def resume(self) -> list[UploadBatch]:
        """Queue again every batch a previous process accepted and did not finish; fail those it cannot run."""
        resumed = []
        for record in self.ledger.unfinished():
            batch = from_record(record, str(self.settings.home))
            missing = [f for f in batch.files if not (Path(batch.folder) / "scans" / f).is_file()]
            if batch.cancel_requested:
                batch.status, batch.message = "cancelled", "đã huỷ / cancelled"
            elif batch.attempts >= MAX_ATTEMPTS:
                batch.status = "failed"
                batch.message = (f"bị gián đoạn {batch.attempts} lần, không chạy lại / interrupted "
                                 f"{batch.attempts} times, not run again")
            elif missing:
                batch.status = "failed"
                batch.message = (f"mất {len(missing)} tệp tải lên khi khởi động lại / {len(missing)} uploaded "
                                 f"files are gone after the restart: {', '.join(missing[:5])}")
            else:
                was = batch.status
                batch.status, batch.pages_planned, batch.pages_done, batch.files_done = "queued", 0, 0, 0
                batch.errors = []
                batch.message = ("tiếp tục sau khi máy chủ khởi động lại / resumed after a server restart"
                                 if was == "running" else None)
            if batch.status in ENDED:
                batch.finished_at = time.time()
                log.warning("upload %s not resumed: %s", batch.id, batch.message)
            self.ledger.save(to_record(batch))
            with self.lock:
                self.batches[batch.id] = batch
                if batch.status == "queued":
                    self.fair.put(batch)
                    resumed.append(batch)
        if resumed:
            log.warning("tiếp tục %d lô tải lên / resuming %d uploads", len(resumed), len(resumed))
        return resumed

    # -- receiving -------------------------------------------------------------------------------------------

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
                if written > self.max_file_bytes:
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
        """Queue the batch; it is in the catalogue before this returns, so a restart cannot lose it."""
        self.ledger.save(to_record(batch))
        with self.lock:
            self.batches[batch.id] = batch
            self.fair.put(batch)
            self.wakeup.notify()

    def discard(self, batch: UploadBatch) -> None:
        """Remove a batch that was never submitted (the request failed) and its copies."""
        shutil.rmtree(batch.folder, ignore_errors=True)

    # -- reading ---------------------------------------------------------------------------------------------

    def get(self, batch_id: str) -> UploadBatch | None:
        with self.lock:
            batch = self.batches.get(batch_id)
        if batch is None:
            record = self.ledger.get(batch_id)
            batch = from_record(record, str(self.settings.home)) if record else None
        return batch

    def snapshot(self, batch: UploadBatch) -> dict[str, Any]:
        with self.lock:
            return batch.to_json()

    def recent(self, user: str | None = None, limit: int = 20) -> list[UploadBatch]:
        stored = {r.id: from_record(r, str(self.settings.home)) for r in self.ledger.recent(user, limit)}
        with self.lock:
            live = {b.id: b for b in self.batches.values() if user is None or b.user == user}
        batches = {**stored, **live}
        return sorted(batches.values(), key=lambda b: b.created_at, reverse=True)[:limit]

    def wait_idle(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if all(b.status in ENDED for b in self.batches.values()):
                    return True
            time.sleep(0.2)
        return False

    # -- cancelling ------------------------------------------------------------------------------------------

    def cancel(self, batch: UploadBatch) -> bool:
        """Stop a queued batch at once, or a running one at its next page; False when it has already ended.

        The uploaded copies of a cancelled batch are deleted; files it had already ingested stay ingested."""
        with self.lock:
            if batch.status in ENDED:
                return False
            batch.cancel_requested = True
            queued = self.fair.remove(batch)
            if queued:
                batch.status, batch.finished_at = "cancelled", time.time()
                batch.message = "đã huỷ / cancelled"
        self.ledger.save(to_record(batch))
        if queued:
            shutil.rmtree(batch.folder, ignore_errors=True)
        return True

    # -- the worker ------------------------------------------------------------------------------------------

    def stop(self) -> None:
        with self.lock:
            self._stopping = True
            self.wakeup.notify_all()
        if self._own_catalog:
            self.ledger.catalog.close()

    def next_batch(self, timeout: float | None = None) -> UploadBatch | None:
        """The next batch in fair order, marked running; None when stopping (or after `timeout`)."""
        with self.lock:
            while not self._stopping:
                batch = self.fair.take()
                if batch is not None:
                    batch.status = "running"
                    batch.attempts += 1
                    break
                if not self.wakeup.wait(timeout):
                    return None
            else:
                return None
        self.ledger.save(to_record(batch))
        return batch

    def _work(self) -> None:
        while (batch := self.next_batch()) is not None:
            self._run(batch)

    def _save_progress(self, batch: UploadBatch) -> None:
        try:
            self.ledger.save(to_record(batch))
        except Exception as exc:  # noqa: BLE001 - progress is shown from memory; the next write catches up
            log.warning("upload %s: progress not saved: %s", batch.id, exc)

    def _run(self, batch: UploadBatch) -> None:
        # Prefect's defaults are set by the app factory (sohoa.config.apply_prefect_defaults).
        from flows.ingest import set_progress
        from web.access import uploader_units

        set_progress(_BatchProgress(batch, self.lock, self._save_progress))
        summary = None
        try:
            if self.ingest is None:
                raise RuntimeError("no ingest runner: the upload queue was built without one")
            summary = self.ingest(
                [Path(batch.folder) / "scans"],
                manifest=Path(batch.manifest) if batch.manifest else None,
                unit=batch.unit,
                # Registry rows and links stay inside the uploader's units, as they are now.
                actor=batch.user,
                units=uploader_units(self.ledger.catalog, batch.user),
                settle_seconds=0.0,
            )
            result = summary.to_json()
            with self.lock:
                batch.summary = result
                if batch.cancel_requested:
                    batch.status, batch.message = "cancelled", "đã huỷ / cancelled"
                else:
                    batch.status = "finished"
        except Exception as exc:  # the batch fails, the worker lives on for the next one
            with self.lock:
                batch.status = "failed"
                batch.message = scrub_paths(f"{type(exc).__name__}: {exc}", batch)
        finally:
            set_progress(None)
            with self.lock:
                batch.finished_at = time.time()
        if batch.status == "cancelled":
            shutil.rmtree(batch.folder, ignore_errors=True)
        elif summary is not None:
            self._delete_ingested(batch, summary)
        self._save_progress(batch)
        for callback in self.on_finished:
            callback(batch)

    def _delete_ingested(self, batch: UploadBatch, summary: Any) -> None:
        """Delete the copies whose original is now in the object store; keep the others for a retry."""
        folder = Path(batch.folder)
        for report in summary.files:
            path = Path(report.path)
            if report.status in INGESTED and path.is_relative_to(folder):
                path.unlink(missing_ok=True)
        if batch.manifest and summary.registry is not None:
            Path(batch.manifest).unlink(missing_ok=True)
        for directory in sorted((d for d in folder.rglob("*") if d.is_dir()), key=lambda d: -len(d.parts)):
            if not any(directory.iterdir()):
                directory.rmdir()
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
