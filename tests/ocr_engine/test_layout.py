"""Reading order: two-column runs of an NĐ 30 page read column by column, body text untouched."""

from dataclasses import replace

from ocr.layout import reading_order, split_line
from ocr.model import Word
import numpy as np

from ocr.recognize import (
    column_parts, cut_by_frame, flat_noise, is_noise, layout_text, merged_rows, typical_height, unread_noise,
)


def word(text: str, left: int, top: int, line: int, width: int | None = None, conf: float = 95.0) -> Word:
    return Word(text, left, top, width or 20 * len(text), 40, conf, block=1, paragraph=1, line=line)


def header_words() -> list[Word]:
    # Agency (left) and motto (right) share baselines, as Tesseract reports them.
    return [
        word("UBND", 100, 100, 1), word("HUYỆN", 200, 100, 1),
        word("CỘNG", 1300, 100, 1), word("HÒA", 1420, 100, 1),
        word("ỦY", 120, 160, 2), word("BAN", 200, 160, 2),
        word("Độc", 1350, 160, 2), word("lập", 1440, 160, 2),
        word("Số:", 130, 220, 3), word("12/QĐ-UBND", 200, 220, 3),
    ]


def test_header_reads_left_column_then_right_column() -> None:
    text = layout_text(header_words(), page_width=2480)
    lines = [line for line in text.splitlines() if line]
    assert lines == ["UBND HUYỆN", "ỦY BAN", "Số: 12/QĐ-UBND", "CỘNG HÒA", "Độc lập"]


def test_full_width_body_lines_keep_their_order() -> None:
    words = [word("Điều", 100, 500 + 60 * i, i, width=2000) for i in range(3)]
    words = [Word(f"dòng{i}", w.left, w.top, w.width, w.height, 95, 1, 1, i) for i, w in enumerate(words)]
    assert [s.text for group in reading_order(words, 2480) for s in group] == ["dòng0", "dòng1", "dòng2"]


def test_a_wide_gap_splits_a_line_but_normal_word_spacing_does_not() -> None:
    line = [word("Nơi", 100, 0, 1, 80), word("nhận:", 195, 0, 1, 100), word("KT.", 1500, 0, 1, 60)]
    assert [s.text for s in split_line(line, min_gap=64)] == ["Nơi nhận:", "KT."]


def test_seal_remnants_are_noise_but_text_punctuation_is_not() -> None:
    assert is_noise(word("ˆ", 0, 0, 1, conf=90))
    assert is_noise(word("⁄#\\", 0, 0, 1, conf=61))
    assert is_noise(word(")", 0, 0, 1, conf=20))
    assert not is_noise(word("-", 0, 0, 1, conf=90))
    assert not is_noise(word("đ", 0, 0, 1, conf=10))


def test_a_motto_starting_left_of_the_page_middle_is_still_the_right_column() -> None:
    # Receipt header: a QR code pushes the agency block right, and the long motto starts before the middle of
    # the text area; the centred lines under the motto start further right.
    words = [
        word("UBND", 400, 100, 1, 140), word("HUYỆN", 560, 100, 1, 180),
        word("CỘNG", 1100, 100, 1, 150), word("HÒA", 1270, 100, 1, 110), word("NAM", 1400, 100, 1, 120),
        word("ỦY", 480, 160, 2, 70), word("BAN", 570, 160, 2, 110),
        word("Độc", 1250, 160, 2, 90), word("lập", 1360, 160, 2, 80),
        word("XÃ", 490, 220, 3, 70), word("AN", 580, 220, 3, 80),
        word("Số:", 520, 280, 4, 70), word("0110/TNHS", 610, 280, 4, 250),
        word("Cát", 1240, 280, 4, 80), word("Hưng,", 1340, 280, 4, 130), word("ngày", 1490, 280, 4, 100),
        word("20", 1610, 280, 4, 50), word("tháng", 1680, 280, 4, 120), word("11", 1820, 280, 4, 50),
        word("năm", 1890, 280, 4, 100), word("2020", 2010, 280, 4, 140),
    ]
    lines = [line for line in layout_text(words, page_width=2480).splitlines() if line]
    assert lines == ["UBND HUYỆN", "ỦY BAN", "XÃ AN", "Số: 0110/TNHS", "CỘNG HÒA NAM", "Độc lập", "Cát Hưng, ngày 20 tháng 11 năm 2020"]


