"""The three page kinds drawn as on paper: an NĐ 30/2020 decision, a form with dotted fields, a QR receipt sheet."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlencode

import numpy as np
import segno
from PIL import Image

from benchmarks.synth import seal
from benchmarks.synth.canvas import Canvas, Line, font, mm
from benchmarks.synth.content import Dossier, long_date

KINDS = ("decision", "form", "receipt")
LEFT, RIGHT, TOP = mm(30), mm(210 - 18), mm(18)
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


@dataclass
class Drawn:
    """A clean page and its ground truth, before scanner damage."""

    image: Image.Image
    lines: list[Line]
    qr_payload: str | None = None
    metadata: dict = field(default_factory=dict)


def _header(c: Canvas, d: Dossier, number: str | None, date_line: bool, points: float = 13,
            top: float = TOP, when: datetime | None = None) -> float:
    """Agency block top-left, motto top-right; returns the y below the taller of the two."""
    split = LEFT + (RIGHT - LEFT) * 0.40
    superior, issuer = d.unit.header
    y = top
    c.text(superior, LEFT, y, "regular", points - 0.5, align="center", right=split)
    y += font("regular", points).size * 1.2
    # A long issuer name wraps onto two centred bold lines, as secretaries type it.
    words = issuer.split()
    cut = 4 if c.width_of(issuer, "bold", points) > split - LEFT else len(words)
    for part in (" ".join(words[:cut]), " ".join(words[cut:])):
        if part:
            box = c.text(part, LEFT, y, "bold", points, align="center", right=split)
            y += font("bold", points).size * 1.2
    mid = (box[0] + box[2]) / 2
    c.underline(mid - mm(12), mid + mm(12), box[3] + mm(1.5), 3)
    y += mm(4)
    if number:
        c.text(number, LEFT, y, "regular", points, align="center", right=split)
    left_bottom = y + font("regular", points).size * 1.3

    y = top
    c.text(MOTTO[0], split + mm(2), y, "bold", points - 0.5, align="center", right=RIGHT)
    y += font("bold", points).size * 1.2
    box = c.text(MOTTO[1], split + mm(2), y, "bold", points + 0.5, align="center", right=RIGHT)
    c.underline(box[0], box[2], box[3] + mm(1.5), 3)
    y += font("bold", points).size * 1.2 + mm(4) + (font("bold", points).size * 1.2 if cut < len(words) else 0)
    if date_line:
        # A decision is signed between receipt and the due date.
        when = when or d.received_at + (d.due_at - d.received_at) / 2
        c.text(f"{d.unit.place}, {long_date(when)}",
               split + mm(2), y, "italic", points + 0.5, align="center", right=RIGHT)
    return max(left_bottom, y + font("italic", points).size * 1.3)


def _signature_block(c: Canvas, rng: random.Random, x0: float, y: float, x1: float, roles: list[str], name: str,
                     points: float = 14) -> tuple[tuple[int, int, int, int], tuple[int, int, int, int]]:
    """Role lines, room for the signature, the signer's name; returns (signature area, name box)."""
    for role in roles:
        c.text(role, x0, y, "bold", points, align="center", right=x1)
        y += font("bold", points).size * 1.2
    area_top = int(y + mm(2))
    y += mm(24)
    box = c.text(name, x0, y, "bold", points, align="center", right=x1)
    area = (int(x0 + (x1 - x0) * 0.22), area_top, int(x1 - (x1 - x0) * 0.2), int(box[3] - mm(3)))
    return area, box


