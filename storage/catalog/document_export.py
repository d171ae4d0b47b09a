"""Documents with their role, type, digitization code, reuse and extracted fields, for the export
(`sohoa export documents`, `/dashboard/documents.{xlsx,csv}`; issue 10: extracted data and codes "exported").

One row per document linked to a dossier, in document id order, read in chunks: one query for a chunk of
documents (with dossier, unit, file and the earlier document's code) and one for their fields, never a
query per document, so 100 000 documents stream in constant memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import aliased

from ocr.text import nfc
from storage.catalog.core import CatalogCore
from storage.catalog.indicators import period_bounds
from storage.catalog.schema import DocumentFieldRow, DocumentRow, DossierRow, SourceFileRow, UnitRow
from storage.catalog.units import absorbed_by

# The extracted fields the export lists, in this order (names as ocr/extract.py gives them).
EXPORT_FIELDS = (
    "number_symbol",
    "issued_on",
    "agency",
    "signer",
    "signer_title",
    "subject",
    "owner_name",
    "owner_id",
    "valid_until",
)
CHUNK = 1000


@dataclass(frozen=True)
class DocumentExportRow:
    dossier_code: str
    unit: str | None
    procedure_code: str | None
    procedure: str | None
    document_id: int
    file_name: str
    first_page: int
    last_page: int
    state: str
    role: str | None
    role_source: str | None
    doc_type: str | None
    type_confidence: float | None
    digitization_code: str | None
    reuse_origin: str | None
    reused_from_document_id: int | None
    reused_from_code: str | None  # the earlier document's digitization code
    fields: dict[str, tuple[str, str]]  # name -> (value, source)


def _unit_scope(catalog: CatalogCore, units: Iterable[str]) -> list[str]:
    with catalog.transaction() as session:
        rows = session.execute(select(UnitRow.id, UnitRow.code, UnitRow.successor_id)).all()
    code_of = {row.id: row.code for row in rows}
    successors = {row.code: code_of.get(row.successor_id) if row.successor_id else None for row in rows}
    return sorted(absorbed_by(successors, [nfc(unit).strip() for unit in units]))


def iter_document_rows(
    catalog: CatalogCore,
    units: Iterable[str] | None = None,
    period: str | None = None,
    chunk: int = CHUNK,
) -> Iterator[DocumentExportRow]:
    """Every document linked to a dossier of `units` (with the units merged into them; None: all units) whose
    dossier was received in `period` (YYYY, YYYY-Qn, YYYY-MM; ValueError when malformed)."""
    bounds = period_bounds(period) if period else None
    scope = _unit_scope(catalog, units) if units is not None else None
    earlier = aliased(DocumentRow)
    # Plain columns, not ORM objects: building 100 000 mapped instances costs more than the query.
    query = (
        select(
            DocumentRow.id,
            DocumentRow.first_page,
            DocumentRow.last_page,
            DocumentRow.state,
            DocumentRow.role,
            DocumentRow.role_source,
            DocumentRow.doc_type,
            DocumentRow.type_confidence,
            DocumentRow.digitization_code,
            DocumentRow.reuse_origin,
            DocumentRow.reused_from_document_id,
            DossierRow.dossier_code,
            UnitRow.code,
            DossierRow.procedure_code,
            DossierRow.procedure,
            SourceFileRow.original_name,
            earlier.digitization_code,
        )
        .join(DossierRow, DocumentRow.dossier_id == DossierRow.id)
        .join(SourceFileRow, SourceFileRow.id == DocumentRow.source_file_id)
        .outerjoin(UnitRow, DossierRow.unit_id == UnitRow.id)
        .outerjoin(earlier, earlier.id == DocumentRow.reused_from_document_id)
        .order_by(DocumentRow.id)
        .limit(chunk)
    )
    if scope is not None:
        query = query.where(UnitRow.code.in_(scope))
    if bounds is not None:
        query = query.where(DossierRow.received_at >= bounds[0], DossierRow.received_at < bounds[1])
    last_id = 0
    while True:
        with catalog.transaction() as session:
            rows = session.execute(query.where(DocumentRow.id > last_id)).all()
            if not rows:
                return
            ids = [row[0] for row in rows]
            fields: dict[int, dict[str, tuple[str, str]]] = {}
            for document_id, name, value, source in session.execute(
                select(
                    DocumentFieldRow.document_id,
                    DocumentFieldRow.name,
                    DocumentFieldRow.value,
                    DocumentFieldRow.source,
                ).where(DocumentFieldRow.document_id.in_(ids), DocumentFieldRow.name.in_(EXPORT_FIELDS))
            ):
                fields.setdefault(document_id, {})[name] = (value, source)
            batch = [
                DocumentExportRow(
                    dossier_code=row[11],
                    unit=row[12],
                    procedure_code=row[13],
                    procedure=row[14],
                    document_id=row[0],
                    file_name=row[15],
                    first_page=row[1],
                    last_page=row[2],
                    state=row[3],
                    role=row[4],
                    role_source=row[5],
                    doc_type=row[6],
                    type_confidence=row[7],
                    digitization_code=row[8],
                    reuse_origin=row[9],
                    reused_from_document_id=row[10],
                    reused_from_code=row[16],
                    fields=fields.get(row[0], {}),
                )
                for row in rows
            ]
        yield from batch
        last_id = ids[-1]
        if len(rows) < chunk:
            return
