"""A broken machine is not a bad file (issue 9): without Tesseract, its Vietnamese data, Poppler or a font, a
batch stops before it starts with one clear line and exit code 3, and nothing is stored, quarantined or
catalogued. Before this, every scan was quarantined as unreadable and the run exited 1.

The machines are real: the commands run with a PATH that really lacks the program (a folder of symlinks to
everything else), or with TESSDATA_PREFIX on an empty or damaged language folder.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from ocr.errors import ExitCode
from sohoa.preflight import check_tools, problems
from tests.flows.helpers import REPO, sohoa_env
from tests.ocr_io.conftest import draw_page
from tests.ocr_io.programs import path_without, slow_program

pytestmark = pytest.mark.timeout(900)


@pytest.fixture
def scans(tmp_path: Path) -> Path:
    folder = tmp_path / "scans"
    folder.mkdir()
    draw_page().save(folder / "H21.65-220914-0011.1.png", dpi=(100, 100))
    draw_page(text="Trang hai").save(folder / "SCAN_0002.pdf", resolution=100)
    return folder


def run(home: Path, *args: str | Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sohoa", *map(str, args)], capture_output=True, text=True,
                          timeout=600, env=sohoa_env(home, **env), cwd=REPO)


def rows(home: Path, table: str) -> int:
    database = home / "catalog.sqlite3"
    if not database.exists():
        return 0
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def assert_nothing_recorded(home: Path) -> None:
    for table in ("source_files", "review_items", "documents", "pages"):
        assert rows(home, table) == 0, table
    objects = home / "objects"
    assert not objects.exists() or not [p for p in objects.rglob("*") if p.is_file()]


def assert_one_clear_line(result: subprocess.CompletedProcess[str], *names: str) -> None:
    assert result.returncode == ExitCode.missing_dependency, result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("sohoa: ")]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("sohoa: máy thiếu công cụ, chưa xử lý tệp nào"), lines[0]  # Vietnamese first
    assert "Traceback" not in result.stderr
    for name in names:
        assert name in lines[0], (name, lines[0])


def test_ingest_without_tesseract_stops_with_exit_3_and_quarantines_nothing(
    tmp_path: Path, scans: Path
) -> None:
    home = tmp_path / "home"
    result = run(home, "ingest", scans, "--settle", "0", PATH=path_without({"tesseract"}, tmp_path / "bin"))
    assert_one_clear_line(result, "Tesseract", "apt-get install tesseract-ocr")
    assert_nothing_recorded(home)
    assert sorted(p.name for p in scans.iterdir()) == ["H21.65-220914-0011.1.png", "SCAN_0002.pdf"]


def test_ingest_without_poppler_stops_with_exit_3(tmp_path: Path, scans: Path) -> None:
    home = tmp_path / "home"
    result = run(home, "ingest", scans, "--settle", "0",
                 PATH=path_without({"pdftoppm", "pdfinfo"}, tmp_path / "bin"))
    assert_one_clear_line(result, "pdftoppm", "poppler-utils")
    assert_nothing_recorded(home)


def test_ingest_without_vietnamese_language_data_stops_with_exit_3(tmp_path: Path, scans: Path) -> None:
    empty = tmp_path / "tessdata"
    empty.mkdir()
    home = tmp_path / "home"
    result = run(home, "ingest", scans, "--settle", "0", TESSDATA_PREFIX=str(empty))
    assert_one_clear_line(result, "'vie'", "tesseract-ocr-vie")
    assert_nothing_recorded(home)


def test_a_damaged_traineddata_file_is_a_broken_machine_too(tmp_path: Path, scans: Path) -> None:
    # `tesseract --list-langs` lists any vie.traineddata file; only loading it shows it is damaged.
    damaged = tmp_path / "tessdata"
    damaged.mkdir()
    (damaged / "vie.traineddata").write_bytes(b"\x00" * 64)
    home = tmp_path / "home"
    result = run(home, "ingest", scans, "--settle", "0", TESSDATA_PREFIX=str(damaged))
    assert_one_clear_line(result, "vie.traineddata")
    assert_nothing_recorded(home)


def test_ocr_without_poppler_stops_with_exit_3_and_writes_nothing(tmp_path: Path, scans: Path) -> None:
    out = tmp_path / "out"
    result = run(tmp_path / "home", "ocr", *sorted(scans.iterdir()), "--out", out,
                 PATH=path_without({"pdftoppm"}, tmp_path / "bin"))
    assert_one_clear_line(result, "pdftoppm")
    assert not out.exists() or not list(out.iterdir())


def test_every_missing_tool_is_named_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", path_without({"tesseract", "pdftoppm"}, tmp_path / "bin"))
    found = problems("vie", fonts=(tmp_path / "no-such-font.ttf",))
    assert len(found) == 3, found
    assert "Tesseract" in found[0] and "pdftoppm" in found[1] and "fonts-dejavu-core" in found[2]
    with pytest.raises(Exception) as caught:
        check_tools("vie", fonts=(tmp_path / "no-such-font.ttf",))
    assert caught.value.exit_code == ExitCode.missing_dependency


def test_this_machine_passes(tmp_path: Path) -> None:
    assert problems("vie") == []


def test_a_web_upload_on_a_broken_machine_fails_with_the_reason_and_records_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from sohoa.compose import ingest_runner, open_backends
    from sohoa.config import load_settings
    from web.uploads import UploadQueue

    home = tmp_path / "home"
    settings = load_settings({"SOHOA_HOME": str(home)})
    monkeypatch.setenv("PATH", path_without({"tesseract"}, tmp_path / "bin"))
    backends = open_backends(settings)
    queue = UploadQueue(settings, catalog=backends.catalog, ingest=ingest_runner(settings, backends))
    try:
        batch = queue.new_batch("staff", None)
        buffer = io.BytesIO()
        draw_page().save(buffer, format="PNG")
        buffer.seek(0)
        assert queue.save_file(batch, "hồ sơ/scan.png", buffer)
        queue.submit(batch)
        assert queue.wait_idle(120)
        shown = queue.snapshot(batch)
    finally:
        queue.stop()
        backends.close()
    assert shown["status"] == "failed", shown
    assert "máy thiếu công cụ" in shown["message"] and "Tesseract" in shown["message"], shown
    assert str(tmp_path) not in shown["message"]
    assert_nothing_recorded(home)


@pytest.mark.slow
@pytest.mark.timeout(1500)
def test_tesseract_failing_mid_batch_stops_the_batch_and_quarantines_nothing(
    tmp_path: Path, scans: Path
) -> None:
    # The stand-in passes the preflight (a blank strip) and then, on the first page with text, fails as a
    # Tesseract whose language data went missing does. The file is not bad: nothing is quarantined, and the
    # same command on a working machine finishes it.
    folder, log = tmp_path / "bin", tmp_path / "runs.log"
    has_words = "awk -F '\\t' '$1 == 5 && $12 ~ /[A-Za-z]/' \"$2\".tsv 2>/dev/null | grep -q ."
    slow_program(folder, "tesseract", has_words, log,
                 then="echo \"Failed loading language 'vie'\" >&2; exit 1")
    (scans / "SCAN_0002.pdf").unlink()
    home = tmp_path / "home"
    env = {"PATH": f"{folder}{os.pathsep}{os.environ['PATH']}", "SOHOA_TESSERACT_ENGINE": "cli",
           "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180"}
    broken = run(home, "ingest", scans, "--settle", "0", **env)
    assert broken.returncode == ExitCode.missing_dependency, broken.stderr[-3000:]
    assert "Failed loading language 'vie'" in broken.stderr
    assert rows(home, "review_items") == 0 and rows(home, "documents") == 0
    fixed = run(home, "ingest", scans, "--settle", "0", "--json",
                PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="180")
    assert fixed.returncode == 0, fixed.stderr[-3000:]
    assert rows(home, "documents") == 1 and rows(home, "pages") == 1
    with sqlite3.connect(f"file:{home / 'catalog.sqlite3'}?mode=ro", uri=True) as db:
        kinds = [k for (k,) in db.execute("SELECT kind FROM review_items")]
        states = [s for (s,) in db.execute("SELECT state FROM source_files")]
    assert "quarantined" not in kinds and "unreadable" not in kinds, kinds
    assert states == ["processed"], states
