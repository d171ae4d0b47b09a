"""`sohoa ocr` end to end on generated scans: text quality, searchable PDF, JSON report, and bad input."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from benchmarks.metrics import cer
from benchmarks.synth import generate_page, save_page, save_pages
from ocr.text import nfc

pytestmark = pytest.mark.slow


def run_ocr(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sohoa", "ocr", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=600,
        env={"SOHOA_LANG": "en", "PATH": "/usr/bin:/bin:/usr/local/bin"},
    )


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, object], subprocess.CompletedProcess[str]]:
    """One run over two good files and every kind of bad input, as a scanner folder would hold them."""
    scans = tmp_path_factory.mktemp("scans")
    out = tmp_path_factory.mktemp("out")
    decision = generate_page("decision", seed=7, level=1)
    save_pages([decision, generate_page("form", seed=8, level=0)], scans / "hồ sơ 01.pdf")
    save_page(generate_page("receipt", seed=9, level=2), scans / "receipt.jpg")
    (scans / "empty.pdf").write_bytes(b"")
    (scans / "notes.png").write_text("not an image at all\n")
    good_jpeg = (scans / "receipt.jpg").read_bytes()
    (scans / "truncated.jpg").write_bytes(good_jpeg[: len(good_jpeg) // 3])
    with pikepdf.open(scans / "hồ sơ 01.pdf") as pdf:
        pdf.save(scans / "locked.pdf", encryption=pikepdf.Encryption(owner="o", user="secret"))
    files = sorted(scans.iterdir())
    result = run_ocr(*files, "--out", out, "--jobs", "2")
    truth = {"decision": decision.text}
    return scans, out, truth, result


def test_every_bad_file_is_named_with_its_reason_and_the_run_fails(batch) -> None:
    _, _, _, result = batch
    assert result.returncode == 1, result.stderr
    for name in ("empty.pdf", "notes.png", "truncated.jpg", "locked.pdf"):
        lines = [line for line in result.stderr.splitlines() if name in line]
        assert lines, f"{name} not reported:\n{result.stderr}"
    # The summary counts pages of good files only (matched on the counts: its speed reads "24.2 pages/min").
    summary = re.search(r"(\d+) files, (\d+) pages, (\d+) failed", result.stderr)
    assert summary, result.stderr
    assert summary.groups() == ("6", "3", "4"), summary.group(0)


def test_good_files_are_still_read_with_text_pdf_and_report(batch) -> None:
    _, out, truth, _ = batch
    for name, pages in (("hồ sơ 01.pdf", 2), ("receipt.jpg", 1)):
        text = (out / f"{name}.txt").read_text(encoding="utf-8")
        assert text.count("\f") == pages - 1
        report = json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
        assert [p["page"] for p in report["pages"]] == list(range(1, pages + 1))
        assert all(0 < p["mean_confidence"] <= 100 and p["orientation"] in (0, 90, 180, 270) for p in report["pages"])
        assert all(p["binarization"] in ("otsu", "sauvola") for p in report["pages"])
        if name == "hồ sơ 01.pdf":
            assert report["pages"][0]["mean_confidence"] > 80
        with pikepdf.open(out / f"{name}.pdf") as pdf:
            assert len(pdf.pages) == pages
            assert "pdfaid" in str(pdf.open_metadata())
    first_page = (out / "hồ sơ 01.pdf.txt").read_text(encoding="utf-8").split("\f")[0]
    assert cer(str(truth["decision"]), first_page) < 0.04
    assert not list(out.glob("empty.pdf*")) and not list(out.glob("locked.pdf*"))


def test_searchable_pdf_text_extracts_in_vietnamese(batch) -> None:
    _, out, _, _ = batch
    extracted = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(out / "hồ sơ 01.pdf.pdf"), "-"], capture_output=True, text=True
    ).stdout
    extracted = nfc(extracted)
    for phrase in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "QUYẾT ĐỊNH", "Độc lập"):
        assert phrase in extracted


def test_pixel_limit_refuses_a_decompression_bomb(tmp_path: Path) -> None:
    page = tmp_path / "big.png"
    save_page(generate_page("form", seed=1, level=0), page)
    result = run_ocr(page, "--out", tmp_path / "out", "--max-pixels", "1000000")
    assert result.returncode == 1
    assert "big.png" in result.stderr
    assert not (tmp_path / "out" / "big.png.txt").exists()
