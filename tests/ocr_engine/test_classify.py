"""ocr.classify: role (receipt, component, result) and type of a document from its title, layout and issuer."""

from __future__ import annotations

import pytest

from benchmarks.synth import KINDS
from ocr.classify import REVIEW_BELOW, Classification, classify_document
from tests.ocr_engine.test_extract import DECISION, page_from_rows, recognised

ISSUED_HEADER = [
    ("L", 0.04, "UBND HUYỆN CHÂU THÀNH"),
    ("R", 0.04, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    ("L", 0.055, "ỦY BAN NHÂN DÂN XÃ MỸ HIỆP"),
    ("R", 0.055, "Độc lập - Tự do - Hạnh phúc"),
]
SIGNED = [("R", 0.6, "TM. ỦY BAN NHÂN DÂN"), ("R", 0.615, "CHỦ TỊCH"), ("R", 0.7, "Nguyễn Thị Lan")]
FORM_HEADER = [("C", 0.04, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), ("C", 0.055, "Độc lập - Tự do - Hạnh phúc")]


def _issued(number: str, title: str, *body: str) -> list[tuple[str, float, str]]:
    rows = [*ISSUED_HEADER, ("L", 0.09, f"Số: {number}"), ("R", 0.09, "Mỹ Hiệp, ngày 05 tháng 3 năm 2024"),
            ("C", 0.13, title)]  # fmt: skip
    rows += [("B", 0.2 + 0.02 * i, line) for i, line in enumerate(body)]
    return rows + SIGNED


def _form(title: str, *body: str) -> list[tuple[str, float, str]]:
    rows = [*FORM_HEADER, ("C", 0.09, title), ("C", 0.11, "Kính gửi: Ủy ban nhân dân xã Mỹ Hiệp")]
    return rows + [("B", 0.15 + 0.02 * i, line) for i, line in enumerate(body)]


CASES = [
    ("decision", DECISION, "result", "quyet_dinh"),
    ("certificate", _issued("12/GCN-UBND", "GIẤY CHỨNG NHẬN", "Chứng nhận ông Trần Văn Hùng"), "result", "giay_chung_nhan"),
    ("extract", _issued("45/TLKS-BS", "TRÍCH LỤC KHAI SINH", "Họ, chữ đệm, tên: Trần Văn Hùng"), "result", "trich_luc"),
    ("licence", _issued("7/GP-UBND", "GIẤY PHÉP XÂY DỰNG", "Cấp cho: ông Trần Văn Hùng"), "result", "giay_phep"),
    ("application", _form("ĐƠN ĐĂNG KÝ, CẤP GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT", "Họ và tên: Trần Văn Hùng"),
     "component", "don"),
    ("declaration", _form("TỜ KHAI ĐĂNG KÝ KHAI SINH", "Họ, chữ đệm, tên người yêu cầu: Trần Văn Hùng"),
     "component", "to_khai"),
    ("request", _form("PHIẾU YÊU CẦU CHỨNG THỰC", "Họ và tên: Trần Văn Hùng"), "component", "phieu_yeu_cau"),
    ("id copy", [("C", 0.05, "CĂN CƯỚC CÔNG DÂN"), ("B", 0.1, "Số / No.: 087085001234"),
                 ("B", 0.12, "Họ và tên / Full name: TRẦN VĂN HÙNG")], "component", "ban_sao_giay_to_tuy_than"),
    ("receipt", _issued("0011/TNHS", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Mã hồ sơ: H21.65-220914-0011"),
     "receipt", "giay_tiep_nhan"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "rows", "role", "doc_type"), CASES, ids=[c[0] for c in CASES])
def test_role_and_type(name: str, rows: list, role: str, doc_type: str) -> None:
    result = classify_document([page_from_rows(rows)])
    assert (result.role, result.doc_type) == (role, doc_type), result.reasons
    assert result.confidence >= REVIEW_BELOW and result.reasons


def test_a_receipt_is_never_a_component_even_without_its_title() -> None:
    page = page_from_rows([("B", 0.3, "Bộ phận tiếp nhận và trả kết quả"), ("B", 0.32, "Mã hồ sơ: H21.65-220914-0011")])
    page.qr_payloads.append("H21.65-220914-0011|1.001193|087085001234")
    result = classify_document([page])
    assert result.role == "receipt" and result.doc_type == "giay_tiep_nhan"


def test_a_copy_of_an_earlier_result_is_a_component() -> None:
    rows = [("R", 0.02, "BẢN SAO"), *_issued("12/GCN-UBND", "GIẤY CHỨNG NHẬN", "Chứng nhận ông Trần Văn Hùng")]
    result = classify_document([page_from_rows(rows)])
    assert (result.role, result.doc_type) == ("component", "giay_chung_nhan")
    assert any("copy" in reason for reason in result.reasons)


def test_a_decision_about_certifying_copies_is_still_a_result() -> None:
    rows = _issued("3/QĐ-UBND", "QUYẾT ĐỊNH", "Về việc giao nhiệm vụ chứng thực bản sao từ bản chính")
    assert classify_document([page_from_rows(rows)]).role == "result"


def test_an_official_letter_goes_to_review() -> None:
    rows = [*ISSUED_HEADER, ("L", 0.09, "Số: 12/UBND-VP"), ("L", 0.11, "V/v trả lời đơn của ông Trần Văn Hùng"),
            ("C", 0.15, "Kính gửi: Ông Trần Văn Hùng"), *SIGNED]  # fmt: skip
    result = classify_document([page_from_rows(rows)])
    assert (result.role, result.doc_type) == ("component", "van_ban") and result.confidence < REVIEW_BELOW


def test_a_title_misread_by_ocr_is_still_found_but_less_sure() -> None:
    exact = classify_document([page_from_rows(_issued("3/QĐ-UBND", "QUYẾT ĐỊNH"))])
    misread = classify_document([page_from_rows(_issued("3/QĐ-UBND", "QUYẼT ĐINH"))])
    assert misread.doc_type == exact.doc_type == "quyet_dinh" and misread.confidence <= exact.confidence


def test_evidence_against_the_title_lowers_confidence() -> None:
    issued = classify_document([page_from_rows(_issued("3/QĐ-UBND", "QUYẾT ĐỊNH"))])
    # A "decision" on a citizen's form layout, without number or signer: likely a misread, a person looks.
    odd = classify_document([page_from_rows(_form("QUYẾT ĐỊNH"))])
    assert odd.doc_type == "quyet_dinh" and odd.confidence < REVIEW_BELOW < issued.confidence


def test_nothing_recognised_is_a_low_confidence_component() -> None:
    result = classify_document([page_from_rows([("B", 0.3, "Sơ đồ thửa đất số 128")])])
    assert result == Classification("component", "khac", 0.2, result.reasons) and result.confidence < REVIEW_BELOW
    assert classify_document([]).doc_type == "khac"


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_generated_pages_read_by_the_engine_are_classified(kind: str) -> None:
    result, truth = recognised(kind, 11, 1)
    found = classify_document([result])
    assert (found.role, found.doc_type) == (truth["role"], truth["doc_type"]) and found.confidence >= REVIEW_BELOW
