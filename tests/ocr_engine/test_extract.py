"""ocr.extract: metadata fields (number, date, agency, signer, subject, owner, ID, validity) from page words."""

from __future__ import annotations

import datetime as dt
import functools

import pytest

from benchmarks.synth import KINDS, generate_page
from ocr.extract import ExtractedField, cccd_birth_year, extract_metadata
from ocr.model import PageImage, PageResult, Word

WIDTH, HEIGHT = 2480, 3508  # A4 at 300 dpi
CHAR, GAP, LINE = 22, 18, 40  # px per character, between words, line height
# Where a line stands: the left and right header columns, centred, or the body from the left margin.
CENTRES = {"L": 0.25, "R": 0.72, "C": 0.5}
MARGIN = 0.12


def page_from_rows(rows: list[tuple[str, float, str]], confidence: float = 92.0, index: int = 0) -> PageResult:
    """A recognised page as Tesseract gives it: one block per row (position, top as a share of the height)."""
    words: list[Word] = []
    for block, (where, top, text) in enumerate(rows, start=1):
        parts = text.split()
        width = sum(len(w) * CHAR for w in parts) + GAP * (len(parts) - 1)
        left = int(MARGIN * WIDTH) if where == "B" else int(CENTRES[where] * WIDTH - width / 2)
        for part in parts:
            words.append(Word(part, left, int(top * HEIGHT), len(part) * CHAR, LINE, confidence, block, 1, 1))
            left += len(part) * CHAR + GAP
    text = "\n".join(text for _, _, text in rows)
    return PageResult(index=index, dpi=300, rotation=0, skew=0.0, blank=False, mean_confidence=confidence,
                      text=text, words=words, flags=[], width=WIDTH, height=HEIGHT)


