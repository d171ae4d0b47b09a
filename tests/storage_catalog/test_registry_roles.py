"""Document roles stated by the one-stop registry (`sohoa roles import`): they beat the classifier, lose to
staff, are remembered for documents stored later, and a bad row is reported while the good rows are imported."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from storage.catalog import Catalog, open_catalog
from storage.catalog.registry_roles import file_key, import_registry_roles, parse_role
from tests.storage_catalog.helpers import digitize, stored_document

ROLES = """Danh sách giấy tờ của hồ sơ
Mã hồ sơ,Tên tệp,Vai trò,Loại giấy tờ
H-1,TO KHAI.pdf,Thành phần hồ sơ,tờ khai
H-1,kq.pdf,kết quả,trích lục khai sinh
H-1,phieu.pdf,Giấy tiếp nhận,
H-2,later.pdf,component,
"""


def _write(tmp_path: Path, text: str = ROLES) -> Path:
    path = tmp_path / "roles.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_stated_role_beats_the_classifier_and_loses_to_staff(catalog: Catalog, tmp_path: Path) -> None:
    form = digitize(catalog, "to khai.pdf", "H-1")  # the name differs only in case
    result_doc = digitize(catalog, "kq.pdf", "H-1")
    receipt = digitize(catalog, "phieu.pdf", "H-1")
    catalog.set_document_role(form.id, "receipt", "phiếu", 0.7)  # the classifier's guess
    catalog.set_document_role(result_doc.id, "component", "đơn", 0.5)
    catalog.set_document_role(receipt.id, "result", "quyết định", 0.9, source="staff", actor="lan")
    imported = import_registry_roles(catalog, _write(tmp_path), actor="cli")
    assert (imported.inserted, imported.errors, imported.applied, imported.waiting) == (4, [], 2, 1)
    form_role = catalog.document_role(form.id)
    assert (form_role.role, form_role.doc_type, form_role.role_source) == ("component", "tờ khai", "registry")
    assert catalog.document_role(result_doc.id).role == "result"
    # Staff said "result": the registry's "receipt" does not replace it.
    staff = catalog.document_role(receipt.id)
    assert (staff.role, staff.role_source) == ("result", "staff")
    # A later automatic run does not undo the registry.
    catalog.set_document_role(form.id, "receipt", "phiếu", 0.99)
    assert catalog.document_role(form.id).role == "component"
    events = [e for e in catalog.events("document", form.id) if e.action == "document.role"]
    assert events[-1].actor == "cli" and events[-1].detail["source"] == "registry"


def test_re_importing_changes_nothing_and_a_changed_row_updates(catalog: Catalog, tmp_path: Path) -> None:
    form = digitize(catalog, "TO KHAI.pdf", "H-1")
    import_registry_roles(catalog, _write(tmp_path))
    events = len(catalog.events("document", form.id))
    again = import_registry_roles(catalog, _write(tmp_path))
    assert (again.inserted, again.updated, again.unchanged, again.applied) == (0, 0, 4, 0)
    assert len(catalog.events("document", form.id)) == events
    changed = import_registry_roles(catalog, _write(tmp_path, ROLES.replace("Thành phần hồ sơ,tờ khai", "KQ,")))
    assert (changed.updated, changed.applied) == (1, 1)
    role = catalog.document_role(form.id)
    assert (role.role, role.doc_type) == ("result", "tờ khai")  # no type stated: the known type stays


def test_a_document_stored_after_the_import_gets_the_stated_role(catalog: Catalog, tmp_path: Path) -> None:
    import_registry_roles(catalog, _write(tmp_path))
    document = stored_document(catalog, "later.pdf")
    assert catalog.apply_stated_role(document.id) is None  # not linked yet: no dossier, nothing stated
    catalog.link_document(document.id, "H-2", "manual")
    role = catalog.apply_stated_role(document.id)
    assert role is not None and (role.role, role.role_source) == ("component", "registry")
    other = digitize(catalog, "later.pdf", "H-3")  # same name, another dossier: nothing stated for it
    assert catalog.apply_stated_role(other.id) is None


def test_bad_rows_are_reported_and_the_good_rows_imported(catalog: Catalog, tmp_path: Path) -> None:
    text = (
        "dossier_code,file_name,role,doc_type\n"
        "H-1,a.pdf,component,\n"
        "H-1,b.pdf,phụ lục,\n"
        "H-1,,result,\n"
        "H-1,A.PDF,result,\n"
    )
    path = _write(tmp_path, text)
    result = import_registry_roles(catalog, path)
    assert result.error_lines() == [
        f"{path}: row 3: role 'phụ lục' is not thành phần / kết quả / giấy tiếp nhận (component, result, receipt)",
        f"{path}: row 4: file_name is empty",
        f"{path}: row 5: H-1 / A.PDF repeats row 2",
    ]
    assert result.inserted == 1


def test_a_file_without_the_role_column_is_refused(catalog: Catalog, tmp_path: Path) -> None:
    from storage.catalog.errors import RegistryFormatError

    with pytest.raises(RegistryFormatError, match="Vai trò"):
        import_registry_roles(catalog, _write(tmp_path, "Mã hồ sơ,Tên tệp\nH-1,a.pdf\n"))


def test_role_names_and_file_keys() -> None:
    assert parse_role("Kết quả giải quyết") == "result" and parse_role("TPHS") == "component"
    assert parse_role("Giấy tiếp nhận hồ sơ và hẹn trả kết quả") == "receipt"
    assert file_key("C:\\scan\\Tờ  Khai.PDF") == file_key("tờ khai.pdf")


def test_cli_roles_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sohoa.cli import app

    url = f"sqlite:///{tmp_path / 'c.db'}"
    monkeypatch.setenv("SOHOA_HOME", str(tmp_path))
    monkeypatch.setenv("SOHOA_DATABASE_URL", url)
    with open_catalog(url) as catalog:
        form = digitize(catalog, "to khai.pdf", "H-1")
    path = _write(tmp_path, ROLES + "H-2,x.pdf,phụ lục,\n")
    runner = CliRunner()
    result = runner.invoke(app, ["roles", "import", str(path)])
    assert result.exit_code == 1
    assert f"{path}: row 7: role 'phụ lục'" in result.output
    assert "4 mới / new" in result.output and "1 tài liệu" in result.output
    with open_catalog(url) as catalog:
        assert catalog.document_role(form.id).role == "component"
    missing = runner.invoke(app, ["roles", "import", str(tmp_path / "none.csv")])
    assert missing.exit_code != 0 and "none.csv" in missing.output