def _boxes(line: int, boxes: list[tuple[str, int, int]]) -> list[Word]:
    return [Word(t, left, 300, width, 40, 95.0, 1, 1, line) for t, left, width in boxes]


# The first two header lines of a phone photo at level 3 (generate_page("receipt", 14, 3, capture="photo")) as
# Tesseract boxed them: the agency and the motto 44 px apart on the first line, other word gaps 6-18 px; the
# page's column gap is 65 px. The second line splits at its 241 px gap.
JOINED_FIRST = [("UBND", 244, 92), ("TỈNH", 342, 78), ("THỪA", 434, 80), ("THIÊN", 532, 96), ("HUẾ", 640, 66),
                ("CỘNG", 750, 101), ("HÒA", 861, 77), ("XÃ", 945, 49), ("HỘI", 1004, 65), ("CHỦ", 1078, 76),
                ("NGHĨA", 1164, 118), ("VIỆT", 1288, 86), ("NAM", 1383, 83)]
SPLIT_SECOND = [("ỦY", 316, 43), ("BAN", 379, 58), ("NHÂN", 456, 89), ("DÂN", 565, 71),
                ("Độc", 877, 57), ("lập", 950, 46), ("-", 1010, 11), ("Tự", 1041, 35), ("do", 1092, 29),
                ("-", 1137, 9), ("Hạnh", 1171, 75), ("phúc", 1262, 74)]


