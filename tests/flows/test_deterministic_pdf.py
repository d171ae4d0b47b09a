"""Derived objects are deterministic: the same pages give the same PDF bytes, so a re-run stores nothing new.

The store refuses different bytes under an existing key (objects are immutable), so a searchable PDF with a
random /ID or a clock time in its metadata made every re-run of an interrupted stack fail.
"""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pikepdf

from ocr.model import Word
from ocr.pdf_assemble import merge_page_pdfs
from ocr.searchable_pdf import PdfPage, build_searchable_pdf
from tests.flows.helpers import REPO


def page(seed: int) -> PdfPage:
    image = np.full((880, 620, 3), 255, np.uint8)
    image[100 + seed : 120 + seed, 50:300] = 0
    words = [Word("Nguyễn", 50, 100 + seed, 120, 20, 90.0, 0, 0, 0), Word("Hùng", 180, 100 + seed, 90, 20, 88.0, 0, 0, 1)]
    return PdfPage(image, 100, words)


def build_document(folder: Path, **kwargs) -> bytes:  # noqa: ANN003
    folder.mkdir()
    pages = []
    for n in range(2):
        pages.append(folder / f"page-{n}.pdf")
        build_searchable_pdf([page(n)], pages[-1], pdfa=False)
    merge_page_pdfs(pages, folder / "document.pdf", title="H21.65-220914-0011", **kwargs)
    return (folder / "document.pdf").read_bytes()


def test_the_same_pages_assemble_into_the_same_bytes(tmp_path: Path) -> None:
    first = build_document(tmp_path / "one")
    time.sleep(1.1)  # a clock time anywhere in the file would now differ
    assert build_document(tmp_path / "two") == first
    with pikepdf.open(tmp_path / "one" / "document.pdf") as pdf:
        assert len(pdf.trailer.ID) == 2  # still identified, from the content
        assert "/CreationDate" not in pdf.docinfo  # no clock unless a date is passed in


def test_different_pages_get_a_different_id(tmp_path: Path) -> None:
    build_document(tmp_path / "one")
    (tmp_path / "other").mkdir()
    build_searchable_pdf([page(7)], tmp_path / "other" / "p.pdf", pdfa=False)
    merge_page_pdfs([tmp_path / "other" / "p.pdf"], tmp_path / "other" / "document.pdf", title="H21.65-220914-0011")
    with pikepdf.open(tmp_path / "one" / "document.pdf") as a, pikepdf.open(tmp_path / "other" / "document.pdf") as b:
        assert bytes(a.trailer.ID[0]) != bytes(b.trailer.ID[0])


def test_a_creation_date_passed_in_is_written_the_same_way_in_docinfo_and_xmp(tmp_path: Path) -> None:
    created = datetime(2022, 9, 14, 8, 30, tzinfo=timezone.utc)
    first = build_document(tmp_path / "one", created=created)
    assert build_document(tmp_path / "two", created=created) == first
    with pikepdf.open(tmp_path / "one" / "document.pdf") as pdf:
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:20220914083000")
        assert pdf.open_metadata()["xmp:CreateDate"].startswith("2022-09-14T08:30:00")


def test_a_single_searchable_pdf_is_deterministic_too(tmp_path: Path) -> None:
    build_searchable_pdf([page(0), page(1)], tmp_path / "a.pdf", title="Hồ sơ")
    time.sleep(1.1)
    build_searchable_pdf([page(0), page(1)], tmp_path / "b.pdf", title="Hồ sơ")
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()


def test_two_processes_write_the_same_pdf_a(tmp_path: Path) -> None:
    # A re-run is a new process: anything cached per process (the sRGB profile's build time) must not leak in.
    script = (
        "import sys; from pathlib import Path; from tests.flows.test_deterministic_pdf import build_document; "
        "build_document(Path(sys.argv[1]))"
    )
    for name in ("one", "two"):
        subprocess.run([sys.executable, "-c", script, str(tmp_path / name)], cwd=REPO, check=True, timeout=300)
        time.sleep(1.1)
    assert (tmp_path / "one" / "document.pdf").read_bytes() == (tmp_path / "two" / "document.pdf").read_bytes()
