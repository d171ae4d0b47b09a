"""`sohoa sign` and `sohoa verify --dossier` on PostgreSQL and S3 (MinIO, SeaweedFS): the same records and
immutable signed objects as on the embedded backends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sohoa.cli import app
from sohoa.compose import open_object_store
from storage.catalog import open_catalog
from tests.conftest import service_url
from tests.signing.archive import UNIT_A, build_archive
from tests.signing.conftest import OFFICER, PASSPHRASE
from tests.storage_catalog.conftest import _postgres_schema_url
from tests.storage_objects.object_servers import fresh_bucket

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize(
    "store",
    [pytest.param("minio", marks=pytest.mark.minio), pytest.param("seaweedfs", marks=pytest.mark.seaweedfs)],
)
def test_sign_and_verify_on_postgres_and_s3(
    store: str, tmp_path: Path, officer_p12, trust_root: Path
) -> None:
    with fresh_bucket(service_url(f"SOHOA_TEST_{store.upper()}_URL"), "sign") as s3_url:
        sign_and_verify(s3_url, tmp_path, officer_p12, trust_root)


def sign_and_verify(s3_url: str, tmp_path: Path, officer_p12, trust_root: Path) -> None:
    for database_url in _postgres_schema_url(service_url("SOHOA_TEST_POSTGRES_URL")):
        backends = {"SOHOA_DATABASE_URL": database_url, "SOHOA_STORAGE_URL": s3_url}
        archive = build_archive(tmp_path / "home", **backends)
        env = {
            "SOHOA_HOME": str(archive.settings.home),
            "SOHOA_CONFIG": str(tmp_path / "none.toml"),
            "SOHOA_SEARCH_URL": "",
            **backends,
        }
        runner = CliRunner()
        signed = runner.invoke(
            app,
            [
                "sign",
                "--batch",
                str(archive.batches[UNIT_A]),
                "--pkcs12",
                str(officer_p12.path),
                "--passphrase-stdin",
                "--signer",
                "luu_tru_a",
            ],
            input=PASSPHRASE + "\n",
            env=env,
        )
        assert signed.exit_code == 0, signed.output
        again = runner.invoke(
            app,
            [
                "sign",
                "--batch",
                str(archive.batches[UNIT_A]),
                "--pkcs12",
                str(officer_p12.path),
                "--passphrase-stdin",
            ],
            input=PASSPHRASE + "\n",
            env=env,
        )
        assert again.exit_code == 1 and "already signed" in again.output
        with open_catalog(database_url) as catalog:
            rows = catalog.signatures_of_documents(archive.documents[UNIT_A])
            assert all(len(found) == 1 for found in rows.values())
            keys = [found[0].signed_key for found in rows.values()]
        s3 = open_object_store(s3_url)
        assert all(s3.get_bytes(key).startswith(b"%PDF") for key in keys)
        verified = runner.invoke(
            app,
            ["verify", "--dossier", archive.dossiers[UNIT_A][0], "--trust-root", str(trust_root), "--json"],
            env=env,
        )
        assert verified.exit_code == 0, verified.output
        [row] = json.loads(verified.output)["signatures"]
        assert row["signer"] == OFFICER and row["intact"] and row["trusted"]
