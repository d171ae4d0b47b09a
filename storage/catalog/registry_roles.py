"""Document roles stated by the one-stop system (`sohoa roles import FILE`, issue 10).

The file (CSV or XLSX, English or Vietnamese headers, a title above the header allowed) has one row per paper:
dossier code, original file name, role and optionally the document type. Each row is remembered in
`registry_roles`, and sets role_source='registry' on the stored documents of that dossier whose original file
has that name (compared case-folded, without folders). A document ingested or linked LATER gets the stated role
through `apply_stated_role`, which ingest (flows/document_roles.py) and the review queue's manual link call.
Precedence (storage/catalog/roles.py): the classifier < the registry < staff; a role a person set is kept.

Bad rows are reported by row number and reason and the good rows imported; re-importing the same file
changes nothing (no new audit event).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from ocr.text import nfc
from storage.catalog.errors import RegistryFormatError
from storage.catalog.registry import HEADER_ALIASES as REGISTRY_ALIASES
from storage.catalog.registry import RowError, _cell_text, _rows, find_header, fold_header
from storage.catalog.roles import DocumentRole, RolesMixin
from storage.catalog.schema import DocumentRow, DossierRow, RegistryRoleRow, SourceFileRow

COLUMNS = ("dossier_code", "file_name", "role", "doc_type")
REQUIRED = ("dossier_code", "file_name", "role")
# Headers after folding (registry.fold_header), for each column.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "dossier_code": REGISTRY_ALIASES["dossier_code"],
    "file_name": ("file name", "file", "ten tep", "ten tep tin", "tep", "tep tin", "ten file"),
    "role": ("role", "vai tro", "vai tro tai lieu"),
    "doc_type": ("doc type", "document type", "type", "loai giay to", "loai tai lieu", "loai"),
}
_HEADER_TO_COLUMN = {alias: column for column, aliases in HEADER_ALIASES.items() for alias in aliases}
# What the one-stop system and staff write for a role (folded), English or Vietnamese.
ROLE_NAMES: dict[str, str] = {
    "component": "component",
    "thanh phan": "component",
    "thanh phan ho so": "component",
    "tphs": "component",
    "result": "result",
    "ket qua": "result",
    "ket qua giai quyet": "result",
    "kq": "result",
    "receipt": "receipt",
    "giay tiep nhan": "receipt",
    "phieu tiep nhan": "receipt",
    "giay tiep nhan ho so": "receipt",
    "giay tiep nhan ho so va hen tra ket qua": "receipt",
    "bien nhan": "receipt",
    "giay bien nhan": "receipt",
}
MAX_DOC_TYPE = 64


@dataclass(frozen=True)
class StatedRole:
    row: int
    dossier_code: str
    file_name: str
    role: str
    doc_type: str | None

    @property
    def file_key(self) -> str:
        return file_key(self.file_name)


@dataclass
class RolesImport:
    path: Path
    inserted: int = 0  # rows remembered for the first time
    updated: int = 0  # rows that changed a remembered role or type
    unchanged: int = 0
    applied: int = 0  # stored documents whose role or type this import changed
    waiting: int = 0  # rows with no stored document of that name yet (applied when it is ingested)
    errors: list[RowError] = field(default_factory=list)

    def error_lines(self) -> list[str]:
        return [f"{self.path}: row {error.row}: {error.reason}" for error in self.errors]


def file_key(name: str) -> str:
    """How a registry file name is matched to a stored original: no folders, NFC, case-folded, single spaces."""
    base = nfc(name).replace("\\", "/").rsplit("/", 1)[-1]
    return " ".join(base.split()).casefold()[:512]


def parse_role(value: str | None) -> str:
    """'Thành phần hồ sơ' / 'component', 'Kết quả' / 'result', 'Giấy tiếp nhận' / 'receipt'."""
    role = ROLE_NAMES.get(fold_header(value or ""))
    if role is None:
        raise ValueError(
            f"role {value!r} is not thành phần / kết quả / giấy tiếp nhận (component, result, receipt)"
        )
    return role


def _column_of(header: object) -> str | None:
    if header is None:
        return None
    folded = fold_header(str(header))
    if folded in _HEADER_TO_COLUMN:
        return _HEADER_TO_COLUMN[folded]
    return folded.replace(" ", "_") if folded.replace(" ", "_") in COLUMNS else None


def read_registry_roles(path: Path | str) -> tuple[list[StatedRole], list[RowError]]:
    """Parse a roles file; raises RegistryFormatError only when the file as a whole cannot be read."""
    path = Path(path)
    if not path.is_file():
        raise RegistryFormatError(path, "no such file")
    rows = _rows(path)
    header = find_header(
        path, rows, _column_of, "role", REQUIRED, "'role' or 'Vai trò' (with dossier_code and file_name)"
    )
    records: list[StatedRole] = []
    errors: list[RowError] = []
    first_row_of: dict[tuple[str, str], int] = {}
    for number, row in rows:
        cells = {column: _cell_text(row[i] if i < len(row) else None) for i, column in header.items()}
        if all(value is None for value in cells.values()):
            continue
        missing = [column for column in REQUIRED if cells.get(column) is None]
        if missing:
            errors.append(RowError(number, f"{', '.join(missing)} is empty"))
            continue
        try:
            role = parse_role(cells["role"])
        except ValueError as error:
            errors.append(RowError(number, str(error)))
            continue
        doc_type = cells.get("doc_type")
        if doc_type is not None and len(doc_type) > MAX_DOC_TYPE:
            errors.append(RowError(number, f"doc_type longer than {MAX_DOC_TYPE} characters"))
            continue
        record = StatedRole(number, str(cells["dossier_code"]), str(cells["file_name"]), role, doc_type)
        key = (record.dossier_code, record.file_key)
        if key in first_row_of:
            errors.append(
                RowError(number, f"{record.dossier_code} / {record.file_name} repeats row {first_row_of[key]}")
            )
            continue
        first_row_of[key] = number
        records.append(record)
    return records, errors


class RegistryRolesMixin(RolesMixin):
    def remember_stated_roles(self, records: Iterable[StatedRole]) -> tuple[int, int, int]:
        """Insert or update `registry_roles`; returns (inserted, updated, unchanged)."""
        inserted = updated = unchanged = 0
        with self.transaction() as session:
            for record in records:
                row = session.scalars(
                    select(RegistryRoleRow).where(
                        RegistryRoleRow.dossier_code == record.dossier_code,
                        RegistryRoleRow.file_key == record.file_key,
                    )
                ).one_or_none()
                if row is None:
                    session.add(
                        RegistryRoleRow(
                            dossier_code=record.dossier_code,
                            file_key=record.file_key,
                            file_name=record.file_name,
                            role=record.role,
                            doc_type=record.doc_type,
                        )
                    )
                    inserted += 1
                elif (row.role, row.doc_type, row.file_name) != (record.role, record.doc_type, record.file_name):
                    row.role, row.doc_type, row.file_name = record.role, record.doc_type, record.file_name
                    updated += 1
                else:
                    unchanged += 1
        return inserted, updated, unchanged

    def stated_role_documents(self, dossier_codes: Iterable[str]) -> dict[tuple[str, str], list[int]]:
        """(dossier code, file key) -> the stored documents of those dossiers with that original file name."""
        codes = sorted(set(dossier_codes))
        found: dict[tuple[str, str], list[int]] = {}
        with self.transaction() as session:
            for start in range(0, len(codes), 500):
                query = (
                    select(DossierRow.dossier_code, SourceFileRow.original_name, DocumentRow.id)
                    .join(DocumentRow, DocumentRow.dossier_id == DossierRow.id)
                    .join(SourceFileRow, SourceFileRow.id == DocumentRow.source_file_id)
                    .where(DossierRow.dossier_code.in_(codes[start : start + 500]))
                    .order_by(DocumentRow.id)
                )
                for code, name, document_id in session.execute(query):
                    found.setdefault((code, file_key(name)), []).append(document_id)
        return found

    def apply_stated_role(self, document_id: int, *, actor: str = "registry") -> DocumentRole | None:
        """Give a document the role the registry stated for its dossier and file name (None: nothing stated).
        A type the registry leaves empty keeps the type already known; a role set by staff is kept."""
        with self.transaction() as session:
            found = session.execute(
                select(DossierRow.dossier_code, SourceFileRow.original_name)
                .select_from(DocumentRow)
                .join(DossierRow, DocumentRow.dossier_id == DossierRow.id)
                .join(SourceFileRow, SourceFileRow.id == DocumentRow.source_file_id)
                .where(DocumentRow.id == document_id)
            ).one_or_none()
            if found is None:
                return None
            stated = session.scalars(
                select(RegistryRoleRow).where(
                    RegistryRoleRow.dossier_code == found[0], RegistryRoleRow.file_key == file_key(found[1])
                )
            ).one_or_none()
            if stated is None:
                return None
            role, doc_type = stated.role, stated.doc_type
        current = self.document_role(document_id)
        confidence = current.type_confidence if doc_type is None else None
        return self.set_document_role(
            document_id,
            role,
            doc_type if doc_type is not None else current.doc_type,
            confidence,
            source="registry",
            actor=actor,
        )


def import_registry_roles(catalog: RegistryRolesMixin, path: Path | str, actor: str = "registry") -> RolesImport:
    """Remember every good row and apply it to the matching stored documents (see the module docstring)."""
    records, errors = read_registry_roles(path)
    result = RolesImport(Path(path), errors=errors)
    result.inserted, result.updated, result.unchanged = catalog.remember_stated_roles(records)
    documents = catalog.stated_role_documents(record.dossier_code for record in records)
    for record in records:
        matches = documents.get((record.dossier_code, record.file_key), [])
        if not matches:
            result.waiting += 1
        for document_id in matches:
            before = catalog.document_role(document_id)
            after = catalog.apply_stated_role(document_id, actor=actor)
            if after is not None and (after.role, after.doc_type) != (before.role, before.doc_type):
                result.applied += 1
                if after.role == "component":
                    catalog.detect_reuse(document_id, actor=actor)
    catalog.record_event(
        actor,
        "registry.roles_imported",
        "registry",
        str(result.path),
        {
            "inserted": result.inserted,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "applied": result.applied,
            "waiting": result.waiting,
            "bad_rows": len(result.errors),
        },
    )
    return result

