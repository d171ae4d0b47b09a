"""Discovery: every entry under a given path is either a file to ingest or reported with a reason."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from flows import discover as discover_module
from flows.discover import discover
from tests.flows.helpers import sohoa_json


def reasons(found) -> dict[str, str]:  # noqa: ANN001
    return {str(s.path): s.reason for s in found.skipped}


def nasty_folder(tmp_path: Path) -> Path:
    scans = tmp_path / "scans"
    (scans / "sub").mkdir(parents=True)
    (scans / "a.pdf").write_bytes(b"%PDF-a")
    (scans / "sub" / "b.png").write_bytes(b"png")
    (scans / ".hidden.pdf").write_bytes(b"%PDF-")
    (scans / "scan.pdf.part").write_bytes(b"%PDF-")
    os.mkfifo(scans / "pipe.pdf")
    (scans / "gone.pdf").symlink_to(scans / "deleted.pdf")
    (scans / "passwd.png").symlink_to("/etc/passwd")
    (scans / "outside").symlink_to("/etc")
    (scans / "loop1.pdf").symlink_to(scans / "loop2.pdf")
    (scans / "loop2.pdf").symlink_to(scans / "loop1.pdf")
    (scans / "sub" / "up").symlink_to("..")
    (scans / "again.pdf").symlink_to(scans / "a.pdf")  # a second name of a file already found
    (scans / "inside.png").symlink_to(scans / "sub" / "b.png")
    return scans


def test_every_odd_entry_is_reported_with_its_reason_and_nothing_outside_is_followed(tmp_path: Path) -> None:
    scans = nasty_folder(tmp_path)
    found = discover([scans])
    assert sorted(p.name for p in found.files) == ["a.pdf", "b.png"]
    assert reasons(found) == {
        str(scans / ".hidden.pdf"): "hidden",
        str(scans / "scan.pdf.part"): "temporary",
        str(scans / "pipe.pdf"): "not_a_regular_file",
        str(scans / "gone.pdf"): "dangling_symlink",
        str(scans / "passwd.png"): "symlink_outside",
        str(scans / "outside"): "symlink_outside",
        str(scans / "loop1.pdf"): "symlink_loop",
        str(scans / "loop2.pdf"): "symlink_loop",
        str(scans / "sub" / "up"): "directory_loop",
        str(scans / "again.pdf"): "same_file",
        str(scans / "inside.png"): "same_file",
    }
    assert all(Path("/etc/passwd") != p.resolve() for p in found.files)


def test_an_unreadable_folder_is_reported_with_what_it_would_hold(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    scans = tmp_path / "scans"
    (scans / "locked").mkdir(parents=True)
    (scans / "locked" / "x.pdf").write_bytes(b"%PDF-")
    (scans / "ok.pdf").write_bytes(b"%PDF-")
    real_scandir = os.scandir

    def scandir(path):  # noqa: ANN001, ANN202
        if Path(path) == scans / "locked":  # root reads everything; simulate a folder without permission
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(discover_module.os, "scandir", scandir)
    found = discover([scans])
    assert [p.name for p in found.files] == ["ok.pdf"]
    assert reasons(found) == {str(scans / "locked"): "unreadable"}
    assert "Permission denied" in found.skipped[0].detail


def test_a_given_path_that_is_neither_file_nor_folder_is_reported(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    found = discover([tmp_path / "pipe", tmp_path / "dangling"])
    assert not found.files
    assert reasons(found) == {str(tmp_path / "pipe"): "not_a_regular_file",
                              str(tmp_path / "dangling"): "dangling_symlink"}
    with pytest.raises(FileNotFoundError):
        discover([tmp_path / "missing"])


def test_the_ingest_summary_lists_skipped_entries_with_reasons_and_stores_nothing_from_outside(
    tmp_path: Path,
) -> None:
    scans = tmp_path / "scans"
    scans.mkdir()
    os.mkfifo(scans / "pipe.pdf")
    (scans / "passwd.png").symlink_to("/etc/passwd")
    (scans / "~$lock.pdf").write_bytes(b"x")
    home = tmp_path / "home"
    summary = sohoa_json(home, "ingest", scans, "--settle", "0")
    assert summary["files"] == 0 and summary["quarantined"] == 0
    assert {Path(s["path"]).name: s["reason"] for s in summary["skipped"]} == {
        "pipe.pdf": "not_a_regular_file",
        "passwd.png": "symlink_outside",
        "~$lock.pdf": "temporary",
    }


def test_every_skip_reason_has_words_in_both_languages() -> None:
    from flows.discover import SKIP_REASONS
    from sohoa.messages import MESSAGES

    assert all(f"skip.{reason}" in MESSAGES for reason in SKIP_REASONS)
