"""Document role and type from the recognised text and its layout: pure, no I/O.

    classify_document(pages: Sequence[PageResult]) -> Classification
    Classification(role: "receipt" | "component" | "result", doc_type: str, confidence: float, reasons: tuple[str, ...])

Input: the `ocr.model.PageResult` of each page of ONE document, as ingest has them after recognition.

Types (doc_type) and their role:
- giay_tiep_nhan — "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" (or a QR receipt of the one-stop system):
  role receipt. A receipt is never a dossier component.
- quyet_dinh, giay_chung_nhan, trich_luc, giay_phep — papers the handling agency issues: role result when they
  are issued (NĐ 30/2020 layout: agency top-left, national motto top-right, "Số: …" and a signature block);
  a copy ("bản sao", "sao y", "chứng thực bản sao") of one is a component: an earlier result handed in.
- don (đơn …), to_khai (tờ khai …), phieu_yeu_cau (phiếu yêu cầu …) — the applicant's forms: component.
- ban_sao_giay_to_tuy_than — a copy of a CCCD / CMND / căn cước: component.
- van_ban — an official letter (công văn: "V/v …", "Kính gửi", a symbol without a type such as 12/UBND-VP):
  component, and never above the review threshold: it may be a participating agency's opinion (component) or
  a written reply that settles the dossier (result), which only a person can tell.
- khac — nothing recognised: component at low confidence, so a person looks at it.

Confidence: the title found (0.55; 0.45 when only similar), plus agreeing evidence: the layout (+0.2), the
symbol's type abbreviation (QĐ, GP, GCN, TL: +0.1), a signer's title (+0.1), a receipt's QR code and
"Mã hồ sơ" (+0.2); evidence pointing elsewhere takes 0.2 off. Below 0.6 the caller sends it to review.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ocr.extract import TextLine, document_lines, extract_metadata
from ocr.model import PageResult
from ocr.qr import parse_receipt_payload
from sohoa.domain.codes import scan_document_numbers

ROLES = ("receipt", "component", "result")


@dataclass(frozen=True)
class Classification:
    role: str  # receipt | component | result
    doc_type: str
    confidence: float  # 0..1
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class _Title:
    key: str  # folded, as it starts the title line
    doc_type: str
    role: str


TITLES = (
    _Title("giay tiep nhan ho so", "giay_tiep_nhan", "receipt"),
    _Title("phieu tiep nhan ho so", "giay_tiep_nhan", "receipt"),
    _Title("giay bien nhan ho so", "giay_tiep_nhan", "receipt"),
    _Title("quyet dinh", "quyet_dinh", "result"),
    _Title("giay chung nhan", "giay_chung_nhan", "result"),
    _Title("trich luc", "trich_luc", "result"),
    _Title("giay phep", "giay_phep", "result"),
    _Title("to khai", "to_khai", "component"),
    _Title("don ", "don", "component"),
    _Title("phieu yeu cau", "phieu_yeu_cau", "component"),
    _Title("can cuoc cong dan", "ban_sao_giay_to_tuy_than", "component"),
    _Title("chung minh nhan dan", "ban_sao_giay_to_tuy_than", "component"),
    _Title("can cuoc", "ban_sao_giay_to_tuy_than", "component"),
)
# The symbol's first part that names each issued type (NĐ 30/2020 Phụ lục III).
TYPE_ABBREVIATIONS = {"quyet_dinh": "QD", "giay_phep": "GP", "giay_chung_nhan": "GCN", "trich_luc": "TL"}
REVIEW_BELOW = 0.6

_MOTTO = re.compile(r"cong hoa xa hoi chu nghia viet nam|doc lap\s*-?\s*tu do")
# A copy's own marking: a "BẢN SAO" stamp, "Sao y bản chính", the certifier's "Chứng thực bản sao đúng với
# bản chính" — a line of its own, not the words inside a sentence (a decision may be about certifying copies).
_COPY = re.compile(r"^\W*(?:ban sao\W*$|sao y(?: ban chinh)?\b|chung thuc ban sao dung voi ban chinh|ban sao tu so goc)")
_ID_CARD = re.compile(r"can cuoc|chung minh nhan dan|identity card|citizen identity")
_LETTER = re.compile(r"^\s*v\s*/\s*v\b|kinh gui")


def _letters(folded: str) -> str:
    return re.sub(r"[^a-z ]+", " ", folded).strip()


def _match_title(line: TextLine) -> tuple[_Title, float] | None:
    """The title a capitals line starts with: exact (1.0) or within OCR slips (ratio >= 0.85)."""
    text = " ".join(_letters(line.folded).split())
    best = None
    for title in TITLES:
        key = title.key.strip()
        if text.startswith(key) and (len(text) == len(key) or text[len(key)] == " "):
            return title, 1.0
        ratio = difflib.SequenceMatcher(None, text[: len(key)], key).ratio()
        if ratio >= 0.85 and (best is None or ratio > best[1]):
            best = (title, ratio)
    return best


def _is_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) / len(letters) >= 0.8


def _title(lines: list[TextLine]) -> tuple[_Title, float, TextLine] | None:
    for line in lines:
        if line.page != 1 or line.top > 0.6 or not _is_capitals(line.text) or _MOTTO.search(line.folded):
            continue
        found = _match_title(line)
        if found:
            return found[0], found[1], line
    return None


def _layout(lines: list[TextLine]) -> str:
    """"issued": agency top-left and motto top-right (NĐ 30/2020); "form": motto alone across the top."""
    top = [ln for ln in lines if ln.page == 1 and ln.top < 0.3]
    motto = [ln for ln in top if _MOTTO.search(ln.folded)]
    if not motto:
        return "none"
    numbered = any(re.match(r"\s*s[o0]\s*[:;.]?\s*\d", ln.folded) for ln in top)
    left_agency = any(
        (ln.centre is not None and ln.centre < 0.45 or _MOTTO.search(ln.folded) and not ln.folded.lstrip().startswith("cong hoa"))
        and re.search(r"uy ban|ubnd|so |phong |cong an|chi cuc|van phong|bo |cuc ", ln.folded)
        for ln in top
    )  # fmt: skip
    return "issued" if numbered or left_agency else "form"


def classify_document(pages: Sequence[PageResult]) -> Classification:
    """Role and type of one document (see the module docstring for the rules)."""
    lines = document_lines(pages)
    text = " ".join(line.folded for line in lines)
    reasons: list[str] = []
    layout = _layout(lines)
    fields = extract_metadata(pages)
    receipt_qr = bool(pages) and any(parse_receipt_payload(p) for p in pages[0].qr_payloads)
    found = _title(lines)
    if found:
        title, similarity, line = found
        doc_type, role = title.doc_type, title.role
        confidence = 0.55 if similarity == 1.0 else 0.45
        reasons.append(f"title {line.text.strip()!r}" + ("" if similarity == 1.0 else f" (~{similarity:.2f})"))
    elif receipt_qr:
        doc_type, role, confidence = "giay_tiep_nhan", "receipt", 0.45
        reasons.append("receipt QR code without its title")
    elif _ID_CARD.search(text) and layout == "none":
        doc_type, role, confidence = "ban_sao_giay_to_tuy_than", "component", 0.5
        reasons.append("identity card words, no administrative layout")
    elif layout == "issued" and _LETTER.search(text):
        doc_type, role, confidence = "van_ban", "component", 0.45
        reasons.append("official letter: V/v or Kính gửi under an agency header")
    elif "dieu 1" in text and re.search(r"quyet dinh\s*:", text):
        doc_type, role, confidence = "quyet_dinh", "result", 0.45
        reasons.append("articles after 'QUYẾT ĐỊNH:' without a readable title")
    else:
        reasons.append("no title, layout or wording recognised")
        return Classification("component", "khac", 0.2, tuple(reasons))

    if role == "receipt":
        if receipt_qr:
            confidence += 0.2
            reasons.append("receipt QR code with a dossier code")
        if re.search(r"ma\s*(so\s*)?ho\s*so", text):
            confidence += 0.2
            reasons.append("'Mã hồ sơ' printed")
    elif role == "result":
        if layout == "issued":
            confidence += 0.2
            reasons.append("NĐ 30/2020 layout: agency top-left, motto top-right")
        elif layout == "form":
            confidence -= 0.2
            reasons.append("motto alone at the top, as on an applicant's form")
        number = fields.get("number_symbol")
        expected = TYPE_ABBREVIATIONS.get(doc_type)
        if number and expected:
            hits = scan_document_numbers(number.value)
            kinds = hits[0].value.split("/")[-1].split("-") if hits else []
            if kinds and kinds[0] == expected:
                confidence += 0.1
                reasons.append(f"symbol {number.value} names the type")
        if "signer_title" in fields:
            confidence += 0.1
            reasons.append(f"signed as {fields['signer_title'].value}")
        if any(_COPY.search(line.folded) for line in lines):
            role = "component"
            reasons.append("marked as a copy: an earlier result handed in as a component")
    elif doc_type == "van_ban":
        confidence = min(confidence + (0.1 if "number_symbol" in fields else 0.0), REVIEW_BELOW - 0.05)
        reasons.append("a letter may be an opinion (component) or a reply that settles the dossier (result)")
    else:  # the applicant's forms and ID copies
        if doc_type == "ban_sao_giay_to_tuy_than":
            if _ID_CARD.search(text):
                confidence += 0.2
            if "owner_id" in fields:
                confidence += 0.2
                reasons.append("ID number printed")
        elif layout == "form":
            confidence += 0.2
            reasons.append("motto alone at the top, as on an applicant's form")
        elif layout == "issued":
            confidence -= 0.2
            reasons.append("agency header, unusual for an applicant's form")
        if doc_type != "ban_sao_giay_to_tuy_than" and re.search(r"kinh gui", text):
            confidence += 0.1
            reasons.append("addressed with 'Kính gửi'")
        if "owner_name" in fields and doc_type != "ban_sao_giay_to_tuy_than":
            confidence += 0.1
            reasons.append("applicant named")
    return Classification(role, doc_type, round(max(0.0, min(1.0, confidence)), 3), tuple(reasons))
