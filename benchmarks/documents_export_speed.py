"""How long the documents export takes (`sohoa export documents`) on a catalogue of N registry dossiers.

    .venv/bin/python -m benchmarks.documents_export_speed [N]   # default 20000 dossiers, ~1.5 documents each

The catalogue is the one of benchmarks/indicators_speed (bulk-inserted), plus three extracted fields per
document; the CSV is written to a temporary file (streamed), the XLSX built in memory.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from benchmarks.indicators_speed import build
from storage.catalog import open_catalog
from storage.catalog.document_export import iter_document_rows
from storage.catalog.schema import DocumentFieldRow, DocumentRow
from web.document_exports import documents_csv, documents_xlsx


def add_fields(url: str) -> int:
    catalog = open_catalog(url)
    with catalog.transaction() as session:
        ids = list(session.scalars(select(DocumentRow.id)))
        session.add_all(
            DocumentFieldRow(document_id=i, name=name, value=f"{name}-{i}", source="auto")
            for i in ids
            for name in ("owner_id", "number_symbol", "subject")
        )
    catalog.close()
    return len(ids)


def main() -> None:
    dossiers = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        build(url, dossiers)
        documents = add_fields(url)
        catalog = open_catalog(url)
        try:
            began = time.perf_counter()
            with (Path(folder) / "out.csv").open("wb") as handle:
                for piece in documents_csv(iter_document_rows(catalog)):
                    handle.write(piece)
            csv_seconds = time.perf_counter() - began
            began = time.perf_counter()
            size = len(documents_xlsx(iter_document_rows(catalog)))
            xlsx_seconds = time.perf_counter() - began
            print(
                f"{dossiers} dossiers, {documents} documents: CSV {csv_seconds:.2f} s "
                f"({(Path(folder) / 'out.csv').stat().st_size // 1024} KiB), XLSX {xlsx_seconds:.2f} s ({size // 1024} KiB)"
            )
        finally:
            catalog.close()


if __name__ == "__main__":
    main()
