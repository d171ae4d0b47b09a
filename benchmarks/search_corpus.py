"""Generated page texts at scale for the search benchmarks: dossiers of 1-6 pages, no images, no OCR.

Dossier i is a pure function of (seed, i), so a benchmark can regenerate any dossier to build queries that
must find it without keeping a million pages in memory:

    for page in corpus_pages(100_000):          # PageDocuments, lazily, ~40k pages/s
        ...
    d = dossier(12_345)                          # its code, applicant, parcel, document number, pages

Content reuses the names, places, procedures and code formats of `benchmarks.synth.content`, spread over 60
units (so `allowed_units` and facets are selective), with the running text of NĐ 30 decisions, application
forms and receipts: the same few hundred common words on every page, and names, addresses, parcels, ID
numbers and document numbers that make each dossier findable.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from benchmarks.synth.content import (
    ETHNICITIES,
    GIVEN_FEMALE,
    GIVEN_MALE,
    HAMLETS,
    MIDDLE_FEMALE,
    MIDDLE_MALE,
    PROCEDURES,
    STATUSES,
    SURNAMES,
    UNITS,
    Procedure,
    long_date,
)
from indexing import PageDocument, page_id

_EXTRA_COMMUNES = (
    "Phú Thượng", "Vinh Thanh", "Hương Long", "Thủy Bằng", "Quảng Điền", "Điện Hòa", "Tam Kỳ", "Bình Minh",
    "Nghi Phú", "Hưng Lộc", "Đông Hưng", "Tây Sơn", "Cát Tiến", "Mỹ Thọ", "Hoài Nhơn", "Ân Đức", "Tân Phú",
    "Hòa Bình", "Kim Liên", "Thạch Hà", "Đức Thọ", "Xuân Hải", "Gio Linh", "Hải Lăng", "Triệu Phong", "Cam Lộ",
    "Hướng Hóa", "Lệ Thủy", "Quảng Ninh", "Bố Trạch", "Tuyên Hóa", "Minh Hóa", "Kỳ Anh", "Cẩm Xuyên",
    "Nghi Xuân", "Can Lộc", "Hương Khê", "Hương Sơn", "Vũ Quang", "Lộc Hà", "Thạch Kim", "Yên Thành",
    "Quỳnh Lưu", "Anh Sơn", "Đô Lương", "Thanh Chương", "Nam Đàn", "Hưng Nguyên", "Cửa Lò", "Thái Hòa",
    "Quế Phong", "Quỳ Châu", "Tương Dương", "Con Cuông",
)
UNIT_NAMES: tuple[str, ...] = tuple(dict.fromkeys(
    [u.name for u in UNITS] + [f"UBND xã {c}" for c in _EXTRA_COMMUNES]
))[:60]
UNIT_CODES: tuple[str, ...] = tuple(
    u.code for u in UNITS
) + tuple(f"H{30 + k // 20}.{10 + k % 20:02d}" for k in range(60 - len(UNITS)))
# Zipf-like: the biggest unit holds ~20% of the dossiers, the smallest ~0.4%, as in a real province.
_UNIT_WEIGHTS = tuple(accumulate(1 / (k + 1) for k in range(len(UNIT_NAMES))))
PROVINCES = ("Thừa Thiên Huế", "Quảng Nam", "Nghệ An", "Thái Bình", "Bình Định", "Hà Tĩnh", "Quảng Trị")
DISTRICTS = ("Phú Lộc", "Duy Xuyên", "Diễn Châu", "Kiến Xương", "Phù Cát", "Hương Trà", "Can Lộc", "Gio Linh")

_BOILER = (
    ("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số điều "
     "của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;"),
    ("Căn cứ Luật Đất đai ngày 29 tháng 11 năm 2013 và Nghị định số 43/2014/NĐ-CP ngày 15 tháng 5 năm 2014 của "
     "Chính phủ quy định chi tiết thi hành một số điều của Luật Đất đai;"),
    "Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014 và Nghị định số 123/2015/NĐ-CP ngày 15 tháng 11 năm 2015;",
    ("Căn cứ Nghị định số 23/2015/NĐ-CP ngày 16 tháng 02 năm 2015 của Chính phủ về cấp bản sao từ sổ gốc, "
     "chứng thực bản sao từ bản chính, chứng thực chữ ký;"),
    ("Căn cứ Nghị định số 20/2021/NĐ-CP ngày 15 tháng 3 năm 2021 của Chính phủ quy định chính sách trợ giúp xã "
     "hội đối với đối tượng bảo trợ xã hội;"),
    "Theo đề nghị của công chức địa chính - xây dựng và công chức tư pháp - hộ tịch,",
    ("Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân, các cơ quan, đơn vị có liên quan và cá nhân có tên "
     "tại Điều 1 chịu trách nhiệm thi hành Quyết định này."),
    "Quyết định này có hiệu lực kể từ ngày ký.",
    ("Tôi xin cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp luật về lời "
     "khai của mình."),
    "Hồ sơ gồm: đơn đề nghị, bản sao căn cước công dân, giấy tờ về quyền sử dụng đất, sơ đồ thửa đất.",
    "Bộ phận tiếp nhận và trả kết quả đã kiểm tra thành phần hồ sơ, hồ sơ đầy đủ và hợp lệ theo quy định.",
    "Khi đến nhận kết quả, người nhận mang theo giấy tiếp nhận hồ sơ và hẹn trả kết quả này.",
    "Trường hợp hồ sơ chưa đầy đủ, cơ quan tiếp nhận hướng dẫn người nộp bổ sung trong thời hạn 03 ngày làm việc.",
    "Nơi nhận: Như Điều 3; Chủ tịch, các Phó Chủ tịch UBND; Lưu: VT.",
    "Đề nghị Ủy ban nhân dân xem xét, giải quyết theo quy định của pháp luật.",
    "Ý kiến của cán bộ địa chính: đất không có tranh chấp, phù hợp quy hoạch sử dụng đất đã được phê duyệt.",
)
_MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc"
_DOC_TYPES = ("QĐ", "TB", "GCN", "BB", "QĐ", "QĐ")


@dataclass(frozen=True)
class CorpusDossier:
    """One generated dossier with what a benchmark query can look it up by."""

    index: int
    code: str
    unit: str
    procedure: Procedure
    applicant: str
    address: str
    id_number: str
    received: date
    status: str
    parcel: tuple[int, int]
    document_number: str  # as printed, e.g. "123/QĐ-UBND"
    pages: tuple[PageDocument, ...]


def _person(rng: random.Random) -> tuple[str, bool]:
    male = rng.random() < 0.5
    middle = rng.choice(MIDDLE_MALE if male else MIDDLE_FEMALE)
    given = rng.choice(GIVEN_MALE if male else GIVEN_FEMALE)
    return f"{rng.choice(SURNAMES)} {middle} {given}", male


def _page_texts(rng: random.Random, d: dict[str, object], count: int) -> list[str]:
    """Receipt first (code, applicant), then forms and a decision; each 150-350 words."""
    unit, name, title = d["unit"], d["applicant"], d["title"]
    proc: Procedure = d["procedure"]  # type: ignore[assignment]
    thua, to = d["parcel"]  # type: ignore[misc]
    head = f"{str(unit).upper()} {_MOTTO}"
    texts = [
        f"{head} GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ Mã hồ sơ: {d['code']} Bộ phận tiếp nhận và trả kết quả "
        f"{unit} tiếp nhận hồ sơ của {title} {name}, địa chỉ {d['address']}, số điện thoại 09{rng.randrange(10**8):08d}. "
        f"Nội dung yêu cầu giải quyết: {proc.name} (mã thủ tục {proc.code}). Thành phần hồ sơ: "
        f"{'; '.join(proc.documents)}. Số lượng hồ sơ: 01 bộ. Thời gian nhận hồ sơ: {long_date(d['received'])}. "  # type: ignore[arg-type]
        f"Thời gian trả kết quả: {long_date(d['due'])}. " + " ".join(rng.sample(_BOILER, 4)),  # type: ignore[arg-type]
        f"{head} {proc.form_title} Kính gửi: {unit}. Họ, chữ đệm, tên người yêu cầu: {name}. Dân tộc: "
        f"{rng.choice(ETHNICITIES)}. Số định danh cá nhân: {d['id_number']}. Nơi cư trú: {d['address']}. "
        f"Đề nghị cấp giấy chứng nhận quyền sử dụng đất đối với thửa đất số {thua}, tờ bản đồ số {to}, diện tích "
        f"{rng.randint(80, 1200)},{rng.randint(0, 9)} m², mục đích sử dụng đất ở tại nông thôn. "
        + " ".join(rng.sample(_BOILER, 5)),
        f"{head} Số: {d['number']} {unit}, {long_date(d['due'])} QUYẾT ĐỊNH Về việc {proc.name.lower()} "
        f"CHỦ TỊCH {str(unit).upper()} " + " ".join(rng.sample(_BOILER, 4))
        + f" QUYẾT ĐỊNH: Điều 1. Giải quyết hồ sơ {proc.name.lower()} cho {title} {name}, số định danh "
        f"{d['id_number']}, thường trú tại {d['address']}, thửa đất số {thua}, tờ bản đồ số {to}. Điều 2. "
        f"Giao công chức chuyên môn hướng dẫn thực hiện. Điều 3. Thi hành. CHỦ TỊCH {d['signer']}",
    ]
    while len(texts) < count:
        texts.append(f"{head} Bản sao {rng.choice(proc.documents).lower()} của {title} {name}. "
                     + " ".join(rng.sample(_BOILER, 6)))
    return texts[:count]


def dossier(index: int, seed: int = 0) -> CorpusDossier:
    """Dossier number `index` of the corpus with this seed: same inputs, same dossier, every time."""
    rng = random.Random(seed * 1_000_003 + index)
    unit_slot = rng.choices(range(len(UNIT_NAMES)), cum_weights=_UNIT_WEIGHTS)[0]
    unit, unit_code = UNIT_NAMES[unit_slot], UNIT_CODES[unit_slot]
    procedure = rng.choice(PROCEDURES)
    received = date(2016, 1, 4) + timedelta(days=rng.randrange(365 * 9))
    due = received + timedelta(days=procedure.days + 2)
    name, male = _person(rng)
    province = rng.choice(PROVINCES)
    commune = rng.choice(_EXTRA_COMMUNES)
    address = f"{rng.choice(HAMLETS)}, xã {commune}, huyện {rng.choice(DISTRICTS)}, tỉnh {province}"
    id_number = f"0{rng.randint(1, 96):02d}{0 if male else 1}{rng.randint(50, 99)}{rng.randrange(10**6):06d}"
    # Dossier index in the code's serial keeps codes unique across a million dossiers.
    code = f"{unit_code}-{received:%y%m%d}-{index % 10_000:04d}"
    number = f"{rng.randint(1, 2999)}/{rng.choice(_DOC_TYPES)}-UBND"
    parcel = (rng.randint(1, 999), rng.randint(1, 120))
    status = rng.choice(STATUSES)
    fields = {"unit": unit, "applicant": name, "title": "ông" if male else "bà", "procedure": procedure,
              "parcel": parcel, "code": code, "address": address, "id_number": id_number, "received": received,
              "due": due, "number": number, "signer": _person(rng)[0]}
    page_count = rng.choice((1, 2, 2, 3, 3, 3, 4, 5, 6))
    texts = _page_texts(rng, fields, page_count)
    # Pages in 1-3 documents (receipt, application, decision...), as a scanner stack split would give them.
    pages = []
    for n, text in enumerate(texts):
        document_id = f"d{index}-{min(n, 2)}"
        pages.append(PageDocument(
            id=page_id(document_id, n + 1), document_id=document_id, page_number=n + 1, text=text,
            dossier_code=code, unit=unit, field=procedure.field, procedure_code=procedure.code, status=status,
            received_date=received, applicant=name, document_numbers=(number,) if n == 2 else (),
            file_name=f"{code}.{min(n, 2) + 1}.pdf",
        ))
    return CorpusDossier(index, code, unit, procedure, name, address, id_number, received, status, parcel,
                         number, tuple(pages))


def corpus_dossiers(pages: int, seed: int = 0) -> Iterator[CorpusDossier]:
    """Dossiers 0, 1, 2, ... until `pages` pages are reached (the last dossier may be cut short)."""
    produced, index = 0, 0
    while produced < pages:
        d = dossier(index, seed)
        yield d
        produced += len(d.pages)
        index += 1


def corpus_pages(pages: int, seed: int = 0) -> Iterator[PageDocument]:
    """Exactly `pages` pages, lazily: memory does not grow with the corpus."""
    left = pages
    for d in corpus_dossiers(pages, seed):
        yield from d.pages[:left]
        left -= min(left, len(d.pages))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.search_corpus", description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--show", type=int, default=2, help="print this many sample pages")
    args = parser.parse_args(argv)
    started, chars, dossiers = time.perf_counter(), 0, set()
    for n, page in enumerate(corpus_pages(args.pages, args.seed)):
        chars += len(page.text)
        dossiers.add(page.dossier_code)
        if n < args.show:
            print(page, "\n")
    elapsed = time.perf_counter() - started
    print(f"{args.pages} pages, {len(dossiers)} dossiers, {chars / args.pages:.0f} chars/page, "
          f"{args.pages / elapsed:,.0f} pages/s generated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
