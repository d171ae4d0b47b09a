"""The step after recognition (flows/document_roles.py): content hash and reuse of an already digitized paper,
stable on re-run; the roles stored by the classifier are kept apart from staff corrections."""

from __future__ import annotations

from pathlib import Path

from flows.document_roles import content_hash, describe_document, describe_recognized
from ocr.model import PageResult
from storage.catalog import open_catalog
from tests.storage_catalog.helpers import digitize

BIRTH_EXTRACT = (
    "UBND XÃ MỸ HIỆP CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc Số: 12/TLKS "
    "TRÍCH LỤC KHAI SINH Họ, chữ đệm, tên: Nguyễn Văn An Ngày sinh: 01/02/2020 Số định danh cá nhân: 087123456789"
)


def page(text: str, index: int = 0) -> PageResult:
    return PageResult(index=index, dpi=300, rotation=0, skew=0.0, blank=False, mean_confidence=90.0, text=text,
                      words=[], flags=[], width=2480, height=3508)  # fmt: skip


def test_the_hash_ignores_case_accents_and_spacing_but_not_content() -> None:
    same = content_hash([page(BIRTH_EXTRACT.upper().replace(" ", "  "))])
    assert same == content_hash([page(BIRTH_EXTRACT)]) is not None
    assert content_hash([page(BIRTH_EXTRACT.replace("087123456789", "087123456780"))]) != same
    assert content_hash([page("Trang trắng")]) is None  # too little text to call two papers the same


def test_a_component_scanned_again_for_a_new_dossier_is_recorded_as_reused(tmp_path: Path) -> None:
    with open_catalog(f"sqlite:///{tmp_path / 'c.db'}") as catalog:
        earlier = digitize(catalog, "kq.pdf", "H21.65-250701-0001")
        catalog.set_document_role(earlier.id, "result", "trích lục", 0.9, source="registry")
        describe_document(catalog, earlier.id, [page(BIRTH_EXTRACT)], "H21.65-250701-0001")
        later = digitize(catalog, "tp.pdf", "H21.65-250805-0002")
        catalog.set_document_role(later.id, "component", "trích lục", 0.9, source="staff")
        first = describe_recognized(catalog, later.id, [page(BIRTH_EXTRACT.lower())])
        assert first is not None and first.reused_from_document_id == earlier.id
        assert first.reuse_origin == "catalogue" and first.role_source == "staff"
        again = describe_recognized(catalog, later.id, [page(BIRTH_EXTRACT)])
        assert again is not None and again.reused_from_document_id == earlier.id
        assert [e.action for e in catalog.events("document", later.id)].count("document.reused") == 1
        # The earlier paper itself is not "reused" from the later one.
        assert catalog.document_role(earlier.id).reused_from_document_id is None


EXTRACT_LINES = (
    "UBND XÃ MỸ HIỆP\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nSố: 12/TLKS\n"
    "TRÍCH LỤC KHAI SINH\nHọ, chữ đệm, tên: Nguyễn Văn An\nNgày sinh: 01/02/2020\nSố định danh cá nhân: 087123456789\n"
)
FORM_LINES = (
    "TỜ KHAI ĐĂNG KÝ KHAI SINH\nKính gửi: UBND xã Mỹ Hiệp\nHọ, chữ đệm, tên người yêu cầu: Nguyễn Văn An\n"
    "Số định danh cá nhân: 087123456789\n"
)


def test_classified_extracted_and_coded_once(tmp_path: Path) -> None:
    from storage.catalog.registry import import_registry

    registry = tmp_path / "r.csv"
    registry.write_text(
        "dossier_code,unit,procedure_code,procedure,received_at\n"
        "H21.65-250701-0001,X.MH,1.001193,Đăng ký khai sinh,01/07/2025\n",
        encoding="utf-8",
    )
    with open_catalog(f"sqlite:///{tmp_path / 'c.db'}") as catalog:
        import_registry(catalog, registry)
        result = digitize(catalog, "kq.pdf", "H21.65-250701-0001")
        described = describe_recognized(catalog, result.id, [page(EXTRACT_LINES)])
        assert described is not None
        assert (described.role, described.doc_type, described.role_source) == ("result", "trich_luc", "auto")
        assert described.digitization_code == "H21.65-250701-0001-KQ1"  # NĐ 45/2020 Điều 14 k3
        fields = {f.name: f.value for f in described.fields}
        assert fields["owner_id"] == "087123456789" and fields["number_symbol"] == "12/TLKS"
        unsure = [i for i in catalog.review_items(kind="classification") if i.document_id == result.id]
        assert len(unsure) == 1  # the classifier was not sure (confidence below 0.6): a person confirms
        form = digitize(catalog, "tk.pdf", "H21.65-250701-0001")
        coded = describe_recognized(catalog, form.id, [page(FORM_LINES)])
        assert coded is not None and coded.role == "component"
        assert coded.digitization_code == "087123456789.1.001193.to_khai.01"
        # Re-running, and re-linking to another dossier, changes no code and opens no second review item.
        describe_recognized(catalog, result.id, [page(EXTRACT_LINES)])
        catalog.link_document(result.id, "H21.65-250702-0009", "manual")
        again = describe_recognized(catalog, result.id, [page(EXTRACT_LINES)])
        assert again is not None and again.digitization_code == "H21.65-250701-0001-KQ1"
        assert (
            len([i for i in catalog.review_items(kind="classification") if i.document_id == result.id]) == 1
        )


def test_a_role_stated_by_the_registry_before_the_scan_is_kept_by_classification(tmp_path: Path) -> None:
    """`sohoa roles import` said form.pdf of the dossier is a result; the classifier reads a declaration form
    (component). The document ingested afterwards is a result (source registry), typed by the classifier since
    the registry gave no type, coded as a result, and no review item asks about it."""
    from storage.catalog.registry_roles import import_registry_roles

    code = "H21.65-250701-0001"
    (tmp_path / "roles.csv").write_text(f"Mã hồ sơ,Tên tệp,Vai trò\n{code},form.pdf,Kết quả\n", encoding="utf-8")
    with open_catalog(f"sqlite:///{tmp_path / 'c.db'}") as catalog:
        assert import_registry_roles(catalog, tmp_path / "roles.csv").waiting == 1
        document = digitize(catalog, "form.pdf", code)
        role = describe_document(catalog, document.id, [page(FORM_LINES)], code)
        assert (role.role, role.role_source) == ("result", "registry")
        assert role.doc_type is not None and role.digitization_code == f"{code}-KQ1"
        assert catalog.review_items(kind="classification") == []