def _wrap(text: str, width: float, style: str, points: float) -> list[str]:
    f = font(style, points)
    lines: list[str] = []
    for word in text.split():
        if lines and f.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def decision(d: Dossier, rng: random.Random) -> Drawn:
    c = Canvas()
    points = rng.choice((13, 14))
    number = f"Số: {d.document_number}/QĐ-UBND"
    issued = d.received_at + (d.due_at - d.received_at) / 2
    y = _header(c, d, number, True, 13, when=issued) + mm(8)
    field_name = d.procedure.field
    applicant = d.applicant
    subject = {
        "Đất đai": "Về việc cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất",
        "Hộ tịch": "Về việc cải chính, bổ sung thông tin hộ tịch",
        "Chứng thực": "Về việc giao nhiệm vụ chứng thực bản sao từ bản chính",
        "Bảo trợ xã hội": "Về việc trợ cấp xã hội hằng tháng",
    }[field_name]
    c.text("QUYẾT ĐỊNH", LEFT, y, "bold", 14, align="center", right=RIGHT)
    y += font("bold", 14).size * 1.25
    for part in _wrap(subject, RIGHT - LEFT - mm(40), "bold", 14):
        c.text(part, LEFT, y, "bold", 14, align="center", right=RIGHT)
        y += font("bold", 14).size * 1.25
    y += mm(3)
    issuer_caps = d.unit.issuer.upper()
    c.text(f"CHỦ TỊCH {issuer_caps}", LEFT, y, "bold", 14, align="center", right=RIGHT)
    y += font("bold", 14).size * 1.25 + mm(4)
    grounds = [
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số điều "
        "của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;",
        {
            "Đất đai": "Căn cứ Luật Đất đai ngày 29 tháng 11 năm 2013 và Nghị định số 43/2014/NĐ-CP ngày 15 tháng 5 "
                       "năm 2014 của Chính phủ quy định chi tiết thi hành một số điều của Luật Đất đai;",
            "Hộ tịch": "Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014 và Nghị định số 123/2015/NĐ-CP ngày 15 "
                       "tháng 11 năm 2015 của Chính phủ;",
            "Chứng thực": "Căn cứ Nghị định số 23/2015/NĐ-CP ngày 16 tháng 02 năm 2015 của Chính phủ về cấp bản sao "
                          "từ sổ gốc, chứng thực bản sao từ bản chính, chứng thực chữ ký;",
            "Bảo trợ xã hội": "Căn cứ Nghị định số 20/2021/NĐ-CP ngày 15 tháng 3 năm 2021 của Chính phủ quy định "
                              "chính sách trợ giúp xã hội đối với đối tượng bảo trợ xã hội;",
        }[field_name],
        f"Xét đề nghị của {applicant.title} {applicant.name} tại đơn đề nghị {long_date(d.received_at)}.",
    ]
    for ground in grounds:
        y = c.paragraph(ground, LEFT, y, RIGHT, "italic", points, indent=mm(10))
    y += mm(2)
    c.text("QUYẾT ĐỊNH:", LEFT, y, "bold", 14, align="center", right=RIGHT)
    y += font("bold", 14).size * 1.4
    who = (f"{applicant.title} {applicant.name}, sinh ngày {applicant.born:%d/%m/%Y}, số định danh cá nhân "
           f"{applicant.id_number}, nơi cư trú: {applicant.address}")
    thua, to, area = d.parcel
    article1 = {
        "Đất đai": f"Điều 1. Cấp Giấy chứng nhận quyền sử dụng đất cho {who}, đối với thửa đất số {thua}, "
                   f"tờ bản đồ số {to}, diện tích {area} m², mục đích sử dụng: đất ở tại nông thôn, "
                   "thời hạn sử dụng: lâu dài.",
        "Hộ tịch": f"Điều 1. Cho phép cải chính thông tin trong Giấy khai sinh của {who}: họ, chữ đệm, tên "
                   f"được ghi đúng là \u201c{applicant.name}\u201d.",
        "Chứng thực": f"Điều 1. Giao công chức Tư pháp - Hộ tịch thực hiện chứng thực bản sao theo yêu cầu của {who}.",
        "Bảo trợ xã hội": f"Điều 1. Trợ cấp xã hội hằng tháng cho {who}, mức trợ cấp 540.000 đồng/tháng, "
                          f"kể từ tháng {d.due_at.month} năm {d.due_at.year}.",
    }[field_name]
    articles = [
        article1,
        "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
        f"Điều 3. Văn phòng {d.unit.issuer}, công chức chuyên môn và {applicant.title} "
        f"{applicant.name} chịu trách nhiệm thi hành Quyết định này./.",
    ]
    for article in articles:
        y = c.paragraph(article, LEFT, y, RIGHT, "regular", points, indent=mm(10))
    y += mm(6)
    split = LEFT + (RIGHT - LEFT) * 0.45
    fy = y
    c.text("Nơi nhận:", LEFT, fy, "bolditalic", 12)
    fy += font("bolditalic", 12).size * 1.2
    for item in ("- Như Điều 3;", f"- {d.unit.name};", "- Lưu: VT."):
        c.text(item, LEFT, fy, "regular", 11)
        fy += font("regular", 11).size * 1.2
    deputy = rng.random() < 0.4
    roles = ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"] if deputy else ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    area, name_box = _signature_block(c, rng, split, y, RIGHT, roles, d.signer)
    image = seal.signature(c.image, area, rng)
    radius = mm(rng.uniform(17, 19))
    # The seal sits on the left third of the signature and covers part of the signer's name, as it must by law.
    centre = (int(area[0] + (area[2] - area[0]) * rng.uniform(0.05, 0.25)), int(name_box[1] - radius * rng.uniform(0.35, 0.6)))
    superior = d.unit.header[0]
    ring = f"{d.unit.issuer.upper()} * {superior.replace('UBND ', '')} *"
    image = seal.stamp(image, centre, radius, ring, rng)
    fields = {"number_symbol": number[4:], "issued_on": issued.date().isoformat(), "agency": d.unit.header[1],
              "signer": d.signer, "signer_title": roles[-1], "subject": subject.removeprefix("Về việc "),
              "owner_name": applicant.name, "owner_id": applicant.id_number}
    return Drawn(image, c.lines, None, {"document_number": number[4:], "title": "QUYẾT ĐỊNH", "subject": subject,
                                        "signer": d.signer, "seal_centre": centre, "seal_radius": radius,
                                        "role": "result", "doc_type": "quyet_dinh", "fields": fields})


