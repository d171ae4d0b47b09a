"""User-facing messages, Vietnamese first; English when the edge sets it (SOHOA_LANG=en, read by sohoa.config)."""

from __future__ import annotations

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
    "ingest.skipped": ("Bỏ qua {count} mục không số hóa:", "Skipped {count} entries, not ingested:"),
    "ingest.skipped.more": ("… và {count} mục khác (xem --json)", "… and {count} more (see --json)"),
    "skip.hidden": ("ẩn (tên bắt đầu bằng '.')", "hidden (name starts with '.')"),
    "skip.temporary": ("tệp tạm hoặc đang ghi (~, .tmp, .part…)", "temporary or still being written (~, .tmp, .part…)"),
    "skip.not_a_regular_file": ("không phải tệp thường (FIFO, socket, thiết bị)", "not a regular file (FIFO, socket, device)"),
    "skip.dangling_symlink": ("liên kết tới tệp không tồn tại", "link to a missing file"),
    "skip.symlink_loop": ("liên kết vòng", "symbolic link loop"),
    "skip.symlink_outside": ("liên kết ra ngoài thư mục đã chọn: không theo", "link leading outside the given folder: not followed"),
    "skip.directory_loop": ("thư mục chứa chính nó (vòng lặp)", "folder containing itself (loop)"),
    "skip.same_folder": ("tên khác của một thư mục đã duyệt", "another name of a folder already walked"),
    "skip.same_file": ("tên khác của một tệp đã có trong lô", "another name of a file already in the batch"),
    "skip.unreadable": ("không đọc được (quyền truy cập hoặc lỗi đọc)", "unreadable (permission or read error)"),
    "search.total": ("{total} hồ sơ", "{total} dossiers"),
    "search.unlinked": ("chưa liên kết", "unlinked"),
    "reindex.progress": ("Đang lập chỉ mục", "Indexing"),
    "reindex.done": ("Đã lập chỉ mục {count} trang", "Indexed {count} pages"),
    "no.files": ("Không có tệp nào để xử lý", "No files to process"),
    "doctor.ok": ("sẵn sàng", "ready"),
    "doctor.bad": ("có vấn đề", "problem"),
}


_language = "vi"


def set_language(language: str) -> None:
    """The command line sets the language of its messages once, from the settings."""
    global _language
    _language = "en" if language.lower().startswith("en") else "vi"


def t(key: str, **values: object) -> str:
    vi, en = MESSAGES[key]
    return (en if _language == "en" else vi).format(**values)
