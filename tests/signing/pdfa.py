"""The PDF/A check used for signed files: the project's structural check (qpdf, XMP identification, embedded
fonts, as tests/ocr_io) and veraPDF, the reference validator, when installed (see docs/signing.md)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pikepdf
import pytest

VERAPDF_HOME = Path(
    os.environ.get("SOHOA_VERAPDF_HOME")
    or Path(os.environ.get("SOHOA_CACHE") or Path.home() / ".cache" / "sohoa") / "verapdf"
)  # deploy/verapdf.sh install


def assert_pdfa(path: Path) -> None:
    check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    with pikepdf.open(path) as pdf:
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "B"
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(line.split()[-5:-3] == ["yes", "yes"] for line in rows), fonts  # embedded, subset
    lib = VERAPDF_HOME / "lib"
    if not lib.is_dir():
        message = f"veraPDF not installed in {VERAPDF_HOME} (docs/signing.md, 'PDF/A check')"
        if os.environ.get("SOHOA_REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    result = subprocess.run(
        [
            "java",
            "-cp",
            f"{lib}/*",
            "org.verapdf.apps.GreenfieldCliWrapper",
            "--format",
            "text",
            "-v",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.stdout.startswith("PASS"), result.stdout + result.stderr[-2000:]
