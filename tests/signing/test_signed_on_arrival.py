"""PDFs that arrive already signed (e.g. a result signed by the agency elsewhere): ingest stores the original
byte for byte, and `sohoa verify --dossier` shows its signature's status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sohoa.compose import open_object_store
from sohoa.signing.keys import open_signer
from sohoa.signing.sign import SignatureRequest, sign_pdf
from storage.catalog import open_catalog
from tests.flows.helpers import sohoa, sohoa_env
from tests.signing.conftest import AGENCY, PASSPHRASE

pytestmark = pytest.mark.slow
CODE = "H21.65-220914-0011"


def test_a_signed_pdf_is_kept_as_it_came_and_verified(tmp_path: Path, agency_p12, trust_root: Path) -> None:
    from tests.signing.conftest import build_pdf

    with open_signer(agency_p12, PASSPHRASE) as signer:
        signed = sign_pdf(
            build_pdf(tmp_path / "u.pdf", pages=1).read_bytes(),
            signer,
            SignatureRequest("agency", "Lê Văn Tám", AGENCY),
        )
    scans = tmp_path / "scans"
    scans.mkdir()
    (scans / f"{CODE}.1.pdf").write_bytes(signed)
    home = tmp_path / "home"
    # Prefect's temporary API server gets 20 s to start; on a shared 2-core machine that is not always enough.
    env = sohoa_env(home, PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="180")
    ingested = sohoa(home, "ingest", scans, "--settle", "0", "--unit", AGENCY, env=env)
    assert ingested.returncode == 0, ingested.stdout[-2000:] + ingested.stderr[-2000:]
    with open_catalog(f"sqlite:///{home / 'catalog.sqlite3'}") as catalog:
        [document] = catalog.documents_of_dossier(CODE)
        source = catalog.get_source_file(document.source_file_id)
    store = open_object_store(f"file://{home / 'objects'}")
    assert store.get_bytes(source.object_key) == signed, "the original is stored byte for byte"
    assert (scans / f"{CODE}.1.pdf").read_bytes() == signed, "and the user's file is untouched"
    verified = sohoa(home, "verify", "--dossier", CODE, "--trust-root", trust_root, "--json", env=env)
    rows = json.loads(verified.stdout)
    [row] = [r for r in rows["signatures"] if r["source"] == "original"]
    assert (row["signer"], row["intact"], row["trusted"], row["role"]) == (AGENCY, True, True, "agency")
    # the document counts as signed by the signature it came with: not listed as unsigned, exit 0
    assert rows["unsigned"] == [] and verified.returncode == 0
