"""The rows of the documents export (storage/catalog/document_export.py): every linked document once, in id
order across chunks, with its fields and the earlier document's code, scoped by unit (merged units included)
and period."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.catalog import Catalog
from storage.catalog.document_export import iter_document_rows
from storage.catalog.registry import import_registry
from storage.catalog.roles import FieldValue
from storage.catalog.units import import_units
from tests.storage_catalog.helpers import digitize, stored_document


@pytest.fixture
def filled(catalog: Catalog, tmp_path: Path) -> dict[str, int]:
    (tmp_path / "u.csv").write_text("code,name,tier,successor,merged_on\nOLD,Cũ,xã,NEW,01/07/2025\nNEW,Mới,xã,,\n"
                                    "OTHER,Khác,xã,,\n", encoding="utf-8")  # fmt: skip
    (tmp_path / "r.csv").write_text(
        "dossier_code,unit,procedure_code,received_at\nA,OLD,1.1,01/06/2025\nB,NEW,1.1,02/07/2025\n"
        "C,OTHER,2.2,03/07/2025\n",
        encoding="utf-8",
    )
    import_units(catalog, tmp_path / "u.csv")
    import_registry(catalog, tmp_path / "r.csv")
    ids = {name: digitize(catalog, f"{name}.pdf", name[0]).id for name in ("A1", "A2", "B1", "C1")}
    stored_document(catalog, "unlinked.pdf")
    catalog.set_document_role(ids["A1"], "result", "trich_luc", 0.9)
    catalog.assign_digitization_code(ids["A1"], "A-KQ1")
    catalog.set_document_fields(
        ids["A1"], [FieldValue("owner_id", "0871", 0.9), FieldValue("signer", "Lê Văn B", source="staff")]
    )
    catalog.set_document_role(ids["B1"], "component", None, None)
    catalog.mark_reused(ids["B1"], "catalogue", ids["A1"])
    return ids


def test_every_linked_document_once_in_id_order_across_chunks(catalog: Catalog, filled: dict[str, int]) -> None:
    rows = list(iter_document_rows(catalog, chunk=2))
    assert [row.document_id for row in rows] == sorted(filled.values())  # the unlinked one is not listed
    first = rows[0]
    assert (first.dossier_code, first.unit, first.procedure_code, first.file_name) == ("A", "OLD", "1.1", "A1.pdf")
    assert (first.role, first.doc_type, first.digitization_code) == ("result", "trich_luc", "A-KQ1")
    assert first.fields == {"owner_id": ("0871", "auto"), "signer": ("Lê Văn B", "staff")}
    reused = next(row for row in rows if row.document_id == filled["B1"])
    assert (reused.reuse_origin, reused.reused_from_code) == ("catalogue", "A-KQ1")


def test_scope_and_period(catalog: Catalog, filled: dict[str, int]) -> None:
    assert {row.dossier_code for row in iter_document_rows(catalog, ["NEW"], chunk=1)} == {"A", "B"}  # OLD merged
    assert {row.dossier_code for row in iter_document_rows(catalog, ["OLD"])} == {"A"}
    assert {row.dossier_code for row in iter_document_rows(catalog, period="2025-07")} == {"B", "C"}
    assert list(iter_document_rows(catalog, ["OTHER"], period="2025-06")) == []
    with pytest.raises(ValueError, match="YYYY"):
        list(iter_document_rows(catalog, period="July"))
