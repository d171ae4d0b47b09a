"""Nothing lost: a real Elasticsearch is stopped before indexing, pages stay pending in the catalogue, and the
next `index_pending` (what `sohoa reindex --pending` and the next ingest run call) indexes them once it is back.

Runs its own Elasticsearch on free ports with its own data folder, so the shared test server is untouched.
"""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.index_sync import index_pending
from indexing import SearchQuery
from indexing.elastic import ElasticSearchIndex
from storage.catalog import Catalog, PageInput, open_catalog

SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "elasticsearch.sh"
pytestmark = pytest.mark.elasticsearch


def _free_base_port() -> int:
    """A base whose HTTP (base+1) and transport (base+101) ports are both free right now."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            http = s.getsockname()[1]
        if http + 101 > 65535:
            continue
        with socket.socket() as t:
            try:
                t.bind(("127.0.0.1", http + 100))
            except OSError:
                continue
        return http - 1
    raise RuntimeError("no free port pair")


class PrivateElasticsearch:
    def __init__(self, run_dir: Path) -> None:
        self.env = {**os.environ, "SOHOA_ES_NAME": "outage", "SOHOA_ES_RUN_DIR": str(run_dir),
                    "SOHOA_ES_BASE_PORT": str(_free_base_port()), "SOHOA_ES_HEAP": "512m",
                    "SOHOA_ES_KEEP_DATA": "1"}
        self.url = ""

    def start(self) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(["bash", str(SCRIPT), "start"], check=False, env=self.env, capture_output=True, text=True,
                              timeout=600)
        if done.returncode == 0:
            self.url = done.stdout.strip().splitlines()[-1].split("=", 1)[1]
        return done

    def stop(self) -> None:
        subprocess.run(["bash", str(SCRIPT), "stop"], env=self.env, capture_output=True, timeout=120, check=True)


@pytest.fixture
def elasticsearch(tmp_path: Path) -> Iterator[PrivateElasticsearch]:
    server = PrivateElasticsearch(tmp_path / "es")
    started = server.start()
    if started.returncode != 0:
        message = f"could not install or start a private Elasticsearch: {started.stderr[-2000:]}"
        if os.environ.get("SOHOA_REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    try:
        yield server
    finally:
        server.stop()


def add_document(catalog: Catalog, name: str, texts: list[str]) -> None:
    """A recognised document as ingest leaves it (objects are the catalogue's concern, not this test's)."""
    source = catalog.record_source_file(hashlib.sha256(name.encode()).hexdigest(), object_key=f"originals/{name}",
                                        original_name=name, size=1, format="pdf", page_count=len(texts))
    document = catalog.record_document(source.id, 1, len(texts))
    catalog.record_pages(document.id, [PageInput(page_number=n, source_page_index=n - 1, text=text)
                                       for n, text in enumerate(texts, 1)])
    catalog.mark_document_recognized(document.id, pdf_key=f"pdf/{name}",
                                     verified_keys=[f"originals/{name}", f"pdf/{name}"])


def pending(catalog: Catalog) -> int:
    return sum(1 for _ in catalog.pages_pending_index())


def found(index: ElasticSearchIndex, text: str) -> set[str]:
    return {g.best.document_id for g in index.search(SearchQuery(text=text)).groups}


def test_pages_stay_pending_while_elasticsearch_is_down_and_are_indexed_when_it_returns(
    elasticsearch: PrivateElasticsearch, tmp_path: Path
) -> None:
    catalog = open_catalog(f"sqlite:///{tmp_path / 'catalog.sqlite3'}")
    index = ElasticSearchIndex(elasticsearch.url)
    add_document(catalog, "H21.65-220914-0011.1.pdf", ["Đơn đề nghị của ông Nguyễn Văn Hùng", "Sơ đồ thửa đất số 45"])
    first = index_pending(catalog, index)
    assert (first.indexed, first.pending, first.error) == (2, 0, None)

    elasticsearch.stop()
    add_document(catalog, "SCAN_0002.pdf", ["Quyết định cấp giấy chứng nhận cho bà Đỗ Thị Đạt"] * 3)
    during = index_pending(catalog, index)
    assert during.indexed == 0 and during.pending == 3 and during.error
    assert pending(catalog) == 3  # the outage lost nothing: the catalogue still knows what to index

    assert elasticsearch.start().returncode == 0
    index = ElasticSearchIndex(elasticsearch.url)
    after = index_pending(catalog, index)
    assert (after.indexed, after.pending, after.error) == (3, 0, None)
    assert pending(catalog) == 0
    assert index.count() == 5  # the server came back with its data and the new pages
    assert len(found(index, "do thi dat")) == 1 and len(found(index, "nguyen van hung")) == 1
    again = index_pending(catalog, index)
    assert again.indexed == 0  # nothing indexed twice
    index.close()
    catalog.close()
