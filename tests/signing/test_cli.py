"""`sohoa sign` and `sohoa verify` on a catalogue: signed copies beside the unsigned PDFs, one row and one audit
event per signing, refusals (twice, another unit, wrong role) with a message, wrong secrets write nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sohoa.cli import app
from sohoa.compose import open_object_store
from storage.catalog import open_catalog
from tests.signing import tamper
from tests.signing.archive import UNIT_A, UNIT_B, Archive, build_archive
from tests.signing.conftest import OFFICER, PASSPHRASE, Token


@pytest.fixture()
def archive(tmp_path: Path) -> Archive:
    return build_archive(tmp_path / "home")


def run(archive: Archive, *args: str, secret: str | None = None):
    env = {
        "SOHOA_HOME": str(archive.settings.home),
        "SOHOA_CONFIG": str(archive.settings.home / "none.toml"),
        "SOHOA_LANG": "vi",
        "SOHOA_DATABASE_URL": "",
        "SOHOA_STORAGE_URL": "",
        "SOHOA_SEARCH_URL": "",
    }
    return CliRunner().invoke(app, list(args), input=(secret + "\n") if secret is not None else None, env=env)


def sign_p12(archive: Archive, key: Path, *args: str, secret: str = PASSPHRASE):
    return run(archive, "sign", *args, "--pkcs12", str(key), "--passphrase-stdin", secret=secret)


def objects(archive: Archive) -> set[str]:
    return set(open_object_store(archive.settings.storage_url).list(""))


def signatures(archive: Archive) -> list:
    with open_catalog(archive.settings.database_url) as catalog:
        ids = [i for ids in archive.documents.values() for i in ids]
        return [s for found in catalog.signatures_of_documents(ids).values() for s in found]


def test_sign_batch_then_verify_dossier(archive: Archive, officer_p12, trust_root: Path) -> None:
    before = objects(archive)
    result = sign_p12(
        archive, officer_p12.path, "--batch", str(archive.batches[UNIT_A]), "--signer", "luu_tru_a"
    )
    assert result.exit_code == 0, result.output
    assert "2/2" in result.output
    rows = signatures(archive)
    assert {(s.document_id, s.role, s.signer_username, s.signer_name) for s in rows} == {
        (i, "officer", "luu_tru_a", OFFICER) for i in archive.documents[UNIT_A]
    }
    added = objects(archive) - before
    assert added == {s.signed_key for s in rows}, "only the signed copies are new; nothing was replaced"
    store = open_object_store(archive.settings.storage_url)
    with open_catalog(archive.settings.database_url) as catalog:
        for s in rows:
            document = catalog.get_document(s.document_id)
            assert document.pdf_key in before and s.input_key == document.pdf_key
            assert store.get_bytes(s.signed_key).startswith(store.get_bytes(document.pdf_key))
            [event] = [e for e in catalog.events("document", s.document_id) if e.action == "sign"]
            assert event.actor == "luu_tru_a" and event.detail["object"] == s.signed_key
    code = archive.dossiers[UNIT_A][0]
    verified = run(archive, "verify", "--dossier", code, "--trust-root", str(trust_root), "--json")
    assert verified.exit_code == 0, verified.output
    [row] = json.loads(verified.output)["signatures"]
    assert (row["signer"], row["role"], row["page"], row["position"], row["intact"], row["trusted"]) == (
        OFFICER,
        "officer",
        1,
        "top-left",
        True,
        True,
    )
    untrusted = run(archive, "verify", "--dossier", code, "--json")
    assert untrusted.exit_code == 1 and not json.loads(untrusted.output)["signatures"][0]["trusted"]


def test_signing_twice_is_refused_and_changes_nothing(archive: Archive, officer_p12) -> None:
    document = str(archive.documents[UNIT_A][0])
    assert sign_p12(archive, officer_p12.path, "--document", document).exit_code == 0
    before, rows = objects(archive), signatures(archive)
    again = sign_p12(archive, officer_p12.path, "--document", document)
    assert again.exit_code == 1
    assert "đã được ký" in again.output and "already signed" in again.output
    assert objects(archive) == before and signatures(archive) == rows


def test_another_units_documents_are_refused(archive: Archive, officer_p12) -> None:
    result = sign_p12(
        archive, officer_p12.path, "--batch", str(archive.batches[UNIT_B]), "--signer", "luu_tru_a"
    )
    assert result.exit_code == 1 and "đơn vị khác" in result.output and "another unit" in result.output
    assert signatures(archive) == []


def test_an_officer_account_may_not_sign_and_an_agency_needs_a_manager(
    archive: Archive, officer_p12, agency_p12
) -> None:
    document = str(archive.documents[UNIT_A][0])
    refused = sign_p12(archive, officer_p12.path, "--document", document, "--signer", "can_bo_a")
    assert refused.exit_code == 1 and "may not sign as officer" in refused.output
    staff_as_agency = sign_p12(
        archive, agency_p12.path, "--document", document, "--as", "agency", "--signer", "luu_tru_a"
    )
    assert staff_as_agency.exit_code == 1 and "may not sign as agency" in staff_as_agency.output
    assert signatures(archive) == []


def test_agency_signs_over_the_officer(archive: Archive, officer_p12, agency_p12, trust_root: Path) -> None:
    document = archive.documents[UNIT_A][0]
    assert (
        sign_p12(archive, officer_p12.path, "--document", str(document), "--signer", "luu_tru_a").exit_code
        == 0
    )
    result = sign_p12(
        archive, agency_p12.path, "--document", str(document), "--as", "agency", "--signer", "lanh_dao_a"
    )
    assert result.exit_code == 0, result.output
    officer_row, agency_row = sorted(signatures(archive), key=lambda s: s.id)
    assert agency_row.input_key == officer_row.signed_key
    verified = run(
        archive, "verify", "--dossier", archive.dossiers[UNIT_A][0], "--trust-root", str(trust_root), "--json"
    )
    assert verified.exit_code == 0, verified.output
    rows = json.loads(verified.output)["signatures"]
    assert [(r["role"], r["position"], r["intact"]) for r in rows] == [
        ("officer", "top-left", True),
        ("agency", "top-right", True),
    ]


def test_wrong_passphrase_writes_nothing(archive: Archive, officer_p12) -> None:
    before = objects(archive)
    result = sign_p12(
        archive, officer_p12.path, "--batch", str(archive.batches[UNIT_A]), secret="sai mật khẩu"
    )
    assert result.exit_code == 2 and "sai mật khẩu" in result.output and "wrong passphrase" in result.output
    assert "sai mật khẩu\n" not in result.output.replace("sohoa:", ""), "the secret itself is never echoed"
    assert objects(archive) == before and signatures(archive) == []


def test_pkcs11_token_signs_and_wrong_pin_writes_nothing(
    archive: Archive, softhsm: Token, trust_root: Path
) -> None:
    token = [
        "--pkcs11-lib",
        str(softhsm.key.library),
        "--token-label",
        softhsm.key.token_label,
        "--key-label",
        softhsm.key.key_label,
        "--pin-stdin",
    ]
    before = objects(archive)
    wrong = run(archive, "sign", "--batch", str(archive.batches[UNIT_A]), *token, secret="999999")
    assert wrong.exit_code == 2 and "PIN" in wrong.output
    assert objects(archive) == before and signatures(archive) == []
    right = run(archive, "sign", "--batch", str(archive.batches[UNIT_A]), *token, secret=softhsm.pin)
    assert right.exit_code == 0, right.output
    assert len(signatures(archive)) == 2
    verified = run(
        archive, "verify", "--dossier", archive.dossiers[UNIT_A][1], "--trust-root", str(trust_root)
    )
    assert verified.exit_code == 0, verified.output


def test_verify_file_exit_codes(archive: Archive, officer_p12, trust_root: Path, tmp_path: Path) -> None:
    assert sign_p12(archive, officer_p12.path, "--document", str(archive.documents[UNIT_A][0])).exit_code == 0
    [row] = signatures(archive)
    signed = tmp_path / "signed.pdf"
    signed.write_bytes(open_object_store(archive.settings.storage_url).get_bytes(row.signed_key))
    assert run(archive, "verify", str(signed), "--trust-root", str(trust_root)).exit_code == 0
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(tamper.draw_over_page_one(signed.read_bytes()))
    result = run(archive, "verify", str(forged), "--trust-root", str(trust_root), "--json")
    assert result.exit_code == 1 and json.loads(result.output)["signatures"][0]["intact"] is False
    unsigned = tmp_path / "unsigned.pdf"
    unsigned.write_bytes(archive.settings.home.joinpath("template.pdf").read_bytes())
    assert run(archive, "verify", str(unsigned)).exit_code == 1
    missing = run(archive, "verify", str(tmp_path / "none.pdf"))
    assert missing.exit_code == 2 and "none.pdf" in missing.output


def test_arguments_are_checked(archive: Archive, officer_p12) -> None:
    both = run(
        archive,
        "sign",
        "--document",
        "1",
        "--batch",
        "1",
        "--pkcs12",
        str(officer_p12.path),
        "--passphrase-stdin",
        secret=PASSPHRASE,
    )
    assert both.exit_code == 2 and "exactly one" in both.output
    no_stdin = run(archive, "sign", "--document", "1", "--pkcs12", str(officer_p12.path))
    assert no_stdin.exit_code == 2 and "--passphrase-stdin" in no_stdin.output
