"""A small archive built straight through the catalogue, object store and index API (no OCR), for web tests.

Two units; accented applicants; an unlinked document, a low-confidence page and a quarantined file in unit A.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from flows.index_sync import index_pending
from sohoa.config import Settings, load_settings
from storage.catalog import Catalog, PageInput, open_catalog
from sohoa.compose import open_object_store, open_search_index
from storage.objects import derived_key, original_key

UNIT_A = "UBND xã Lộc An"
UNIT_B = "UBND xã Duy Trung"


@dataclass(frozen=True)
class SampleDossier:
    code: str
    unit: str
    field: str
    applicant: str
    received: str  # dd/mm/yyyy
    text: str
    scanned: bool = True


DOSSIERS = (
    SampleDossier(
        "H21.65-220914-0011",
        UNIT_A,
        "Hộ tịch",
        "Nguyễn Văn Hùng",
        "14/09/2022",
        "Tờ khai đăng ký khai sinh. Người yêu cầu: Nguyễn Văn Hùng, thôn Phú Hải, xã Lộc An.",
    ),
    SampleDossier(
        "H21.65-221003-0042",
        UNIT_A,
        "Chứng thực",
        "Lê Thị Hồng Nhung",
        "03/10/2022",
        "Giấy đề nghị chứng thực bản sao. Người yêu cầu: Lê Thị Hồng Nhung. Số: 123/QĐ-UBND",
    ),
    SampleDossier("H21.65-230115-0007", UNIT_A, "Hộ tịch", "Phạm Minh Đức", "15/01/2023", "", scanned=False),
    SampleDossier(
        "000.00.14.H12-220920-0003",
        UNIT_B,
        "Đất đai",
        "Trần Thị Bích Ngọc",
        "20/09/2022",
        "Đơn đăng ký biến động đất đai. Chủ sử dụng: Trần Thị Bích Ngọc, thôn Trà Kiệu, xã Duy Trung.",
    ),
    SampleDossier(
        "000.00.14.H12-221111-0019", UNIT_B, "Đất đai", "Võ Văn Kiệt", "11/11/2022", "", scanned=False
    ),
)
UNLINKED_TEXT = "Quyết định về việc hỗ trợ hộ nghèo. Ông Hoàng Văn Tư, thôn Hòa An."


def settings_for(home: Path) -> Settings:
    return load_settings(environ={"SOHOA_HOME": str(home)}, config_file=home / "none.toml")


def page_image(text: str) -> bytes:
    image = Image.new("RGB", (620, 877), "white")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(text.split(". ")):
        draw.text((40, 60 + 24 * i), line, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


def words_json(text: str, low: set[str]) -> bytes:
    words = []
    for i, word in enumerate(text.split()):
        words.append([word, 80 + 60 * (i % 30), 120 + 48 * (i // 30), 55, 40, 40.0 if word in low else 92.0])
    return json.dumps({"width": 2480, "height": 3508, "words": words}, ensure_ascii=False).encode()


def write_registry(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "Mã hồ sơ",
                "Đơn vị",
                "Lĩnh vực",
                "Mã TTHC",
                "Tên TTHC",
                "Chủ hồ sơ",
                "Ngày tiếp nhận",
                "Trạng thái",
            ]
        )
        for d in DOSSIERS:
            writer.writerow(
                [
                    d.code,
                    d.unit,
                    d.field,
                    "1.001193",
                    f"Thủ tục {d.field.lower()}",
                    d.applicant,
                    d.received,
                    "Đã trả kết quả",
                ]
            )
    return path


def add_scan(
    catalog: Catalog,
    store,
    batch_id: int,
    name: str,
    text: str,
    *,
    low: set[str] = frozenset(),
    confidence: float = 91.0,
):  # noqa: ANN001
    """Store a one-page 'scan' with its image, words and PDF, and catalogue it as a recognised document."""
    original = b"%PDF-1.4 original scan of " + name.encode() + b"\n%%EOF\n"
    sha = hashlib.sha256(original).hexdigest()
    okey = original_key(sha, ".pdf")
    store.put_bytes(okey, original)
    source = catalog.record_source_file(
        sha,
        object_key=okey,
        original_name=name,
        size=len(original),
        format="pdf",
        page_count=1,
        batch_id=batch_id,
    )
    document = catalog.record_document(source.id, 1, 1)
    image_key = store.put_bytes(derived_key(sha, "page-00001.jpg"), page_image(text)).key
    words_key = store.put_bytes(derived_key(sha, "page-00001.words.json"), words_json(text, low)).key
    pdf_key = store.put_bytes(
        derived_key(sha, "document-00001-00001.pdf"), b"%PDF-1.4 searchable " + sha.encode() + b"\n%%EOF\n"
    ).key
    pages = catalog.record_pages(
        document.id, [PageInput(1, 0, text, confidence, {}, False, words_key, image_key)]
    )
    catalog.mark_document_recognized(
        document.id, pdf_key=pdf_key, verified_keys=[okey, image_key, words_key, pdf_key]
    )
    return source, document, pages[0]


def build_archive(home: Path) -> Settings:
    settings = settings_for(home)
    catalog = open_catalog(settings.database_url, default_target=settings.default_target)
    store = open_object_store(settings.storage_url)
    index = open_search_index(settings.search_url, settings.home)
    index.ensure()
    try:
        from storage.catalog.registry import import_registry

        import_registry(catalog, write_registry(home / "registry.csv"))
        catalog.set_target(0.8, unit=UNIT_A)
        batches = {
            unit: catalog.start_batch(f"web-test-{unit}", "tests", unit=unit).id for unit in (UNIT_A, UNIT_B)
        }
        for d in DOSSIERS:
            if not d.scanned:
                continue
            low = {"Phú", "Hải,"} if d.code.endswith("0011") else set()
            _source, document, page = add_scan(
                catalog, store, batches[d.unit], f"{d.code}.1.pdf", d.text, low=low
            )
            catalog.link_document(document.id, d.code, "filename", ordinal=1, unit=d.unit)
            if low:
                catalog.open_review_item(
                    "low_confidence", "độ tin cậy 40% / confidence", page_id=page.id, document_id=document.id
                )
        source, document, _page = add_scan(
            catalog, store, batches[UNIT_A], "Scan_20220916_0002.pdf", UNLINKED_TEXT
        )
        catalog.open_review_item(
            "unlinked",
            "no dossier code",
            document_id=document.id,
            source_file_id=source.id,
            path=source.original_name,
        )
        bad = b"not really a pdf"
        sha = hashlib.sha256(bad).hexdigest()
        store.put_bytes(original_key(sha, ".pdf"), bad)
        broken = catalog.record_source_file(
            sha,
            object_key=original_key(sha, ".pdf"),
            original_name="hong.pdf",
            size=len(bad),
            format="unknown",
            batch_id=batches[UNIT_A],
        )
        catalog.quarantine_file(
            str(home / "hong.pdf"), "tệp hỏng / unreadable file", source_file_id=broken.id
        )
        index_pending(catalog, index)
    finally:
        index.close()
        catalog.close()
    return settings
