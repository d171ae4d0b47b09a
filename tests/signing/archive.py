"""A small catalogue of real searchable PDF/A documents (no OCR) to sign: two units, one batch each, and users."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sohoa.compose import open_object_store
from sohoa.config import Settings, load_settings
from storage.catalog import PageInput, open_catalog
from storage.objects import derived_key, original_key
from tests.signing.conftest import build_pdf

UNIT_A = "UBND xã Mỹ Hiệp"
UNIT_B = "UBND xã Duy Trung"
USERS = {
    "admin": ("admin", []),
    "luu_tru_a": ("archive_staff", [UNIT_A]),
    "luu_tru_b": ("archive_staff", [UNIT_B]),
    "can_bo_a": ("officer", [UNIT_A]),
    "lanh_dao_a": ("manager", [UNIT_A]),
}


@dataclass(frozen=True)
class Archive:
    settings: Settings
    batches: dict[str, int]  # unit -> batch id
    dossiers: dict[str, list[str]]  # unit -> dossier codes
    documents: dict[str, list[int]]  # unit -> document ids


def settings_for(home: Path, **environ: str) -> Settings:
    return load_settings(environ={"SOHOA_HOME": str(home), **environ}, config_file=home / "none.toml")


def build_archive(home: Path, per_unit: int = 2, *, password_hash: str = "x", **environ: str) -> Archive:
    """`environ` may name other backends, e.g. SOHOA_DATABASE_URL and SOHOA_STORAGE_URL."""
    settings = settings_for(home, **environ)
    home.mkdir(parents=True, exist_ok=True)
    catalog = open_catalog(settings.database_url)
    store = open_object_store(settings.storage_url)
    template = build_pdf(home / "template.pdf").read_bytes()
    batches, dossiers, documents = {}, {}, {}
    try:
        for u, unit in enumerate((UNIT_A, UNIT_B)):
            batch = catalog.start_batch(f"sign-test-{u}", "tests", unit=unit)
            batches[unit], dossiers[unit], documents[unit] = batch.id, [], []
            for n in range(per_unit):
                code = f"H21.6{u}-220914-{n + 1:04d}"
                original = template + f"\n% original {code}\n".encode()
                sha = hashlib.sha256(original).hexdigest()
                store.put_bytes(original_key(sha, ".pdf"), original)
                source = catalog.record_source_file(
                    sha,
                    object_key=original_key(sha, ".pdf"),
                    original_name=f"{code}.1.pdf",
                    size=len(original),
                    format="pdf",
                    page_count=2,
                    batch_id=batch.id,
                )
                document = catalog.record_document(source.id, 1, 2)
                pdf_key = store.put_bytes(derived_key(sha, "document-00001-00002.pdf"), template).key
                catalog.record_pages(
                    document.id,
                    [
                        PageInput(1, 0, "Cộng hòa xã hội chủ nghĩa Việt Nam", 91.0),
                        PageInput(2, 1, "Trang 2 phụ lục", 91.0),
                    ],
                )
                catalog.link_document(document.id, code, "filename", ordinal=1, unit=unit)
                catalog.mark_document_recognized(
                    document.id, pdf_key=pdf_key, verified_keys=[original_key(sha, ".pdf"), pdf_key]
                )
                dossiers[unit].append(code)
                documents[unit].append(document.id)
        for name, (role, units) in USERS.items():
            catalog.create_user(name, password_hash, role, units, actor="test")
    finally:
        catalog.close()
    return Archive(settings, batches, dossiers, documents)