def _field(c: Canvas, label: str, value: str | None, y: float, x0: float = LEFT, x1: float = RIGHT,
           points: float = 13) -> float:
    """A label, maybe a typed value, and dot leaders to the end of the line; dots stay out of the truth."""
    f = font("regular", points)
    text = f"{label} {value}" if value else label
    box = c.text(text, x0, y, "regular", points)
    if box[2] + mm(4) < x1:
        c.dotted_leader(box[2] + mm(1.5), x1, y, points)
    return y + f.size * 1.6


def form(d: Dossier, rng: random.Random, show_code: bool = False) -> Drawn:
    c = Canvas()
    p = d.applicant
    y = TOP
    for i, line in enumerate(MOTTO):
        box = c.text(line, LEFT, y, "bold", 13 if i == 0 else 14, align="center", right=RIGHT)
        y += font("bold", 14).size * 1.2
    c.underline(box[0], box[2], box[3] + mm(1.5))
    y += mm(10)
    y = c.paragraph(d.procedure.form_title, LEFT + mm(10), y, RIGHT - mm(10), "bold", 14, justify=False)
    y += mm(4)
    c.text(f"Kính gửi: {d.unit.issuer}", LEFT, y, "regular", 13, align="center", right=RIGHT)
    y += font("regular", 13).size * 1.8
    if show_code:
        y = _field(c, "Mã hồ sơ:", d.code, y)
    blank = rng.random() < 0.5  # some applicants leave optional lines empty
    rows: list[tuple[str, str | None]] = [
        ("Họ, chữ đệm, tên người yêu cầu:", p.name),
        ("Ngày, tháng, năm sinh:", f"{p.born:%d/%m/%Y}"),
        ("Giới tính:", "Nam" if p.male else "Nữ"),
        ("Dân tộc:", p.ethnicity),
        ("Quốc tịch:", "Việt Nam"),
        ("Nơi cư trú:", p.address),
        ("Số định danh cá nhân:", p.id_number),
        ("Số điện thoại:", None if blank else f"09{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}"),
        ("Email:", None),
    ]
    if d.procedure.field == "Đất đai":
        thua, to, area = d.parcel
        rows += [("Thửa đất số:", f"{thua}; tờ bản đồ số: {to}"), ("Diện tích:", f"{area} m²"),
                 ("Địa chỉ thửa đất:", p.address.split(",", 1)[1].strip())]
    else:
        other = f"{p.name.split()[0]} {rng.choice(('Minh', 'Gia', 'Bảo', 'Ngọc'))} {rng.choice(('An', 'Khôi', 'Hân', 'Như'))}"
        rows += [("Quan hệ với người được đăng ký:", rng.choice(("Cha", "Mẹ", "Ông nội", "Bà ngoại"))),
                 ("Họ, chữ đệm, tên người được đăng ký:", other),
                 ("Nơi sinh:", f"Trạm y tế xã {d.unit.commune or 'Lộc Sơn'}, huyện {d.unit.district}, tỉnh {d.unit.province}")]
    for label, value in rows:
        if value and c.width_of(f"{label} {value}", "regular", 13) > RIGHT - LEFT:
            c.text(label, LEFT, y, "regular", 13)
            y += font("regular", 13).size * 1.3
            y = _field(c, value, None, y, LEFT + mm(10))
        else:
            y = _field(c, label, value, y)
    y += mm(2)
    y = c.paragraph("Tôi cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp luật "
                    "về cam đoan của mình.", LEFT, y, RIGHT, "regular", 13, indent=mm(10))
    y += mm(6)
    split = LEFT + (RIGHT - LEFT) * 0.45
    c.text(f"Làm tại: {d.unit.place}, {long_date(d.received_at)}", split, y, "italic", 13, align="center", right=RIGHT)
    y += font("italic", 13).size * 1.4
    c.text("Người yêu cầu", split, y, "bold", 13, align="center", right=RIGHT)
    y += font("bold", 13).size * 1.2
    area, _ = _signature_block(c, rng, split, y, RIGHT, ["(Ký, ghi rõ họ, chữ đệm, tên)"], p.name, 13)
    image = seal.signature(c.image, area, rng)
    doc_type = {"TỜ": "to_khai", "ĐƠN": "don", "PHIẾU": "phieu_yeu_cau"}[d.procedure.form_title.split()[0]]
    fields = {"issued_on": d.received_at.date().isoformat(), "owner_name": p.name, "owner_id": p.id_number}
    return Drawn(image, c.lines, None, {"title": d.procedure.form_title, "show_code": show_code,
                                        "role": "component", "doc_type": doc_type, "fields": fields})


