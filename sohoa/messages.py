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
    "ingest.progress": ("Đang số hóa", "Digitizing"),
    "ingest.summary": (
        "Xong: {files} tệp ({new} mới, {duplicates} trùng, {quarantined} cách ly, {not_stored} chưa lưu), "
        "{pages} trang, {dossiers_linked} hồ sơ được liên kết, {pages_indexed} trang đã lập chỉ mục, {seconds} giây",
        "Done: {files} files ({new} new, {duplicates} duplicates, {quarantined} quarantined, {not_stored} not stored), "
        "{pages} pages, {dossiers_linked} dossiers linked, {pages_indexed} pages indexed, {seconds} s",
    ),
    "ingest.pending": (
        "{pages_pending_index} trang chờ lập chỉ mục (máy tìm kiếm không truy cập được); chạy lại `sohoa reindex --pending`",
        "{pages_pending_index} pages pending indexing (search unreachable); run `sohoa reindex --pending`",
    ),
    "ingest.skipped": (
        "Bỏ qua {count} tệp ẩn hoặc tạm (tên bắt đầu bằng '.' hoặc '~', đuôi .tmp/.part): {names}",
        "Skipped {count} hidden or temporary files (names starting with '.' or '~', .tmp/.part): {names}",
    ),
    "search.total": ("{total} hồ sơ", "{total} dossiers"),
    "search.unlinked": ("chưa liên kết", "unlinked"),
    "reindex.progress": ("Đang lập chỉ mục", "Indexing"),
    "reindex.done": ("Đã lập chỉ mục {count} trang", "Indexed {count} pages"),
    "no.files": ("Không có tệp nào để xử lý", "No files to process"),
    "doctor.ok": ("sẵn sàng", "ready"),
    "doctor.bad": ("có vấn đề", "problem"),
}


def t(key: str, **values: object) -> str:
    vi, en = MESSAGES[key]
    template = en if os.environ.get("SOHOA_LANG", "vi").lower().startswith("en") else vi
    return template.format(**values)
