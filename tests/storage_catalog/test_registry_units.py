"""Registry rows change only dossiers of the importer's units; every changed field is audited; the index follows.

Issue 9 item 1: archive staff of one unit imported a registry that moved another unit's dossier to their own unit,
rewrote its applicant and status, and the audit trail only said "registry" with counts.
"""

from __future__ import annotations

from pathlib import Path

from storage.catalog import Catalog, PageInput
from storage.catalog.registry import import_registry

HEADER = "dossier_code,unit,field,procedure_code,procedure,applicant,received_at,status\n"
CODE_A = "H21.65-220914-0011"
CODE_B = "000.00.14.H12-220920-0003"
UNIT_A = "UBND xã Lộc An"
UNIT_B = "UBND xã Duy Trung"


def write(tmp_path: Path, name: str, *rows: str) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def seed(catalog: Catalog, tmp_path: Path) -> None:
    import_registry(
        catalog,
        write(
            tmp_path,
            "seed.csv",
            f"{CODE_A},{UNIT_A},Hộ tịch,1.001193,Khai sinh,Nguyễn Văn Hùng,14/09/2022,Đang xử lý",
            f"{CODE_B},{UNIT_B},Đất đai,1.004227,Biến động,Trần Thị Bích Ngọc,20/09/2022,Đang xử lý",
        ),
        actor="admin",
    )


def scanned_page(catalog: Catalog, dossier_code: str, unit: str) -> int:
    """A recognised, indexed one-page document of the dossier; returns its page id."""
    source = catalog.record_source_file(
        "ab" * 32, object_key="originals/x.pdf", original_name="x.pdf", size=1, format="pdf"
    )
    document = catalog.record_document(source.id, 1, 1)
    page = catalog.record_pages(document.id, [PageInput(1, 0, "Tờ khai", 90.0, {}, False, "w", "i")])[0]
    catalog.mark_document_recognized(document.id, pdf_key="p", verified_keys=["originals/x.pdf", "p", "w", "i"])
    catalog.link_document(document.id, dossier_code, "filename", ordinal=1, unit=unit)
    catalog.mark_pages_indexed([page.id])
    return page.id


def test_rows_of_another_unit_are_refused_with_row_number_and_reason(catalog: Catalog, tmp_path: Path) -> None:
    seed(catalog, tmp_path)
    registry = write(
        tmp_path,
        "attack.csv",
        # row 2: take over unit B's dossier; row 3: create a dossier in unit B; row 4: my own dossier
        f"{CODE_B},{UNIT_A},Đất đai,1.004227,Biến động,Kẻ Mạo Danh,20/09/2022,Đã hủy",
        f"H12.99-230101-0001,{UNIT_B},Đất đai,1.004227,Biến động,Ai Đó,01/01/2023,Mới",
        f"{CODE_A},{UNIT_A},Hộ tịch,1.001193,Khai sinh,Nguyễn Văn Hùng,14/09/2022,Đã trả kết quả",
    )
    result = import_registry(catalog, registry, actor="luu_tru_a", units=[UNIT_A])

    assert (result.inserted, result.updated, result.refused) == (0, 1, 2)
    by_row = {error.row: error.reason for error in result.errors}
    assert sorted(by_row) == [2, 3]
    assert by_row[2].startswith("hồ sơ thuộc đơn vị khác") and "another unit" in by_row[2]
    assert by_row[3].startswith("đơn vị") and UNIT_B in by_row[3] and "not one of yours" in by_row[3]
    assert any(line.endswith(f"row 2: {by_row[2]}") for line in result.error_lines())

    dossier_b = catalog.get_dossier(CODE_B)
    assert (dossier_b.unit, dossier_b.applicant, dossier_b.status) == (UNIT_B, "Trần Thị Bích Ngọc", "Đang xử lý")
    assert catalog.get_dossier("H12.99-230101-0001") is None
    assert catalog.get_dossier(CODE_A).status == "Đã trả kết quả"