def qr_payload(d: Dossier, style: str) -> str:
    """What one-stop systems put in the receipt's QR code; formats differ between provinces."""
    if style == "pipe":
        return f"{d.code}|{d.procedure.code}|{d.applicant.id_number}"
    if style == "json":
        return json.dumps({"maHoSo": d.code, "maTTHC": d.procedure.code, "soGiayTo": d.applicant.id_number},
                          ensure_ascii=False)
    query = urlencode({"maHoSo": d.code, "maTTHC": d.procedure.code, "cccd": d.applicant.id_number})
    return f"https://dichvucong.gov.vn/p/tra-cuu-ho-so?{query}"


QR_STYLES = ("pipe", "json", "url")


def receipt(d: Dossier, rng: random.Random) -> Drawn:
    c = Canvas()
    payload = qr_payload(d, rng.choice(QR_STYLES))
    qr = segno.make(payload, error="m")
    scale = max(4, mm(22) // qr.symbol_size(border=2)[0])
    matrix = np.array([[0 if bit else 255 for bit in row] for row in qr.matrix], np.uint8)
    matrix = np.pad(matrix, 2, constant_values=255)
    tile = Image.fromarray(np.kron(matrix, np.ones((scale, scale), np.uint8))).convert("RGB")
    c.image.paste(tile, (mm(12), mm(10)))
    top = mm(10) + tile.height + mm(4)
    p = d.applicant
    # Receipts put the header below the QR code.
    number = f"{d.code.rsplit('-', 1)[1]}/TNHS"
    y = _header(c, d, f"Số: {number}", True, 13, top=top, when=d.received_at) + mm(8)
    c.text("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", LEFT, y, "bold", 14, align="center", right=RIGHT)
    y += font("bold", 14).size * 1.4
    c.text(f"Mã hồ sơ: {d.code}", LEFT, y, "bold", 13, align="center", right=RIGHT)
    y += font("bold", 13).size * 1.8
    step = font("regular", 13).size * 1.45
    body = [
        f"Bộ phận tiếp nhận và trả kết quả {d.unit.issuer}",
        f"Tiếp nhận hồ sơ của: {p.title.capitalize()} {p.name}",
        f"Số định danh cá nhân: {p.id_number}",
        f"Địa chỉ: {p.address}",
        f"Nội dung yêu cầu giải quyết: {d.procedure.name}",
        f"Lĩnh vực: {d.procedure.field}. Mã thủ tục: {d.procedure.code}",
        "1. Thành phần hồ sơ nộp gồm:",
    ]
    body += [f"   {i}) {doc}: 01 bản" for i, doc in enumerate(d.procedure.documents, 1)]
    body += [
        "2. Số lượng hồ sơ: 01 (bộ)",
        f"3. Thời gian giải quyết hồ sơ theo quy định là: {d.procedure.days:02d} ngày làm việc",
        f"4. Thời gian nhận hồ sơ: {d.received_at:%H} giờ {d.received_at:%M} phút, {long_date(d.received_at)}",
        f"5. Thời gian trả kết quả: {d.due_at:%H} giờ {d.due_at:%M} phút, {long_date(d.due_at)}",
        f"6. Vào Sổ theo dõi hồ sơ, Quyển số: {d.received_at.year % 100:02d}",
    ]
    for line in body:
        if c.width_of(line, "regular", 13) > RIGHT - LEFT:
            y = c.paragraph(line, LEFT, y, RIGHT, "regular", 13, spacing=1.45, justify=False)
        else:
            c.text(line.strip(), LEFT + (mm(6) if line.startswith("   ") else 0), y, "regular", 13)
            y += step
    y += mm(8)
    split = LEFT + (RIGHT - LEFT) * 0.5
    # Two signature blocks side by side: read the left one, then the right one.
    c.text("NGƯỜI NỘP HỒ SƠ", LEFT, y, "bold", 13, align="center", right=split)
    left_area, _ = _signature_block(c, rng, LEFT, y + font("bold", 13).size * 1.2, split,
                                    ["(Ký và ghi rõ họ tên)"], p.name, 13)
    c.text("NGƯỜI TIẾP NHẬN HỒ SƠ", split, y, "bold", 13, align="center", right=RIGHT)
    right_area, _ = _signature_block(c, rng, split, y + font("bold", 13).size * 1.2, RIGHT,
                                     ["(Ký và ghi rõ họ tên)"], d.officer, 13)
    image = seal.signature(c.image, left_area, rng)
    image = seal.signature(image, right_area, rng)
    fields = {"number_symbol": number, "issued_on": d.received_at.date().isoformat(), "agency": d.unit.header[1],
              "owner_name": p.name, "owner_id": p.id_number}
    return Drawn(image, c.lines, payload, {"title": "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
                                           "qr_box": (mm(12), mm(10), mm(12) + tile.width, mm(10) + tile.height),
                                           "role": "receipt", "doc_type": "giay_tiep_nhan", "fields": fields})
