"""Small targeted timing (docs/search.md): the embedded index with N synthetic pages, queries with and without
the issue-10 filters (role, type, issuer, owner ID, issue-date range), 5 of 20 units allowed, 7 runs each.

    python -m benchmarks.search_filters_bench 20000
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from indexing import PageDocument, SearchQuery
from indexing.embedded import EmbeddedSearchIndex

NAMES = ["Nguyễn Văn Hùng", "Trần Thị Mai", "Lê Văn Tám", "Phạm Minh Đức", "Võ Thị Lan", "Hoàng Văn Tư"]
WORDS = "ủy ban nhân dân xã hồ sơ đề nghị cấp giấy chứng nhận quyền sử dụng đất thôn quyết định về việc".split()
TYPES = [("result", "quyet_dinh"), ("result", "giay_chung_nhan"), ("component", "don"),
         ("component", "to_khai"), ("receipt", "giay_tiep_nhan")]  # fmt: skip
UNITS = [f"Xã {i}" for i in range(20)]
START = date(2022, 1, 1)
CASES: dict[str, dict[str, object]] = {
    "words": {"text": "nguyen van hung"},
    "words+role": {"text": "nguyen van hung", "role": "result"},
    "words+type+issuer": {"text": "nguyen van hung", "doc_type": "quyet_dinh", "issuer": "uy ban xa 7"},
    "owner_id only": {"text": "", "owner_id": "0870 0000 1234"},
    "words+date range": {"text": "nguyen van hung", "issued_from": date(2022, 6, 1), "issued_to": date(2022, 8, 31)},
    "common word+date range": {"text": "hồ sơ", "issued_from": date(2022, 6, 1), "issued_to": date(2022, 8, 31)},
    "date range only": {"text": "", "issued_from": date(2022, 6, 1), "issued_to": date(2022, 8, 31)},
    "common word": {"text": "hồ sơ"},
}


def pages(count: int, rng: random.Random) -> Iterator[PageDocument]:
    for i in range(count):
        role, doc_type = rng.choice(TYPES)
        text = " ".join(rng.choice(WORDS) for _ in range(60)) + f" ông {rng.choice(NAMES)}"
        yield PageDocument(
            id=f"{i}:1", document_id=str(i), page_number=1, text=text,
            dossier_code=f"H21.65-220914-{i:04d}" if i % 3 else None, unit=rng.choice(UNITS),
            received_date=START + timedelta(days=i % 700), role=role, doc_type=doc_type,
            issuer=f"Ủy ban nhân dân xã {rng.randint(0, 19)}", owner_id=f"0870{i:08d}",
            issued_on=START + timedelta(days=i % 700),
        )  # fmt: skip


def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        index = EmbeddedSearchIndex(Path(folder))
        index.ensure()
        started = time.perf_counter()
        index.index_pages(pages(count, random.Random(7)))
        print(f"indexed {count} pages in {time.perf_counter() - started:.1f} s")
        for name, filters in CASES.items():
            times = []
            for _ in range(7):
                started = time.perf_counter()
                result = index.search(SearchQuery(allowed_units=UNITS[:5], **filters))  # type: ignore[arg-type]
                times.append((time.perf_counter() - started) * 1000)
            print(f"{name:24s} p50 {statistics.median(times):7.1f} ms  max {max(times):7.1f} ms  total {result.total}")
        index.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20000)
