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


def test_the_last_admin_cannot_be_disabled_or_demoted_and_user_enable_brings_a_user_back(tmp_path) -> None:
    def add(name: str, role: str) -> None:
        units = [] if role == "admin" else ["--unit", "UBND xã Lộc An"]
        result = run(tmp_path, "user", "add", name, "--role", role, *units, "--password-stdin",
                     stdin="mot-mat-khau-dai\n")
        assert result.returncode == 0, result.stderr

    add("quan_tri", "admin")
    add("can_bo", "officer")
    refused = run(tmp_path, "user", "disable", "quan_tri")
    assert refused.returncode != 0 and "last admin" in refused.stderr
    catalog = open_catalog(f"sqlite:///{tmp_path / 'catalog.sqlite3'}")
    try:
        from storage.catalog import CatalogError

        try:
            catalog.update_user("quan_tri", role="officer", units=["UBND xã Lộc An"], actor="quan_tri")
            raise AssertionError("the last admin was demoted")
        except CatalogError as exc:
            assert "last admin" in str(exc)
        assert not catalog.get_user("quan_tri").disabled and catalog.get_user("quan_tri").role == "admin"
    finally:
        catalog.close()

    assert run(tmp_path, "user", "disable", "can_bo").returncode == 0
    enabled = run(tmp_path, "user", "enable", "can_bo")
    assert enabled.returncode == 0, enabled.stderr
    assert "can_bo\tofficer\tactive" in sohoa(tmp_path, "user", "list").stdout
    add("quan_tri_2", "admin")  # with a second admin, the first may go
    assert run(tmp_path, "user", "disable", "quan_tri").returncode == 0
    assert run(tmp_path, "user", "disable", "quan_tri_2").returncode != 0
    assert run(tmp_path, "user", "enable", "khong_co").returncode != 0
