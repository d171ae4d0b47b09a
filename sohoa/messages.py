"""User-facing messages, Vietnamese first; SOHOA_LANG=en switches to English."""

from __future__ import annotations

import os

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (Vietnamese, English)
    "ocr.progress": ("Đang nhận dạng", "Recognising"),
    "ocr.summary": (
        "Xong: {files} tệp, {pages} trang, {failed} tệp lỗi, {seconds:.1f} giây ({rate:.1f} trang/phút)",
        "Done: {files} files, {pages} pages, {failed} failed, {seconds:.1f} s ({rate:.1f} pages/min)",
    ),
    "file.failed": ("Lỗi: {error}", "Error: {error}"),
    "no.files": ("Không có tệp nào để xử lý", "No files to process"),
    "doctor.ok": ("sẵn sàng", "ready"),
    "doctor.bad": ("có vấn đề", "problem"),
}


def t(key: str, **values: object) -> str:
    vi, en = MESSAGES[key]
    template = en if os.environ.get("SOHOA_LANG", "vi").lower().startswith("en") else vi
    return template.format(**values)
