"""Every external program runs with a timeout: a run that hangs is retried once, then its page is reported
with its number while the file's other pages are read (issue 9, "a broken machine is not a bad file").

The slow programs are real processes: shell scripts first on PATH that run the real Tesseract or pdftoppm and
then sleep when told to (see tests/ocr_io/programs.py). Tesseract is therefore the program here
(engine "cli"); the in-process engine's timeout is tested in tests/ocr_io/test_tesseract_engine.py.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pikepdf
import pytest

from ocr import poppler, tesseract
from ocr.errors import ProgramTimeoutError
from tests.flows.helpers import REPO, sohoa_env
from tests.ocr_io.conftest import draw_page
from tests.ocr_io.programs import runs, slow_program

SLOW_WORD = "CHẬM"  # a page whose text Tesseract reads as holding this word makes the stand-in hang


@pytest.fixture
def slow_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    """Put a folder of stand-ins first on this process's PATH; returns (folder, log)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return folder, tmp_path / "runs.log"


def page_array(text: str) -> np.ndarray:
    return np.asarray(draw_page(text=text).convert("L"))


@pytest.fixture(autouse=True)
def default_timeouts():  # noqa: ANN201
    tesseract.set_engine("cli")  # the stand-ins are programs
    yield
    tesseract.set_engine(tesseract.DEFAULT_ENGINE)
    tesseract.set_timeout(tesseract.DEFAULT_TIMEOUT)
    poppler.set_timeout(poppler.DEFAULT_TIMEOUT)


@pytest.mark.timeout(120)
def test_a_hung_tesseract_is_stopped_retried_once_then_reported(slow_path) -> None:
    folder, log = slow_path
    slow_program(folder, "tesseract", "true", log)
    tesseract.set_timeout(2)
    started = time.monotonic()
    with pytest.raises(ProgramTimeoutError) as caught:
        tesseract.image_to_data(page_array("Mã hồ sơ: H21.65-220914-0011"))
    assert len(runs(log)) == 2  # the first run and one retry, no more
    assert time.monotonic() - started < 60  # not the stand-in's 600 s
    assert caught.value.reason == "timeout"
    assert "2 giây" in str(caught.value) and "Tesseract" in str(caught.value)


@pytest.mark.timeout(120)
def test_a_run_that_hangs_once_succeeds_on_its_retry(slow_path) -> None:
    folder, log = slow_path
    first_run_only = f"[ \"$(grep -cv -e '^--version' -e '^--list-langs' '{log}')\" -le 1 ]"
    slow_program(folder, "tesseract", first_run_only, log)
    tesseract.set_timeout(10)
    data = tesseract.image_to_data(page_array("Trang một: hồ sơ nhanh"))
    assert len(runs(log)) == 2
    assert "nhanh" in [str(t).strip() for t in data["text"]]


@pytest.mark.timeout(120)
def test_a_hung_pdftoppm_is_stopped_retried_once_then_reported(slow_path, tmp_path: Path) -> None:
    folder, log = slow_path
    slow_program(folder, "pdftoppm", "true", log)
    poppler.set_timeout(2)
    pdf = REPO / "tests" / "resources" / "3small.pdf"
    with pytest.raises(ProgramTimeoutError) as caught:
        poppler.render_page(pdf, 1, 100)
    assert len(runs(log)) == 2 and "pdftoppm" in str(caught.value)


def test_poppler_renders_the_page_asked_for_at_the_resolution_asked_for() -> None:
    pdf = REPO / "tests" / "resources" / "3small.pdf"
    with pikepdf.open(pdf) as document:
        box = [float(v) for v in document.pages[1].mediabox]
    image = poppler.render_page(pdf, 2, 144)
    assert image.size == (round((box[2] - box[0]) * 2), round((box[3] - box[1]) * 2))


def two_page_tiff(path: Path) -> None:
    first = draw_page(text="Trang một: hồ sơ nhanh")
    second = draw_page(text=f"Trang hai: TRANG {SLOW_WORD}")
    first.save(path, save_all=True, append_images=[second], dpi=(100, 100), compression="tiff_lzw")