DECISION = [
    ("L", 0.04, "UBND HUYỆN CHÂU THÀNH"),
    ("R", 0.04, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    ("L", 0.055, "ỦY BAN NHÂN DÂN"),
    ("R", 0.055, "Độc lập - Tự do - Hạnh phúc"),
    ("L", 0.07, "XÃ MỸ HIỆP"),
    ("L", 0.10, "Số: 0123/QĐ-UBND"),
    ("R", 0.10, "Mỹ Hiệp, ngày 05 tháng 3 năm 2024"),
    ("C", 0.14, "QUYẾT ĐỊNH"),
    ("C", 0.155, "Về việc cấp Giấy chứng nhận quyền sử dụng đất, quyền"),
    ("C", 0.17, "sở hữu nhà ở và tài sản khác gắn liền với đất"),
    ("C", 0.19, "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ MỸ HIỆP"),
    ("B", 0.21, "Căn cứ Luật Đất đai ngày 29 tháng 11 năm 2013;"),
    ("B", 0.23, "Xét đề nghị của ông Trần Văn Hùng tại đơn đề nghị ngày 12 tháng 01 năm 2024."),
    ("C", 0.25, "QUYẾT ĐỊNH:"),
    ("B", 0.27, "Điều 1. Cấp Giấy chứng nhận cho ông Trần Văn Hùng, sinh ngày 14/09/1985, số định danh"),
    ("B", 0.285, "cá nhân 087085001234, nơi cư trú: ấp Mỹ Long, xã Mỹ Hiệp."),
    ("B", 0.30, "Điều 2. Quyết định này có hiệu lực kể từ ngày ký."),
    ("R", 0.36, "TM. ỦY BAN NHÂN DÂN"),
    ("L", 0.36, "Nơi nhận:"),
    ("R", 0.375, "CHỦ TỊCH"),
    ("L", 0.375, "- Như Điều 3;"),
    ("R", 0.45, "Nguyễn Thị Lan"),
]


def test_a_decision_gives_every_field_with_its_region() -> None:
    fields = extract_metadata([page_from_rows(DECISION)])
    values = {name: field.value for name, field in fields.items()}
    assert values == {
        "number_symbol": "0123/QĐ-UBND",
        "issued_on": "2024-03-05",
        "agency": "ỦY BAN NHÂN DÂN XÃ MỸ HIỆP",
        "signer": "Nguyễn Thị Lan",
        "signer_title": "CHỦ TỊCH",
        "subject": "cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất",
        "owner_name": "Trần Văn Hùng",
        "owner_id": "087085001234",
    }
    for field in fields.values():
        assert field.page == 1 and 0.5 < field.confidence <= 1.0
        x0, y0, x1, y1 = field.box  # type: ignore[misc]
        assert 0 <= x0 < x1 <= WIDTH and 0 <= y0 < y1 <= HEIGHT
    # The number's box is the number's words, top-left, not the whole header.
    assert fields["number_symbol"].box[2] < WIDTH / 2 and abs(fields["number_symbol"].box[1] - 0.10 * HEIGHT) < 2


def test_fields_on_a_later_page_name_that_page() -> None:
    first = page_from_rows(DECISION[:17])
    second = page_from_rows(DECISION[17:], index=1)
    fields = extract_metadata([first, second])
    assert fields["signer"].value == "Nguyễn Thị Lan" and fields["signer"].page == 2
    assert fields["number_symbol"].page == 1


def _one(rows: list[tuple[str, float, str]], name: str) -> ExtractedField | None:
    return extract_metadata([page_from_rows(rows)]).get(name)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Số định danh cá nhân: 087085001234", "087085001234"),
        ("Số CCCD: 087 085 001 234", "087085001234"),
        ("Căn cước công dân số 087085001234 cấp ngày 01/01/2021", "087085001234"),
        ("Số CMND: 024123456", "024123456"),  # the old 9-digit identity card
        ("Số định danh cá nhân: O87O85OO1234", "087085001234"),  # OCR read 0 as O after the label
        ("Số tài khoản 087085001234 tại ngân hàng", "087085001234"),  # unlabelled but a valid CCCD
        ("Số tài khoản 003085001234 tại ngân hàng", None),  # unlabelled, 003 is no province code
        ("Số tài khoản 087A85001234", None),
        ("Điện thoại: 0912345678", None),
    ],
)
def test_owner_id(line: str, expected: str | None) -> None:
    found = _one([("B", 0.3, line)], "owner_id")
    assert (found.value if found else None) == expected


def test_owner_id_breaking_the_cccd_rules_is_kept_only_when_labelled_and_less_sure() -> None:
    good = _one([("B", 0.3, "Số định danh cá nhân: 087085001234")], "owner_id")
    bad = _one([("B", 0.3, "Số định danh cá nhân: 003085001234")], "owner_id")
    assert good and bad and bad.value == "003085001234" and bad.confidence < good.confidence / 1.5


def test_a_birth_date_that_disagrees_with_the_id_lowers_confidence() -> None:
    agrees = _one([("B", 0.3, "Sinh ngày 14/09/1985, CCCD: 087085001234")], "owner_id")
    disagrees = _one([("B", 0.3, "Sinh ngày 14/09/1990, CCCD: 087085001234")], "owner_id")
    assert agrees and disagrees and disagrees.confidence < agrees.confidence


