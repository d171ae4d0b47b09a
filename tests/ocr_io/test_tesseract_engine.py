"""The two recognition engines (ocr.tesseract): the in-process tesserocr API, which loads the model once per
worker, and the tesseract program. Same columns, (near) the same words, the same timeout and missing-data
guarantees; the setting SOHOA_TESSERACT_ENGINE reaches the page workers.

Everything runs on the real engines: a rendered Vietnamese page, real timeouts, real (empty or damaged) tessdata
folders in a fresh process.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from benchmarks.synth import generate_page
from ocr import tesseract
from ocr.cleanup import clean_page
from ocr.errors import MissingDependencyError, ProgramTimeoutError
from ocr.model import PageImage
from ocr.pipeline import OcrOptions, read_file_page
from sohoa import config
from sohoa.compose import ocr_options
from sohoa.config import SettingsError, load_settings
from tests.flows.helpers import REPO
from tests.ocr_io.conftest import draw_page
from tests.ocr_io.programs import runs, slow_program

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(autouse=True)
def default_engine():  # noqa: ANN201
    yield
    tesseract.set_engine(tesseract.DEFAULT_ENGINE)
    tesseract.set_timeout(tesseract.DEFAULT_TIMEOUT)


@pytest.fixture(scope="module")
def decision() -> np.ndarray:
    """A generated Vietnamese decision (level 0 scan at 300 dpi), cleaned as the pipeline does: its binary."""
    page = generate_page("decision", seed=3, level=0)
    return clean_page(PageImage(page.image, page.dpi or 300, 0)).binary


def words(data: dict[str, list]) -> list[str]:
    return [str(text) for level, text in zip(data["level"], data["text"]) if level == 5 and str(text).strip()]


def test_both_engines_give_the_same_columns_and_near_the_same_words(decision: np.ndarray) -> None:
    api = tesseract.image_to_data(decision, lang="vie", engine="api")
    cli = tesseract.image_to_data(decision, lang="vie", engine="cli")
    tesseract.set_engine("api")
    assert tesseract.engine_in_use("vie").startswith("api (tesserocr")
    assert list(api) == list(cli) == list(tesseract.TSV_COLUMNS)
    for column in tesseract.TSV_COLUMNS:  # ints everywhere but the text, as pytesseract's Output.DICT
        assert {type(v) for v in api[column]} == {type(v) for v in cli[column]}, column
    assert len(set(api["page_num"])) == 1 and api["page_num"][0] == cli["page_num"][0] == 1
    read_api, read_cli = words(api), words(cli)
    assert len(read_cli) > 150
    assert any(w in read_api for w in ("QUYẾT", "ĐỊNH", "UỶ", "Điều")), read_api[:30]
    # libtesseract 5.5.4 (the wheel) against the 5.3.0 program, same traineddata: a few words differ.
    common = sum(1 for a, b in zip(read_api, read_cli) if a == b)
    assert abs(len(read_api) - len(read_cli)) <= len(read_cli) * 0.05
    assert common >= 0.9 * len(read_cli), (common, len(read_cli))


def test_the_api_engine_loads_the_model_once_per_process(decision: np.ndarray) -> None:
    strip = np.ascontiguousarray(decision[: decision.shape[0] // 8])
    tesseract.image_to_data(strip, engine="api")  # made, if not already
    started = time.process_time()
    for _ in range(3):
        tesseract.image_to_data(strip, engine="api")
    api_cpu = (time.process_time() - started) / 3
    # The program pays its start-up and model load on every run, in a child process.
    before = os.times()
    tesseract.image_to_data(strip, engine="cli")
    after = os.times()
    cli_cpu = after.children_user + after.children_system - before.children_user - before.children_system
    assert api_cpu < cli_cpu, (api_cpu, cli_cpu)


def test_an_api_run_past_its_timeout_is_retried_once_then_reported(
    decision: np.ndarray, caplog: pytest.LogCaptureFixture
) -> None:
    tesseract.set_timeout(0.05)  # a whole 300-dpi page takes seconds
    with caplog.at_level(logging.WARNING, logger="ocr.tesseract"), pytest.raises(ProgramTimeoutError) as caught:
        tesseract.image_to_data(decision, engine="api")
    assert caught.value.reason == "timeout"
    assert "0.05 giây" in str(caught.value) and "Tesseract" in str(caught.value)
    retries = [r for r in caplog.records if "trying once more" in r.getMessage()]
    assert len(retries) == 1  # the first run and one retry, no more
    # The engine that was stopped reads the next page normally.
    tesseract.set_timeout(tesseract.DEFAULT_TIMEOUT)
    assert len(words(tesseract.image_to_data(decision, engine="api"))) > 150


def test_a_language_without_data_is_the_clear_missing_dependency_error() -> None:
    tesseract.set_engine("api")
    page = np.asarray(draw_page().convert("L"))
    with pytest.raises(MissingDependencyError) as caught:
        tesseract.image_to_data(page, lang="xyz", engine="api")
    assert "không nạp được dữ liệu ngôn ngữ" in str(caught.value) and "xyz" in str(caught.value)
    assert tesseract.engine_in_use("xyz").startswith("cli (api unavailable")


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`code` in a fresh process (its engines and the program's probe made anew), from this worktree."""
    environ = {**os.environ, "PYTHONPATH": str(REPO), **env}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=240,
                          env=environ, cwd=REPO)


