"""`sohoa ocr` reads small one-line images, and an unreadable page costs only that page, never its whole file."""

from __future__ import annotations

import json
from pathlib import Path

import pikepdf
import pytest

from benchmarks.metrics import cer
from ocr.text import nfc
from sohoa.ocr_batch import OcrSummary, run_ocr
from tests.ocr_io.conftest import draw_page
from tests.ocr_io.test_load_inputs import RESOURCES, one_line_image


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, OcrSummary, str]:
    scans, out = tmp_path_factory.mktemp("scans"), tmp_path_factory.mktemp("out")
    line = one_line_image()
    line.save(scans / "simple.png", dpi=(72, 72))
    # page 2 is a 10-px sliver: nothing can be read there, but pages 1 and 3 can
    line.save(scans / "stack.tif", save_all=True, append_images=[draw_page(400, 10), line], dpi=(150, 150))
    draw_page(400, 10).save(scans / "sliver.png")
    files = [scans / "simple.png", scans / "stack.tif", scans / "sliver.png", RESOURCES / "3small.pdf"]
    messages: list[str] = []
    summary = run_ocr(files, out, jobs=2, on_page_failed=lambda o, i: messages.append(o.page_failures[i].message))
    return scans, out, summary, "\n".join(messages)


def outcome(summary: OcrSummary, name: str):  # noqa: ANN201
    return next(f for f in summary.files if f.path.name == name)


def test_one_printed_line_is_read(batch) -> None:
    _, out, summary, _ = batch
    assert outcome(summary, "simple.png").ok
    text = nfc((out / "simple.png.txt").read_text(encoding="utf-8"))
    assert cer("Giấy tiếp nhận hồ sơ", text) < 0.15, text


def test_unreadable_page_is_flagged_and_the_others_are_read(batch) -> None:
    _, out, summary, messages = batch
    stack = outcome(summary, "stack.tif")
    assert stack.ok and sorted(stack.results) == [0, 2] and list(stack.page_failures) == [1]
    report = json.loads((out / "stack.tif.json").read_text(encoding="utf-8"))
    assert report["page_count"] == 3 and report["pages_read"] == 2 and report["unreadable_pages"] == [2]
    bad = report["pages"][1]
    assert bad["page"] == 2 and "unreadable" in bad["flags"] and bad["reason"] == "too-small"
    assert all(p["words"] > 0 for p in (report["pages"][0], report["pages"][2]))
    pages = (out / "stack.tif.txt").read_text(encoding="utf-8").split("\f")
    assert len(pages) == 3 and pages[1] == "" and "tiếp nhận" in nfc(pages[2])  # page numbers stay aligned
    with pikepdf.open(out / "stack.tif.pdf") as pdf:
        assert len(pdf.pages) == 2
    [line] = messages.splitlines()
    assert line.startswith(str(stack.path)) and "page 2" in line


def test_a_file_with_nothing_readable_is_refused_in_one_line(batch) -> None:
    _, out, summary, _ = batch
    sliver = outcome(summary, "sliver.png")
    assert not sliver.ok and sliver.reason == "too-small"
    assert sliver.error.startswith(str(sliver.path)) and "\n" not in sliver.error
    assert not (out / "sliver.png.txt").exists()


def test_ocrmypdf_3small_every_page_read(batch) -> None:
    _, out, summary, _ = batch
    small = outcome(summary, "3small.pdf")
    assert small.ok and sorted(small.results) == [0, 1, 2] and not small.page_failures
    report = json.loads((out / "3small.pdf.json").read_text(encoding="utf-8"))
    assert report["unreadable_pages"] == [] and report["pages"][1]["words"] > 0  # the 400x50 strip


def test_input_errors_cross_process_boundaries_intact() -> None:
    """Workers raise them; one that cannot be unpickled used to break the whole process pool."""
    import pickle

    from ocr.errors import CorruptFileError, ImageTooSmallError

    for error in (ImageTooSmallError("/scans/a.tif", "trang 2 quá nhỏ (page 2 too small)", page=2),
                  CorruptFileError("/scans/b.png", "ảnh bị hỏng (corrupt image)")):
        copy = pickle.loads(pickle.dumps(error))
        assert (type(copy), str(copy), copy.path, copy.detail, copy.page, copy.reason) == (
            type(error), str(error), error.path, error.detail, error.page, error.reason)
