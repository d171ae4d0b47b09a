"""`sohoa user add|list|disable` on the command line."""

from __future__ import annotations

from storage.catalog import open_catalog
from tests.flows.helpers import sohoa, sohoa_env
from web.passwords import verify_password


def run(home, *args: str, stdin: str = ""):  # noqa: ANN001, ANN201
    import subprocess
    import sys

    from tests.flows.helpers import REPO

    return subprocess.run(
        [sys.executable, "-m", "sohoa", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=sohoa_env(home),
        cwd=REPO,
        timeout=120,
    )


def test_user_add_reads_the_password_from_stdin_and_stores_a_hash(tmp_path) -> None:
    added = run(
        tmp_path,
        "user",
        "add",
        "can_bo",
        "--role",
        "officer",
        "--unit",
        "UBND xã Lộc An",
        "--unit",
        "UBND xã Duy Trung",
        "--password-stdin",
        stdin="mot-mat-khau-dai\n",
    )
    assert added.returncode == 0, added.stderr
    catalog = open_catalog(f"sqlite:///{tmp_path / 'catalog.sqlite3'}")
    account = catalog.get_user("can_bo")
    assert account.units == ("UBND xã Lộc An", "UBND xã Duy Trung")
    assert verify_password(account.password_hash, "mot-mat-khau-dai")
    catalog.close()
    again = run(
        tmp_path,
        "user",
        "add",
        "can_bo",
        "--role",
        "officer",
        "--unit",
        "X",
        "--password-stdin",
        stdin="mot-mat-khau-dai\n",
    )
    assert again.returncode != 0 and "already exists" in again.stderr
    assert run(tmp_path, "user", "disable", "can_bo").returncode == 0
    listed = sohoa(tmp_path, "user", "list")
    assert "can_bo\tofficer\tdisabled\tUBND xã Lộc An, UBND xã Duy Trung" in listed.stdout


def test_user_add_refuses_short_passwords_bad_roles_and_officers_without_units(tmp_path) -> None:
    assert (
        run(
            tmp_path,
            "user",
            "add",
            "a",
            "--role",
            "officer",
            "--unit",
            "X",
            "--password-stdin",
            stdin="ngan\n",
        ).returncode
        != 0
    )
    assert (
        run(
            tmp_path,
            "user",
            "add",
            "a",
            "--role",
            "chief",
            "--unit",
            "X",
            "--password-stdin",
            stdin="mot-mat-khau-dai\n",
        ).returncode
        != 0
    )
    assert (
        run(
            tmp_path, "user", "add", "a", "--role", "officer", "--password-stdin", stdin="mot-mat-khau-dai\n"
        ).returncode
        != 0
    )
    assert (
        run(
            tmp_path, "user", "add", "root", "--role", "admin", "--password-stdin", stdin="mot-mat-khau-dai\n"
        ).returncode
        == 0
    )