def two_page_pdf(path: Path, tmp: Path) -> None:
    pages = []
    for n, text in enumerate(("Trang một: hồ sơ nhanh", "Trang hai: hồ sơ thứ hai")):
        pages.append(tmp / f"p{n}.pdf")
        draw_page(text=text).save(pages[-1], resolution=100)
    with pikepdf.new() as pdf:
        for page in pages:
            with pikepdf.open(page) as one:
                pdf.pages.extend(one.pages)
        pdf.save(path)


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_sohoa_ocr_reports_the_page_poppler_could_not_render_and_reads_the_other(tmp_path: Path) -> None:
    folder, log = tmp_path / "bin", tmp_path / "runs.log"
    slow_program(folder, "pdftoppm", "echo \" $* \" | grep -q ' -f 2 '", log)
    scan = tmp_path / "scan.pdf"
    two_page_pdf(scan, tmp_path)
    env = sohoa_env(tmp_path / "home", PATH=f"{folder}{os.pathsep}{os.environ['PATH']}",
                    SOHOA_RENDER_TIMEOUT="5")
    result = subprocess.run([sys.executable, "-m", "sohoa", "ocr", str(scan), "--out", str(tmp_path / "out")],
                            capture_output=True, text=True, timeout=540, env=env, cwd=REPO)
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "out" / "scan.pdf.json").read_text(encoding="utf-8"))
    assert report["unreadable_pages"] == [2] and report["pages_read"] == 1
    assert report["pages"][1]["reason"] == "timeout" and "page 2" in report["pages"][1]["error"]
    assert "nhanh" in (tmp_path / "out" / "scan.pdf.txt").read_text(encoding="utf-8")
    assert [line for line in result.stderr.splitlines() if "scan.pdf" in line and "page 2" in line and
            "pdftoppm" in line], result.stderr
    assert sum(" -f 2 " in f" {r} " for r in runs(log)) == 2  # page 2 was tried twice, page 1 once
    assert sum(" -f 1 " in f" {r} " for r in runs(log)) == 1


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_ingest_puts_a_page_whose_tesseract_hangs_in_review_and_catalogues_the_other(tmp_path: Path) -> None:
    folder, log = tmp_path / "bin", tmp_path / "runs.log"
    slow_program(folder, "tesseract", f"grep -qF '{SLOW_WORD}' \"$2\".*", log)
    scans = tmp_path / "scans"
    scans.mkdir()
    two_page_tiff(scans / "SCAN_0001.tif")
    home = tmp_path / "home"
    # Generous for a normal run on a loaded 2-core machine; the hung page costs twice this.
    env = sohoa_env(home, PATH=f"{folder}{os.pathsep}{os.environ['PATH']}", SOHOA_TESSERACT_TIMEOUT="25",
                    SOHOA_TESSERACT_ENGINE="cli",  # the page workers must run the stand-in
                    # Prefect's 20 s to start its server is short on a loaded 2-core machine.
                    PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="180")
    result = subprocess.run([sys.executable, "-m", "sohoa", "ingest", str(scans), "--settle", "0", "--json"],
                            capture_output=True, text=True, timeout=840, env=env, cwd=REPO)
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(result.stdout)
    assert summary["new"] == 1 and summary["quarantined"] == 0 and summary["pages"] == 2, summary
    with sqlite3.connect(home / "catalog.sqlite3") as db:
        items = db.execute("SELECT kind, reason FROM review_items WHERE kind = 'unreadable'").fetchall()
        pages = db.execute("SELECT source_page_index, text FROM pages").fetchall()
    assert len(items) == 1, items
    reason = items[0][1]
    assert "page 2" in reason and "Tesseract" in reason and "25" in reason and "page 1" not in reason
    assert [index for index, _ in pages] == [0] and "nhanh" in pages[0][1]
