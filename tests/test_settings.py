"""Settings are read in one place and passed down: values, clear errors, Prefect's defaults, the messages' language."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sohoa import messages
from sohoa.compose import open_backends
from sohoa.config import PREFECT_DEFAULTS, SettingsError, apply_prefect_defaults, load_settings

REPO = Path(__file__).resolve().parents[1]


def test_storage_retries_come_from_the_settings_into_the_backends(tmp_path: Path) -> None:
    settings = load_settings(
        {"SOHOA_HOME": str(tmp_path), "SOHOA_STORAGE_RETRIES": "3", "SOHOA_STORAGE_BACKOFF": "0.25",
         "SOHOA_LANG": "en"},
        config_file=tmp_path / "none.toml",
    )
    backends = open_backends(settings)
    try:
        assert (backends.retry.attempts, backends.retry.first_delay) == (3, 0.25)
        assert backends.home == tmp_path.resolve() and backends.language == "en"
    finally:
        backends.close()


@pytest.mark.parametrize(("name", "value"), [("SOHOA_STORAGE_RETRIES", "năm"), ("SOHOA_DEFAULT_TARGET", "86,9%")])
def test_a_setting_that_is_not_a_number_is_named_in_the_error(tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({"SOHOA_HOME": str(tmp_path), name: value}, config_file=tmp_path / "none.toml")
    assert name in str(caught.value) and repr(value) in str(caught.value)


def test_the_command_line_reports_a_bad_setting_in_one_line_with_exit_2(tmp_path: Path) -> None:
    env = {"SOHOA_HOME": str(tmp_path), "SOHOA_MAX_PAGES_PER_FILE": "many", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "sohoa", "report"], capture_output=True, text=True, env=env,
                            cwd=REPO, timeout=300)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["sohoa: SOHOA_MAX_PAGES_PER_FILE='many': phải là số nguyên / "
                                                  "a whole number"]


def test_prefect_defaults_fill_gaps_and_never_override_the_user() -> None:
    environ = {"PREFECT_LOGGING_LEVEL": "DEBUG"}
    apply_prefect_defaults(environ)
    assert environ["PREFECT_LOGGING_LEVEL"] == "DEBUG"
    assert environ["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false" and environ["DO_NOT_TRACK"] == "1"
    assert set(environ) == set(PREFECT_DEFAULTS)


RUNNER_SEES_TIMEOUT = """
import sys
import flows.ingest as ingest  # Prefect is imported here, before sohoa has set any of its defaults
from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS
from sohoa.compose import ingest_runner, open_backends
from sohoa.config import load_settings
ingest.run_ingest = lambda paths, **arguments: print(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value())
settings = load_settings({"SOHOA_HOME": sys.argv[1]})
backends = open_backends(settings)
ingest_runner(settings, backends)([])
backends.close()
"""


@pytest.mark.parametrize(("users_value", "seen"), [(None, PREFECT_DEFAULTS["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"]),
                                                   ("45", "45")])
def test_an_ingest_started_after_prefect_was_imported_still_waits_our_time_for_the_temporary_server(
    tmp_path: Path, users_value: str | None, seen: str
) -> None:
    """CI lost a stack to Prefect's own 20 s: a script imported flows.ingest before any edge set our defaults."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PREFECT_HOME": str(tmp_path / "prefect"),
           "PYTHONPATH": str(REPO)}
    if users_value is not None:
        env["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = users_value
    result = subprocess.run([sys.executable, "-c", RUNNER_SEES_TIMEOUT, str(tmp_path / "home")], capture_output=True,
                            text=True, env=env, cwd=REPO, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == [seen]


def test_the_messages_language_is_set_by_the_edge_not_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOHOA_LANG", "en")  # no longer read by sohoa.messages
    try:
        messages.set_language("vi")
        assert messages.t("reindex.done", count=2) == "Đã lập chỉ mục 2 trang"
        messages.set_language("en")
        assert messages.t("reindex.done", count=2) == "Indexed 2 pages"
    finally:
        messages.set_language("vi")


def test_sohoa_lang_en_reaches_the_command_line_messages(tmp_path: Path) -> None:
    env = {"SOHOA_HOME": str(tmp_path), "SOHOA_LANG": "en", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "sohoa", "reindex"], capture_output=True, text=True, env=env,
                            cwd=REPO, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "Indexed 0 pages" in result.stderr
