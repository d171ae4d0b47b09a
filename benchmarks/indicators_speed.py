"""How long the QĐ 766 indicators take on a catalogue of N registry dossiers (SQLite or SOHOA_DATABASE_URL).

    .venv/bin/python -m benchmarks.indicators_speed [N]    # default 20000 dossiers, 1.5 documents each

Rows are bulk-inserted straight into the tables (this measures the report, not ingest).
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from storage.catalog import open_catalog
from storage.catalog.indicators import indicator_report
from storage.catalog.schema import DocumentRow, DossierRow, ProcedureRow, SourceFileRow, UnitRow


def build(url: str, dossiers: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    catalog = open_catalog(url)
    with catalog.transaction() as session:
        units = [UnitRow(code=f"X{i:02d}", name=f"Xã {i}", tier="commune") for i in range(40)]
        session.add_all(units)
        session.flush()
        for old in units[30:]:
            old.successor_id = units[rng.randrange(30)].id
        session.add_all(
            [ProcedureRow(procedure_code=f"1.{i:06d}", name=f"TTHC {i}", written_result=i % 4 != 0, result_types=[])
             for i in range(50)]
        )  # fmt: skip
        start = datetime(2025, 1, 1)
        rows = []
        for n in range(dossiers):
            received = start + timedelta(minutes=rng.randrange(525_600))
            rows.append(
                DossierRow(
                    dossier_code=f"X-{n:07d}", unit_id=units[rng.randrange(40)].id, field="Hộ tịch",
                    procedure_code=f"1.{rng.randrange(55):06d}", received_at=received, in_registry=True,
                    resolved_at=received + timedelta(days=3) if rng.random() < 0.8 else None,
                )
            )  # fmt: skip
        session.add_all(rows)
        session.flush()
        files, documents = [], []
        for n, dossier in enumerate(rows):
            for k in range(rng.choice((0, 1, 2, 2, 3))):
                files.append(
                    SourceFileRow(sha256=f"{n:032d}{k:032d}", original_name="x.pdf", size=1, format="pdf")
                )
        session.add_all(files)
        session.flush()
        index = 0
        for n, dossier in enumerate(rows):
            while index < len(files) and files[index].sha256.startswith(f"{n:032d}"):
                documents.append(
                    DocumentRow(
                        source_file_id=files[index].id, first_page=1, last_page=1, dossier_id=dossier.id,
                        ordinal=index, state="indexed" if rng.random() < 0.9 else "recognized",
                        role=rng.choice(("component", "component", "result", "receipt", None)),
                        reuse_origin="catalogue" if rng.random() < 0.1 else None,
                    )
                )  # fmt: skip
                index += 1
        session.add_all(documents)
    catalog.close()


def main() -> None:
    dossiers = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        build(url, dossiers)
        catalog = open_catalog(url)
        try:
            for by in (None, "unit", "month"):
                began = time.perf_counter()
                report = indicator_report(catalog, by=by)  # type: ignore[arg-type]
                seconds = time.perf_counter() - began
                print(
                    f"{dossiers} dossiers, by={by}: {seconds:.2f} s; 4.1 {report.overall.e_result.rate:.3f} "
                    f"4.2 {report.overall.digitization.rate:.3f} 4.3 {report.overall.reuse.rate:.3f}, "
                    f"{len(report.below_target)} in the drill-down"
                )
        finally:
            catalog.close()


if __name__ == "__main__":
    main()
