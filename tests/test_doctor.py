"""`sohoa doctor` on a broken machine: a program that hangs on its version probe is reported, not a crash."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from sohoa import doctor


def hanging(folder: Path, name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / name
    script.write_text("#!/bin/sh\nexec sleep 600\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


def test_a_program_hanging_on_its_version_probe_is_reported_as_not_usable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hanging(tmp_path / "bin", "pdftoppm")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:{os.environ['PATH']}")
    monkeypatch.setattr(doctor, "PROBE_TIMEOUT", 1.0)
    checks = {check.name: check for check in doctor.program_checks()}
    assert not checks["poppler"].ok
    assert "no answer after 1 s" in checks["poppler"].detail and "pdftoppm" in checks["poppler"].detail
    assert checks["tesseract"].ok  # the other programs are still checked



@pytest.mark.parametrize(("setting", "shown"), [("api", "api (tesserocr"), ("cli", "cli (the tesseract program")])
def test_doctor_says_which_tesseract_engine_reads_the_pages(setting: str, shown: str) -> None:
    from ocr import tesseract

    try:
        checks = {check.name: check for check in doctor.program_checks(setting)}
    finally:
        tesseract.set_engine(tesseract.DEFAULT_ENGINE)
    assert checks["tesseract-engine"].ok and checks["tesseract-engine"].detail.startswith(shown)
    if setting == "api":
        assert "libtesseract 5." in checks["tesseract-engine"].detail