def test_a_header_line_joined_across_a_narrow_column_gap_is_split_where_the_line_below_splits() -> None:
    # Before: "UBND TỈNH THỪA THIÊN HUẾ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" as one line, then the left column.
    words = _boxes(1, JOINED_FIRST) + [replace(w, top=360) for w in _boxes(2, SPLIT_SECOND)]
    lines = [line for line in layout_text(words, page_width=1722).splitlines() if line]
    assert lines == ["UBND TỈNH THỪA THIÊN HUẾ", "ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "Độc lập - Tự do - Hạnh phúc"]


def test_a_speck_read_as_a_word_inside_the_column_gap_does_not_keep_the_columns_joined() -> None:
    # generate_page("decision", 3, 3, capture="faint"): a back page's speck between the agency and the motto was
    # read "à" (confidence 0, half a word's height) and halved the widest gap, so the line stayed joined.
    speck = Word("à", 720, 310, 12, 15, 0.0, 1, 1, 1)
    words = _boxes(1, JOINED_FIRST) + [speck] + [replace(w, top=360) for w in _boxes(2, SPLIT_SECOND)]
    words.sort(key=lambda w: (w.line, w.left))
    lines = [line for line in layout_text(words, page_width=1722).splitlines() if line]
    assert lines == ["UBND TỈNH THỪA THIÊN HUẾ à", "ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "Độc lập - Tự do - Hạnh phúc"]
    # A sure word in the gap is text: the line is one.
    sure = replace(speck, text="và", height=40, confidence=95.0)
    words = [sure if w is speck else w for w in words]
    lines = [line for line in layout_text(words, page_width=1722).splitlines() if line]
    assert lines[0].startswith("UBND TỈNH THỪA THIÊN HUẾ và CỘNG")


def test_a_wider_gap_outside_the_column_gap_beside_it_or_in_evenly_spaced_text_splits_nothing() -> None:
    # The same first line moved 200 px left: its wide gap no longer falls between the columns below.
    shifted = [(t, left - 200, width) for t, left, width in JOINED_FIRST]
    # A body line whose gaps are all stretched alike, beside the split line.
    even = [(f"w{i}", 100 + 110 * i, 90) for i in range(13)]
    for first in (shifted, even):
        words = _boxes(1, first) + [replace(w, top=360) for w in _boxes(2, SPLIT_SECOND)]
        lines = [line for line in layout_text(words, page_width=1722).splitlines() if line]
        assert lines[0] == " ".join(t for t, _, _ in first)


def _rows(rows: list[list[tuple[str, int, int]]]) -> list[Word]:
    return [Word(t, left, 100 + 70 * i, width, 40, 95.0, 1, 1, i) for i, row in enumerate(rows)
            for t, left, width in row]


# A faint receipt's header (generate_page("receipt", 12/15, 2/3, capture="faint")) as Tesseract boxed it.
RECEIPT_HEADER = [
    [("UBND", 448, 145), ("HUYỆN", 611, 175), ("DIỄN", 805, 119), ("CHÂU", 941, 144), ("CỘNG", 1200, 151),
     ("HÒA", 1368, 116), ("XÃ", 1497, 71), ("HỘI", 1585, 97), ("CHỦ", 1699, 113), ("NGHĨA", 1828, 172),
     ("VIỆT", 2012, 125), ("NAM", 2154, 117)],
    [("ỦY", 517, 72), ("BAN", 606, 110), ("NHÂN", 733, 155), ("DÂN", 905, 113), ("Độc", 1396, 89), ("lập", 1503, 70),
     ("-", 1593, 14), ("Tự", 1622, 71), ("do", 1708, 55), ("-", 1781, 15), ("Hạnh", 1815, 129), ("phúc", 1962, 114)],
    [("XÃ", 566, 74), ("DIỄN", 658, 131), ("HỒNG", 806, 161)],
    [("Số:", 590, 70), ("0060/TNHS", 679, 261), ("Diễn", 1302, 104), ("Hồng,", 1423, 133), ("ngày", 1576, 107)],
]
HEADER_READ = ["UBND HUYỆN DIỄN CHÂU", "ỦY BAN NHÂN DÂN", "XÃ DIỄN HỒNG", "Số: 0060/TNHS",
               "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Diễn Hồng, ngày"]


def test_marks_split_in_two_above_the_header_do_not_move_its_column_boundary() -> None:
    # A QR code's remnants read as "ri  TÊN", 66 px apart. Before, the right column started at "TÊN" (x 328)
    # and the whole header was read across, line by line.
    words = _rows([[("ri", 228, 34), ("TÊN", 328, 24)]] + RECEIPT_HEADER)
    lines = [line for line in layout_text(words, page_width=2540).splitlines() if line]
    assert lines == ["ri TÊN"] + HEADER_READ


def test_a_centred_title_split_at_a_misread_word_is_read_after_both_header_columns() -> None:
    # "QUẢ" misread as "J2" 74 px after "KẾT", and "14.H1" lost from the dossier code: both lines split, and
    # before, their left pieces were read into the agency's column, the code's tail into the motto's.
    title = [("GIẤY", 707, 143), ("TIẾP", 863, 131), ("NHẬN", 1014, 165), ("HỒ", 1196, 74), ("SƠ", 1302, 75),
             ("VÀ", 1434, 35), ("HẸN", 1496, 115), ("TRẢ", 1629, 115), ("KẾT", 1771, 108), ("J2", 1953, 59)]
    code = [("Mã", 928, 73), ("hồ", 1023, 49), ("sơ", 1090, 47), ("000.00.:-", 1174, 207),
            ("2-190823-0198", 1473, 326)]
    words = _rows(RECEIPT_HEADER + [title, code])
    lines = [line for line in layout_text(words, page_width=2540).splitlines() if line]
    assert lines == HEADER_READ + ["GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT", "J2", "Mã hồ sơ 000.00.:-",
                                   "2-190823-0198"]


def test_marks_in_the_signature_space_do_not_move_the_column_boundary() -> None:
    # A receipt's two signature blocks (generate_page("receipt", 11, 3, capture="photo"), read from grey
    # levels): the signature's remnants read as "rẺ  v NX", split at x 860, inside the left block. Taken as the
    # column start, it ran through every left line, and each line was read on its own, the columns interleaved.
    rows = [
        [("NGƯỜI", 546, 172), ("NỘP", 734, 100), ("HỒ", 857, 55), ("SƠ", 942, 70),
         ("NGƯỜI", 1355, 171), ("TIẾP", 1540, 119), ("NHẬN", 1670, 145), ("HỒ", 1834, 63), ("SƠ", 1928, 64)],
        [("(Ký", 553, 71), ("và", 647, 42), ("ghi", 709, 60), ("rõ", 789, 40), ("họ", 849, 45), ("tên)", 914, 85),
         ("(Ký", 1443, 75), ("và", 1541, 42), ("ghi", 1603, 65), ("rõ", 1688, 40), ("họ", 1748, 45), ("tên)", 1813, 82)],
        [("rẺ", 620, 60), ("v", 860, 23), ("NX", 925, 59)],
        [("Phan", 589, 114), ("Đình", 726, 101), ("Hưng", 850, 115), ("Phạm", 1516, 100), ("Mỹ", 1658, 61),
         ("Nga", 1745, 82)],
    ]
    lines = [line for line in layout_text(_rows(rows), page_width=2300).splitlines() if line]
    assert lines == ["NGƯỜI NỘP HỒ SƠ", "(Ký và ghi rõ họ tên)", "rẺ v NX", "Phan Đình Hưng",
                     "NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)", "Phạm Mỹ Nga"]


def _line(texts: list[str], line: int, top: int, height: int = 34, conf: float = 95.0) -> list[Word]:
    return [Word(t, 100 + 150 * i, top, 120, height, conf, 1, 1, line) for i, t in enumerate(texts)]


def test_flat_unsure_marks_and_trailing_leaders_are_noise_but_the_motto_dash_is_not() -> None:
    # Words of a phone photo's form (generate_page("form", 0, 3, capture="photo")): body words 29-37 px high,
    # merged leader dots 5-9 px read as "~e-eee" at confidence 0, and a leader dash after a filled-in value.
    body = _line(["Họ,", "chữ", "đệm,", "tên", "người"], 1, 100)
    motto = _line(["Độc", "lập"], 2, 200) + [Word("-", 400, 222, 11, 7, 93.0, 1, 1, 2)] + [
        Word("Tự", 450, 200, 40, 34, 96.0, 1, 1, 2)]
    value = _line(["Lê", "Minh"], 3, 300) + [Word("-", 900, 322, 14, 5, 89.0, 1, 1, 3)]
    junk = [Word("~e-eee", 1296, 503, 67, 7, 0.0, 1, 1, 4), Word("seeerseee", 1377, 600, 101, 9, 0.0, 1, 1, 5)]
    small_but_sure = [Word("ca", 100, 700, 40, 18, 91.0, 1, 1, 6)]  # a lower-case word: about half as high
    unsure_but_tall = [Word("Cường", 100, 800, 98, 36, 12.0, 1, 1, 7)]
    words = body + motto + value + junk + small_but_sure + unsure_but_tall
    dropped = {w.text + f"@{w.line}" for w, flat in zip(words, flat_noise(words)) if flat}
    assert dropped == {"~e-eee@4", "seeerseee@5", "-@3"}


def test_flat_noise_needs_enough_confident_words_to_know_the_page_height() -> None:
    words = [Word("~e-eee", 0, 0, 60, 7, 0.0, 1, 1, 1)] + _line(["Một", "hai"], 2, 100)
    assert flat_noise(words) == [False, False, False]


def test_the_typical_height_is_the_median_of_sure_words_of_two_or_more_characters() -> None:
    sure = [replace(word("chữ", 0, 0, 1), height=h) for h in (30, 40, 42, 44, 90)]
    unsure_or_short = [replace(word("x", 0, 0, 1), height=200), replace(word("dòng", 0, 0, 1, conf=40.0), height=200)]
    assert typical_height(sure + unsure_or_short) == 42
    assert typical_height(sure[:4] + unsure_or_short) is None


def test_receipt_rows_with_amounts_read_across_while_the_header_keeps_its_columns() -> None:
    # receipt_upright_photo.jpg: an item line across the slip, then its quantity, unit price and amount with
    # wide gaps between them. Read column by column, every amount came after every quantity (CER 16%).
    words = [
        word("HÓA", 300, 100, 1, 80), word("ĐƠN", 400, 100, 1, 80),
        word("Bánh", 100, 200, 2, 90), word("tipo", 200, 200, 2, 80), word("salsa", 300, 200, 2, 900),
        word("1", 100, 260, 3, 20), word("HOP", 140, 260, 3, 70), word("33,000", 600, 260, 3, 120),
        word("33,000", 1100, 260, 3, 120),
        word("Kẹo", 100, 320, 4, 70), word("yupi", 190, 320, 4, 80), word("108g", 290, 320, 4, 900),
        word("1", 100, 380, 5, 20), word("GOI", 140, 380, 5, 70), word("21,000", 600, 380, 5, 120),
        word("21,000", 1100, 380, 5, 120),
    ]
    lines = [line for line in layout_text(words, page_width=1300).splitlines() if line]
    assert lines == ["HÓA ĐƠN", "Bánh tipo salsa", "1 HOP 33,000 33,000", "Kẹo yupi 108g", "1 GOI 21,000 21,000"]


def test_two_numbered_tables_side_by_side_are_read_one_after_the_other() -> None:
    # table_nd30_fields_screenshot.png: each line holds a row of both tables ("3 | Số, ký hiệu của văn bản | 10 |
    # Dấu chỉ mức độ mật"). Its two row numbers made it a receipt row read across: the tables' rows alternated.
    def cell(text: str, left: int, top: int, line: int) -> list[Word]:
        out = []
        for piece in text.split():
            out.append(word(piece, left, top, line))
            left += 20 * len(piece) + 15
        return out

    rows = [("STT", "Nội dung", "STT", "Nội dung"), ("3", "Số, ký hiệu của văn bản", "10", "Dấu chỉ mức độ mật"),
            ("4", "Địa danh, ngày, tháng, năm", "11", "Dấu chỉ mức độ khẩn")]
    words = [w for n, (a, b, c, d) in enumerate(rows, 1)
             for left, text in ((80, a), (320, b), (1090, c), (1270, d)) for w in cell(text, left, 60 * n, n)]
    lines = [line for line in layout_text(words, page_width=2040).splitlines() if line]
    assert lines == ["STT Nội dung", "3 Số, ký hiệu của văn bản", "4 Địa danh, ngày, tháng, năm",
                     "STT Nội dung", "10 Dấu chỉ mức độ mật", "11 Dấu chỉ mức độ khẩn"]


def test_a_header_line_split_in_three_without_amounts_is_no_table_row() -> None:
    words = header_words()
    words.insert(4, word("NAM", 2100, 100, 1))  # the motto's last word set far right: three pieces
    lines = [line for line in layout_text(words, page_width=2480).splitlines() if line]
    assert lines[:3] == ["UBND HUYỆN", "ỦY BAN", "Số: 12/QĐ-UBND"]


def test_a_number_typed_with_spaces_stays_in_the_left_column() -> None:
    # Ủy ban nhân dân tỉnh Đắk Lắk's plan (benchmarks/real/pages/kh_ubnd_daklak_logo_web.png) as Tesseract reads
    # it: "Số:243" and "/KH-UBND" stand a little wider apart than the column gap, the date much wider.
    def at(text: str, left: int, width: int, line: int) -> Word:
        return Word(text, left, 100 + 60 * line, width, 45, 95.0, 1, 1, line)

    words = [
        at("ỦY", 521, 64, 1), at("BAN", 601, 94, 1), at("NHÂN", 712, 134, 1), at("DÂN", 862, 97, 1),
        at("CỘNG", 1054, 129, 1), at("HOÀ", 1197, 96, 1), at("XÃ", 1307, 61, 1), at("HỘI", 1382, 81, 1),
        at("TỈNH", 565, 119, 2), at("ĐẮK", 697, 105, 2), at("LẮK", 816, 100, 2),
        at("Độc", 1222, 78, 2), at("lập", 1313, 61, 2),
        at("Số:243", 524, 140, 3), at("/KH-UBND", 726, 231, 3),
        at("Đắk", 1142, 79, 3), at("Lắk,", 1233, 78, 3), at("ngày", 1328, 92, 3),
    ]
    text = layout_text(words, 2400)
    assert "Số:243 /KH-UBND" in text
    assert text.index("/KH-UBND") < text.index("CỘNG HOÀ")


def test_a_line_the_frame_cuts_through_is_dropped_but_a_sure_or_full_height_edge_line_is_not() -> None:
    # Bộ Tư pháp's notice (benchmarks/real/pages/tb_botuphap_web.png), 1500 px high as read: its last line is cut
    # in half by the image's bottom edge, and Tesseract reads the glyphs' tops as junk at confidence 0-52.
    body = [Word(t, 100 + 150 * i, 1300, 120, 44, 96.0, 1, 1, 1) for i, t in enumerate(
        ["chức,", "viên", "chức", "và", "người", "lao", "động"])]
    halves = [Word(t, left, top, width, 1500 - top, conf, 2, 1, 1) for t, left, top, width, conf in [
        ("1A", 455, 1483, 112, 0.0), ("3x^", 579, 1484, 51, 0.0), ("Ýh.,", 733, 1472, 50, 0.0),
        ("°1+4_-", 812, 1472, 89, 10.0), ("1", 933, 1484, 35, 52.0), ("tZ^X.,", 1031, 1482, 163, 17.0)]]
    assert cut_by_frame(body + halves, 1500) == [False] * len(body) + [True] * len(halves)
    # The same half glyphs read with confidence are kept (a footer set close to the edge), and so is an unsure
    # line at the edge whose words stand at full height (nothing of them is cut away).
    sure = [replace(w, confidence=90.0) for w in halves]
    assert not any(cut_by_frame(body + sure, 1500))
    full = [replace(w, top=1500 - 40, height=40) for w in halves]
    assert not any(cut_by_frame(body + full, 1500))
    # A line in the middle of the page is never cut, however flat and unsure.
    assert not any(cut_by_frame(body + halves, 1800))


def _signature_block() -> list[Word]:
    # tb_dhdl_seal_300dpi_b.jpg as Tesseract read it: body text above, then "Nơi nhận"'s small lines joined with
    # the signer's bold title into one Tesseract block, its second line read two lines high and unsure.
    body = [Word(t, 356 + 130 * i, 2032, 110, 44, 95.0, 8, 1, 1) for i, t in enumerate(
        ["ký", "tên", "vào", "sổ", "gốc", "cấp", "bằng."])]
    joined = [
        Word("Nơi", 356, 2237, 77, 81, 95.0, 9, 1, 1), Word("TL.", 1470, 2244, 91, 64, 93.0, 9, 1, 1),
        Word("Nên", 360, 2299, 107, 85, 0.0, 9, 1, 2), Word("tường", 490, 2293, 112, 95, 20.0, 9, 1, 2),
        Word("KT.", 1241, 2311, 96, 40, 96.0, 9, 1, 2), Word("Phòng", 385, 2405, 119, 42, 93.0, 9, 1, 3),
    ]
    last = [Word("Lưu:", 385, 2459, 86, 32, 93.0, 10, 1, 1), Word("Mug", 1718, 2450, 101, 202, 28.0, 10, 1, 1)]
    name = [Word("Vũ", 1541, 2705, 71, 39, 96.0, 11, 1, 1), Word("Nga", 1841, 2703, 97, 52, 95.0, 11, 1, 1)]
    return body + joined + last + name


def test_two_unsure_words_two_lines_high_mark_the_rows_to_read_again() -> None:
    words = _signature_block()
    # The rows of block 9, grown by the "- Lưu" line and the signature just below it, but not by the body text
    # 130 px above or the signer's name 50 px below.
    assert merged_rows(words, 3500) == [(2237, 2652)]
    # One such word is not enough (a signature's stroke), and a scribble five lines high is no joined line.
    one = [w for w in words if w.text != "tường"]
    assert merged_rows(one, 3500) == []
    scribbles = [replace(w, height=210) if w.text in ("Nên", "tường") else w for w in words]
    assert merged_rows(scribbles, 3500) == []
    # Rows that make up most of the page are not read again: that would be the same reading.
    assert merged_rows(words, 700) == []


def test_rows_are_read_again_column_by_column_where_an_inkless_gap_parts_them() -> None:
    strip = np.full((200, 2400), 255, np.uint8)
    strip[50:90, 300:1000] = 0  # "Nơi nhận"
    strip[40:100, 1240:2200] = 0  # the signer's title, 240 px (20 mm) to its right
    assert column_parts(strip, min_gap=71) == [(0, 1120), (1120, 2400)]
    strip[120:160, 1000:1240] = 0  # a line running across the gap
    assert column_parts(strip, min_gap=71) == [(0, 2400)]


def test_words_read_at_confidence_0_and_lower_than_the_page_words_are_unread_noise() -> None:
    sure = [word(f"chữ{i}", 100 * i, 100, 1) for i in range(6)]  # 40 px high, confidence 95
    junk = replace(word("E<Eeseekefeeea", 100, 200, 2, conf=0.0), height=26)
    unsure_low = replace(word("các", 400, 200, 2, conf=12.0), height=26)
    tall_unread = word("CHỦ", 700, 200, 2, conf=0.0)  # at the page's height: a word, however unsure
    assert unread_noise(sure + [junk, unsure_low, tall_unread]) == [False] * 6 + [True, False, False]
    # Too few sure words to know the page's height: nothing is called noise.
    assert unread_noise(sure[:3] + [junk]) == [False] * 4
