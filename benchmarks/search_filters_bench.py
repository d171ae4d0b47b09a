"""Small targeted timing (docs/search.md): embedded index, N synthetic pages, queries with and without the issue-10
filters. `python -m benchmarks.search_filters_bench 20000`."""
import random, statistics, sys, tempfile, time
from datetime import date, timedelta
from pathlib import Path
from indexing import PageDocument, SearchQuery
from indexing.embedded import EmbeddedSearchIndex

N = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
rng = random.Random(7)
NAMES = ["Nguyễn Văn Hùng", "Trần Thị Mai", "Lê Văn Tám", "Phạm Minh Đức", "Võ Thị Lan", "Hoàng Văn Tư"]
WORDS = "ủy ban nhân dân xã hồ sơ đề nghị cấp giấy chứng nhận quyền sử dụng đất thôn quyết định về việc".split()
TYPES = [("result", "quyet_dinh"), ("result", "giay_chung_nhan"), ("component", "don"), ("component", "to_khai"), ("receipt", "giay_tiep_nhan")]
UNITS = [f"Xã {i}" for i in range(20)]
def pages():
    for i in range(N):
        role, typ = rng.choice(TYPES)
        name = rng.choice(NAMES)
        text = " ".join(rng.choice(WORDS) for _ in range(60)) + f" ông {name}"
        yield PageDocument(id=f"{i}:1", document_id=str(i), page_number=1, text=text, dossier_code=f"H21.65-2209{i%28+1:02d}-{i:04d}"[:18] if i % 3 else None,
            unit=rng.choice(UNITS), received_date=date(2022, 1, 1) + timedelta(days=i % 700), role=role, doc_type=typ,
            issuer=f"Ủy ban nhân dân xã {rng.randint(0, 19)}", owner_id=f"0870{i:08d}", issued_on=date(2022, 1, 1) + timedelta(days=i % 700))
with tempfile.TemporaryDirectory() as d:
    idx = EmbeddedSearchIndex(Path(d)); idx.ensure()
    t = time.perf_counter(); idx.index_pages(pages()); print(f"indexed {N} pages in {time.perf_counter()-t:.1f}s")
    cases = {
        "words": dict(text="nguyen van hung"),
        "words+role": dict(text="nguyen van hung", role="result"),
        "words+type+issuer": dict(text="nguyen van hung", doc_type="quyet_dinh", issuer="uy ban xa 7"),
        "owner_id only": dict(text="", owner_id="0870 0000 1234"),
        "words+date range": dict(text="nguyen van hung", issued_from=date(2022, 6, 1), issued_to=date(2022, 8, 31)),
        "common word+date range": dict(text="hồ sơ", issued_from=date(2022, 6, 1), issued_to=date(2022, 8, 31)),
        "date range only": dict(text="", issued_from=date(2022, 6, 1), issued_to=date(2022, 8, 31)),
        "common word": dict(text="hồ sơ"),
    }
    for name, kw in cases.items():
        times = []
        for _ in range(7):
            t = time.perf_counter(); r = idx.search(SearchQuery(allowed_units=UNITS[:5], **kw)); times.append((time.perf_counter() - t) * 1000)
        print(f"{name:26s} p50 {statistics.median(times):6.1f} ms  max {max(times):6.1f} ms  total {r.total}")
    idx.close()
