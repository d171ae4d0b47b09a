"""Assemble one-page searchable PDFs, made in parallel by page workers, into one PDF/A-2b file per input."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pikepdf

from ocr.searchable_pdf import _make_pdfa as make_pdfa
from ocr.searchable_pdf import set_dates


def merge_page_pdfs(
    page_pdfs: Sequence[Path],
    out_path: Path,
    *,
    title: str | None = None,
    pdfa: bool = True,
    created: datetime | None = None,
) -> None:
    """Concatenate `page_pdfs` in order into `out_path`, written atomically.

    Deterministic: the same pages, title and `created` give the same bytes (/ID from the content, no clock
    time), so re-running an interrupted batch finds the document it already stored under the same key.
    """
    if not page_pdfs:
        raise ValueError("nothing to assemble: no pages")
    out_path = Path(out_path)
    tmp = out_path.with_name(f".{out_path.name}.part")
    with pikepdf.new() as merged:
        sources = [pikepdf.open(p) for p in page_pdfs]
        try:
            for source in sources:
                merged.pages.extend(source.pages)
            if title:
                merged.docinfo["/Title"] = title
            set_dates(merged, created)
            if pdfa:
                make_pdfa(merged, title)
            merged.save(tmp, object_stream_mode=pikepdf.ObjectStreamMode.generate, deterministic_id=True)
        finally:
            for source in sources:
                source.close()
    os.replace(tmp, out_path)