def test_cccd_rules() -> None:
    assert cccd_birth_year("087085001234") == 1985  # 0: male, 1900s
    assert cccd_birth_year("001301001234") == 2001  # 3: female, 2000s
    assert cccd_birth_year("003085001234") is None  # 003 is not a province code
    assert cccd_birth_year("08708500123") is None


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([("R", 0.1, "Hà Nội, ngày 05 tháng 01 năm 2024")], "2024-01-05"),
        ([("R", 0.1, "Mỹ Hiệp, ngày O5 tháng 0l năm 2024")], "2024-01-05"),  # O and l read for 0 and 1
        ([("B", 0.3, "Họ tên: Lê Văn A, sinh ngày 12 tháng 3 năm 1980")], None),  # a birth date
        ([("B", 0.3, "Căn cứ Nghị định ngày 15 tháng 5 năm 2014")], None),  # a law's date in the grounds
        ([("R", 0.1, "Hà Nội, ngày 31 tháng 02 năm 2024")], None),  # no such day
        ([("B", 0.3, "Căn cứ Luật ngày 19 tháng 6 năm 2015"), ("R", 0.1, "Huế, ngày 02 tháng 8 năm 2023")],
         "2023-08-02"),
    ],
)
def test_issue_date(rows: list[tuple[str, float, str]], expected: str | None) -> None:
    found = _one(rows, "issued_on")
    assert (found.value if found else None) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Số: 45/2023/NĐ-CP", "45/2023/NĐ-CP"),
        ("Số: 12 /UBND-VP", "12/UBND-VP"),
        ("Số: 7/QÐ-UBND", "7/QĐ-UBND"),  # Ð (U+00D0) read for Đ is printed as Đ
        ("Số nhà 12 Nguyễn Trãi", None),
        ("Căn cứ Luật số 01/2016/QH14", None),  # real page cv_hospital_seal_96dpi: another document's number
    ],
)
def test_number_symbol(line: str, expected: str | None) -> None:
    found = _one([("L", 0.1, line)], "number_symbol")
    assert (found.value if found else None) == expected


def test_a_number_low_on_the_page_is_not_the_documents_number() -> None:
    assert _one([("B", 0.7, "Số: 45/QĐ-UBND")], "number_symbol") is None


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([("L", 0.12, "V/v cấp bản sao trích lục khai sinh")], "cấp bản sao trích lục khai sinh"),
        ([("B", 0.2, "Trích yếu: Báo cáo kết quả số hóa hồ sơ năm 2024")], "Báo cáo kết quả số hóa hồ sơ năm 2024"),
        ([("C", 0.15, "Về việc trợ cấp xã hội hằng tháng"), ("C", 0.17, "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ A")],
         "trợ cấp xã hội hằng tháng"),
    ],
)
def test_subject(rows: list[tuple[str, float, str]], expected: str) -> None:
    found = _one(rows, "subject")
    assert found is not None and found.value == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Họ, chữ đệm, tên người yêu cầu: Bùi Ngọc Thảo", "Bùi Ngọc Thảo"),
        ("Họ và tên: NGUYỄN VĂN AN", "NGUYỄN VĂN AN"),
        ("Tiếp nhận hồ sơ của: Ông Võ.Minh Hùng", "Võ Minh Hùng"),  # a speck read as a dot
        ("Cấp cho bà Lê Thị Mai, sinh ngày 01/02/1970", "Lê Thị Mai"),
        ("Ông bà nội đã mất", None),
    ],
)
def test_owner_name(line: str, expected: str | None) -> None:
    found = _one([("B", 0.3, line)], "owner_name")
    assert (found.value if found else None) == expected


def test_the_name_most_often_written_wins_over_one_misread_mention() -> None:
    rows = [("B", 0.2, "Xét đề nghị của ông Phan Minh Hỏi tại đơn"),
            ("B", 0.3, "Cấp cho ông Phan Minh Hải, sinh ngày 21/02/1974"),
            ("B", 0.4, "ông Phan Minh Hải chịu trách nhiệm thi hành")]  # fmt: skip
    assert _one(rows, "owner_name").value == "Phan Minh Hải"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Giấy phép này có giá trị đến ngày 31/12/2030.", "2030-12-31"),
        ("Có giá trị sử dụng đến ngày 05 tháng 6 năm 2031", "2031-06-05"),
        ("Quyết định này có hiệu lực kể từ ngày ký.", None),
    ],
)
def test_valid_until(line: str, expected: str | None) -> None:
    found = _one([("B", 0.5, line)], "valid_until")
    assert (found.value if found else None) == expected


