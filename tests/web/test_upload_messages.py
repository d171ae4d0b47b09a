"""What an upload's progress shows a user names their files, never the server's folders."""

from __future__ import annotations

import json
from pathlib import Path

from flows.ingest import FileReport
from ocr.errors import InputFileError
from ocr.load import validate
from tests.web.archive import settings_for
from web.uploads import UploadQueue, _BatchProgress


def test_upload_errors_summary_and_failure_message_show_no_server_path(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    uploads = UploadQueue(settings, start=False)
    batch = uploads.new_batch("luu_tru_a", None)
    scans = Path(batch.folder) / "scans"
    (scans / "hồ sơ").mkdir()
    empty = scans / "hồ sơ" / "empty.pdf"
    empty.write_bytes(b"")
    try:
        validate(empty, dpi=300, max_pixels=10**9)
        raise AssertionError("an empty file was accepted")
    except InputFileError as exc:
        reason = str(exc)
    assert str(scans) in reason  # the ingest names files by their full path; the user must not see it
    _BatchProgress(batch, uploads.lock).file_done(FileReport(str(empty), "quarantined", reason))
    (Path(batch.folder) / "manifest").mkdir()
    batch.manifest = str(Path(batch.folder) / "manifest" / "so-dang-ky.csv")
    batch.summary = {
        "failures": [{"path": str(empty), "status": "quarantined", "reason": reason}],
        "skipped": [{"path": str(scans / "~$lock.pdf"), "reason": "temporary"}],
    }
    batch.message = f"OSError: [Errno 28] No space left on device: '{settings.home / 'objects' / 'tmp'}'"
    shown = json.dumps(uploads.snapshot(batch), ensure_ascii=False)
    assert str(tmp_path) not in shown and str(settings.home) not in shown, shown
    assert "hồ sơ/empty.pdf" in shown and "tệp rỗng" in shown  # the user's own names and the reason stay
    assert "so-dang-ky.csv" in shown and "~$lock.pdf" in shown and "No space left on device" in shown
