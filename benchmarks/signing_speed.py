"""Signing throughput: documents per minute when `sohoa sign` signs a 100-document batch, with a PKCS#12 file
and with a PKCS#11 token (SoftHSM2), each end to end (read the PDF, sign, store the signed copy, catalogue row
and audit event), plus the time to verify one signed document.

    .venv/bin/python -m benchmarks.signing_speed [--documents 100] [--pages 2]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sohoa.compose import open_object_store
from sohoa.signing.keys import Pkcs11Key, Pkcs12Key
from sohoa.signing.service import Actor, sign_documents
from sohoa.signing.settings import SigningSettings
from sohoa.signing.verify import load_certificates, verify_pdf
from storage.catalog import open_catalog
from tests.signing.archive import UNIT_A, build_archive
from tests.signing.pki import issue, make_authority

REPO = Path(__file__).resolve().parents[1]
PIN, PASSPHRASE = "246810", "benchmark"


def softhsm_key(folder: Path, identity) -> Pkcs11Key:
    script = str(REPO / "deploy" / "softhsm.sh")
    subprocess.run([script, "init", str(folder), "bench", PIN, "13579135"], check=True, capture_output=True)
    subprocess.run(
        [
            script,
            "import",
            str(folder),
            "bench",
            PIN,
            "officer",
            str(identity.key_pem(folder / "k.pem")),
            str(identity.cert_pem(folder / "c.pem")),
        ],
        check=True,
        capture_output=True,
    )
    os.environ["SOFTHSM2_CONF"] = str(folder / "softhsm2.conf")
    library = subprocess.run([script, "module"], check=True, capture_output=True, text=True).stdout.strip()
    return Pkcs11Key(Path(library), "bench", "officer")


def run(home: Path, documents: int, key, secret: str) -> tuple[float, float, int]:
    archive = build_archive(home, per_unit=documents)
    ids = archive.documents[UNIT_A]
    catalog = open_catalog(archive.settings.database_url)
    store = open_object_store(archive.settings.storage_url)
    try:
        start, cpu = time.perf_counter(), time.process_time()
        summary = sign_documents(
            catalog,
            store,
            ids,
            key=key,
            secret=secret,
            role="officer",
            actor=Actor("benchmark", "admin"),
            settings=SigningSettings(),
        )
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        assert summary.signed == len(ids), summary.failed[:3]
        signed = store.get_bytes(catalog.latest_signed_key(ids[0]) or "")
    finally:
        catalog.close()
    return seconds, cpu, len(signed)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=100)
    args = parser.parse_args()
    import logging

    logging.getLogger("fontTools").setLevel(logging.ERROR)
    ca = make_authority()
    officer = issue(ca, "Nguyễn Thị Lân")
    load = Path("/proc/loadavg").read_text().split()[0]
    print(
        f"command: {' '.join(sys.argv)}   ({args.documents} documents of 2 A4 pages at 150 dpi; "
        f"load average {load}, {os.cpu_count()} cores)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        p12 = Pkcs12Key(officer.pkcs12(root / "officer.p12", PASSPHRASE, ca))
        token = softhsm_key(root / "softhsm", officer)
        for name, key, secret in (("PKCS#12 file", p12, PASSPHRASE), ("PKCS#11 SoftHSM2", token, PIN)):
            seconds, cpu, size = run(root / name.split()[0].replace("#", ""), args.documents, key, secret)
            print(
                f"{name:18} {args.documents} documents in {seconds:6.1f} s = "
                f"{args.documents / seconds * 60:6.0f} documents/min ({1000 * seconds / args.documents:5.0f} ms each, "
                f"{1000 * cpu / args.documents:4.0f} ms CPU in this process = {args.documents / cpu * 60:5.0f}/min "
                f"on an idle core; signed PDF {size / 1024:.0f} KiB)"
            )
        signed = build_and_sign_one(root, p12)
        roots = load_certificates([ca.pem(root / "root.pem")])
        start = time.perf_counter()
        for _ in range(10):
            [report] = verify_pdf(signed, roots)
            assert report.intact and report.trusted
        print(f"verify one signed document: {100 * (time.perf_counter() - start):.0f} ms")
    return 0


def build_and_sign_one(root: Path, key: Pkcs12Key) -> bytes:
    from sohoa.signing.keys import open_signer
    from sohoa.signing.sign import SignatureRequest, sign_pdf
    from tests.signing.conftest import build_pdf

    with open_signer(key, PASSPHRASE) as signer:
        return sign_pdf(
            build_pdf(root / "one.pdf").read_bytes(),
            signer,
            SignatureRequest("officer", "Nguyễn Thị Lân", UNIT_A),
        )


if __name__ == "__main__":
    raise SystemExit(main())