READ_A_PAGE = """
import numpy as np
from ocr import tesseract
from ocr.errors import MissingDependencyError
tesseract.set_engine("api")
try:
    tesseract.image_to_data(np.full((64, 200), 255, np.uint8))
    tesseract.image_to_data(np.full((64, 200), 255, np.uint8))
except MissingDependencyError as exc:
    print("MISSING:", exc)
print("ENGINE:", tesseract.engine_in_use())
"""


@pytest.mark.parametrize("data", ["empty", "damaged"])
def test_unloadable_language_data_falls_back_with_one_warning_and_the_clear_error(tmp_path: Path,
                                                                                   data: str) -> None:
    folder = tmp_path / "tessdata"
    folder.mkdir()
    if data == "damaged":
        (folder / "vie.traineddata").write_bytes(b"\x00" * 64)
    result = run_python(READ_A_PAGE, TESSDATA_PREFIX=str(folder))
    assert result.returncode == 0, result.stderr  # no crash of the library
    assert "MISSING: Tesseract không nạp được dữ liệu ngôn ngữ" in result.stdout, result.stdout
    assert "vie.traineddata" in result.stdout
    assert "ENGINE: cli (api unavailable" in result.stdout, result.stdout
    assert result.stderr.count("using the tesseract program instead of the in-process engine") == 1


def test_the_engine_comes_from_the_settings() -> None:
    assert config.TESSERACT_ENGINES == tesseract.ENGINES  # the two copies of the list agree
    default = load_settings({}, config_file=Path("/nonexistent.toml"))
    assert default.tesseract_engine == "api" == tesseract.DEFAULT_ENGINE == OcrOptions().tesseract_engine
    chosen = load_settings({"SOHOA_TESSERACT_ENGINE": "API"}, config_file=Path("/nonexistent.toml"))
    assert chosen.tesseract_engine == "api" and ocr_options(chosen).tesseract_engine == "api"
    with pytest.raises(SettingsError) as caught:
        load_settings({"SOHOA_TESSERACT_ENGINE": "gpu"}, config_file=Path("/nonexistent.toml"))
    assert "SOHOA_TESSERACT_ENGINE" in str(caught.value) and "'gpu'" in str(caught.value)


@pytest.mark.parametrize("engine", ["api", "cli"])
def test_a_page_worker_reads_with_the_engine_its_options_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: str
) -> None:
    folder, log = tmp_path / "bin", tmp_path / "runs.log"
    slow_program(folder, "tesseract", "false", log)  # the real program, each run logged
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    scan = tmp_path / "page.png"
    cv2.imwrite(str(scan), np.asarray(draw_page(text="Trang một: hồ sơ nhanh").convert("L")))
    tesseract.set_engine("cli" if engine == "api" else "api")  # what read_file_page must override
    result, _ = read_file_page(scan, 0, OcrOptions(tesseract_engine=engine, read_qr=False))
    assert tesseract.engine() == engine
    assert "nhanh" in result.text
    recognitions = [r for r in runs(log) if "--psm 0" not in r]  # not the clean-up's OSD
    assert (len(recognitions) == 0) if engine == "api" else (len(recognitions) >= 1), recognitions


def test_a_library_of_another_tesseract_version_is_not_used() -> None:
    """The wheel's libtesseract 5.5.4 read the real table page out of row order where the 5.3.0 program did not
    (real-page CER 7.1% -> 9.8%): the in-process engine must run the program's own version."""
    program = tesseract.tesseract_info().version
    assert tesseract._library_mismatch(f"tesseract {program}\n leptonica-1.82.0") is None
    other = "9.9.9" if program != "9.9.9" else "9.9.8"
    reason = tesseract._library_mismatch(f"tesseract {other}\n leptonica-1.84.1")
    assert reason and other in reason and program in reason and "--no-binary tesserocr" in reason


def test_the_installed_tesserocr_runs_the_programs_tesseract() -> None:
    """make install builds tesserocr against the system library; a wheel with its own libtesseract would make
    every reading fall back to the program."""
    import tesserocr

    assert tesseract._library_mismatch(tesserocr.tesseract_version()) is None
    assert tesseract.engine_in_use().startswith("api (tesserocr")
