"""`sohoa serve` cannot vanish silently: a web app that fails to import fails the command line loudly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _run(code: str, *path: Path) -> subprocess.CompletedProcess[str]:
    paths = [str(p) for p in path] + [str(REPO)]
    script = f"import sys; sys.path[:0] = {paths!r}\n{code}"
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, cwd=REPO)


def test_sohoa_help_lists_serve_and_user() -> None:
    result = _run("from sohoa.cli import app; app(['--help'])")
    assert "serve" in result.stdout and "user" in result.stdout, result.stdout + result.stderr


def test_a_broken_web_app_fails_the_command_line_instead_of_removing_serve(tmp_path: Path) -> None:
    broken = tmp_path / "web"
    broken.mkdir()
    (broken / "__init__.py").write_text("")
    (broken / "commands.py").write_text("import a_module_the_web_app_needs_but_is_missing\n")
    result = _run("import sohoa.cli", tmp_path)
    assert result.returncode != 0
    assert "a_module_the_web_app_needs_but_is_missing" in result.stderr