def test_a_dossier_with_no_unit_cannot_be_claimed_by_a_unit_user(catalog: Catalog, tmp_path: Path) -> None:
    scanned_page(catalog, "H21.65-220101-0099", unit=None)  # first seen on a scan, no unit
    registry = write(tmp_path, "claim.csv", f"H21.65-220101-0099,{UNIT_A},,,,Ai Đó,01/01/2022,Mới")
    result = import_registry(catalog, registry, actor="luu_tru_a", units=[UNIT_A])
    assert result.refused == 1 and "no unit" in result.errors[0].reason
    assert catalog.get_dossier("H21.65-220101-0099").unit is None
    # An admin (units=None) may place it.
    assert import_registry(catalog, registry, actor="admin").updated == 1
    assert catalog.get_dossier("H21.65-220101-0099").unit == UNIT_A


def test_every_changed_field_is_audited_with_user_old_and_new_value(catalog: Catalog, tmp_path: Path) -> None:
    seed(catalog, tmp_path)
    registry = write(
        tmp_path,
        "update.csv",
        f"{CODE_A},{UNIT_A},Hộ tịch,1.001193,Khai sinh,Nguyễn Văn Hưng,14/09/2022,Đã trả kết quả",
        f"H21.65-230301-0005,{UNIT_A},Chứng thực,2.000815,Chứng thực bản sao,Lê Văn Tám,01/03/2023,Mới",
    )
    import_registry(catalog, registry, actor="luu_tru_a", units=[UNIT_A])

    changed = [e for e in catalog.events("dossier", CODE_A) if e.action == "dossier.registry_updated"]
    assert len(changed) == 1
    event = changed[0]
    assert event.actor == "luu_tru_a"
    assert event.detail["registry"] == "update.csv" and event.detail["row"] == 2
    assert event.detail["changes"] == {
        "applicant": {"old": "Nguyễn Văn Hùng", "new": "Nguyễn Văn Hưng"},
        "status": {"old": "Đang xử lý", "new": "Đã trả kết quả"},
    }
    created = [e for e in catalog.events("dossier", "H21.65-230301-0005") if e.action == "dossier.registry_created"]
    assert len(created) == 1 and created[0].actor == "luu_tru_a"
    assert created[0].detail["changes"]["unit"] == {"old": None, "new": UNIT_A}
    assert created[0].detail["changes"]["received_at"] == {"old": None, "new": "2023-03-01T00:00:00"}
    # Importing the same file again changes nothing and audits nothing new.
    before = len(catalog.events("dossier"))
    assert import_registry(catalog, registry, actor="luu_tru_a", units=[UNIT_A]).unchanged == 2
    assert len(catalog.events("dossier")) == before
    summary = [e for e in catalog.events("registry") if e.actor == "luu_tru_a"][-1]
    assert summary.detail["refused"] == 0 and summary.detail["unchanged"] == 2


def test_a_changed_dossier_sends_its_pages_back_to_the_index(catalog: Catalog, tmp_path: Path) -> None:
    seed(catalog, tmp_path)
    page_a = scanned_page(catalog, CODE_A, UNIT_A)
    assert not any(row.page.id == page_a for row in catalog.pages_pending_index())
    unchanged = write(tmp_path, "same.csv", f"{CODE_A},{UNIT_A},Hộ tịch,1.001193,Khai sinh,Nguyễn Văn Hùng,14/09/2022,Đang xử lý")
    import_registry(catalog, unchanged, actor="admin")
    assert not any(row.page.id == page_a for row in catalog.pages_pending_index())

    moved = write(tmp_path, "move.csv", f"{CODE_A},{UNIT_B},Hộ tịch,1.001193,Khai sinh,Nguyễn Văn Hùng,14/09/2022,Đã trả")
    import_registry(catalog, moved, actor="admin")
    pending = [row for row in catalog.pages_pending_index() if row.page.id == page_a]
    assert len(pending) == 1
    assert (pending[0].dossier.unit, pending[0].dossier.status) == (UNIT_B, "Đã trả")