def test_a_page_without_word_boxes_still_gives_fields_without_boxes() -> None:
    page = page_from_rows(DECISION)
    bare = PageResult(index=0, dpi=300, rotation=0, skew=0.0, blank=False, mean_confidence=90.0,
                      text="\n".join(text for _, _, text in DECISION if "CỘNG HÒA" not in text and "Độc lập" not in text),
                      words=[], flags=[], width=page.width, height=page.height)
    fields = extract_metadata([bare])
    assert fields["number_symbol"].value == "0123/QĐ-UBND" and fields["number_symbol"].box is None
    assert fields["owner_id"].value == "087085001234" and fields["issued_on"].value == "2024-03-05"


def test_blank_pages_give_nothing() -> None:
    blank = PageResult(index=0, dpi=300, rotation=0, skew=0.0, blank=True, mean_confidence=0.0, text="", words=[],
                       flags=["blank"], width=WIDTH, height=HEIGHT)
    assert extract_metadata([blank]) == {} and extract_metadata([]) == {}


@pytest.mark.parametrize("kind", KINDS)
def test_synthetic_truth_fields_are_printed_on_the_page(kind: str) -> None:
    """Regression: the decision's truth said '27/QĐ-UBND' for a page printing 'Số: 127/QĐ-UBND'."""
    for seed in range(4):
        page = generate_page(kind, seed, 0)
        flat = " ".join(page.text.split())
        for name, value in page.metadata["fields"].items():
            if name == "issued_on":
                day = dt.date.fromisoformat(value)
                assert f"năm {day.year}" in flat
            elif name == "number_symbol":
                assert f"Số: {value}" in flat
            else:
                assert value in flat, (kind, seed, name, value)


@functools.lru_cache(maxsize=None)
def recognised(kind: str, seed: int, level: int) -> tuple[PageResult, dict]:
    """A generated page read by the real engine (cached: each read costs about 15 s of CPU)."""
    from ocr.pipeline import ocr_page

    page = generate_page(kind, seed, level)
    result, _ = ocr_page(PageImage(page.image, page.dpi, 0))
    return result, page.metadata


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_generated_pages_read_by_the_engine_give_their_printed_fields(kind: str) -> None:
    result, truth = recognised(kind, 11, 1)
    fields = extract_metadata([result])
    for name in ("number_symbol", "issued_on", "owner_id"):
        if name in truth["fields"]:
            assert fields[name].value.replace("Đ", "D") == truth["fields"][name].replace("Đ", "D"), name


def test_a_speck_of_seal_ink_between_names_is_a_space() -> None:
    """Regression (benchmark, decision seed 101 L2): 'Lê`Thu Hương' under the signature was not a name."""
    rows = [("R", 0.6, "KT. CHỦ TỊCH"), ("R", 0.615, "PHÓ CHỦ TỊCH"), ("R", 0.7, "Lê`Thu Hương")]
    fields = extract_metadata([page_from_rows(rows)])
    assert (fields["signer_title"].value, fields["signer"].value) == ("PHÓ CHỦ TỊCH", "Lê Thu Hương")


def test_the_fixed_phrase_of_an_agency_name_is_spelled_right() -> None:
    """Benchmark: bold capitals read 'ỦY BAN NHÂN DẪN' on 7 of 24 L0-L2 pages; the phrase is fixed by law."""
    rows = [("L", 0.04, "UBND HUYỆN PHÚ LỘC"), ("L", 0.055, "ỦY BAN NHÂN DẪN XÃ LỘC AN"), ("L", 0.08, "Số: 1/QĐ-UBND")]
    assert _one(rows, "agency").value == "ỦY BAN NHÂN DÂN XÃ LỘC AN"  # type: ignore[union-attr]
    rows[1] = ("L", 0.055, "ỦY BAN NHÂN DÂN")  # the phrase alone, the place on the next line
    rows.insert(2, ("L", 0.065, "XÃ LỘC AN"))
    assert _one(rows, "agency").value == "ỦY BAN NHÂN DÂN XÃ LỘC AN"  # type: ignore[union-attr]
