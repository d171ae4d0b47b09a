"""An index made before the role/type/metadata fields (issue 10) is reported, never searched as if it had them:
the embedded index's schema 2 and an Elasticsearch index with the mapping before version 2 raise
SearchUnavailableError saying "run `sohoa reindex`", and `rebuild` (what `sohoa reindex` does) repairs them."""

from __future__ import annotations

import copy
import sqlite3
import uuid
from pathlib import Path

import pytest

from indexing import PageDocument, SearchQuery, SearchUnavailableError
from indexing.embedded import EmbeddedSearchIndex
from tests.conftest import service_url

PAGE = PageDocument(id="1:1", document_id="1", page_number=1, text="Quyết định cấp giấy phép", unit="Xã A",
                    role="result", doc_type="quyet_dinh")

# The pages table of schema 2 (before issue 10), as sohoa wrote it.
_OLD_SCHEMA = """
CREATE TABLE pages (
    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, group_key TEXT NOT NULL, dossier_code TEXT,
    document_id TEXT NOT NULL, page_number INTEGER NOT NULL, unit TEXT, field TEXT, procedure_code TEXT,
    status TEXT, received_date TEXT, year INTEGER, applicant TEXT, file_name TEXT, document_numbers TEXT,
    text TEXT NOT NULL
);
CREATE VIRTUAL TABLE pages_fts USING fts5(body_exact, body_folded, meta_exact, meta_folded, facets,
    content='', tokenize='unicode61 remove_diacritics 0');
"""


def test_an_embedded_index_of_the_previous_schema_is_reported_and_rebuild_replaces_it(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "pages-1.sqlite") as conn:
        conn.executescript(_OLD_SCHEMA)
    (tmp_path / "CURRENT").write_text("pages-1.sqlite\n")
    index = EmbeddedSearchIndex(tmp_path)
    try:
        with pytest.raises(SearchUnavailableError, match="sohoa reindex"):
            index.search(SearchQuery(text="quyết định", role="result"))
        with pytest.raises(SearchUnavailableError, match="định dạng cũ"):
            index.index_pages([PAGE])
        assert index.rebuild([PAGE]) == 1
        result = index.search(SearchQuery(text="quyết định", role="result"))
        assert result.total == 1 and result.facets["doc_type"] == {"quyet_dinh": 1}
    finally:
        index.close()


@pytest.mark.elasticsearch
def test_an_elasticsearch_index_of_the_previous_mapping_is_reported_and_rebuild_replaces_it() -> None:
    from indexing import elastic

    index = elastic.ElasticSearchIndex(service_url("SOHOA_TEST_ES_URL"), alias=f"old-{uuid.uuid4().hex[:12]}")
    old = copy.deepcopy(elastic._MAPPING)
    del old["_meta"]
    for name in ("role", "doc_type", "owner_id", "issuer", "issued_on", "signer"):
        del old["properties"][name]
    name = f"{index.alias}-old"
    try:
        index._client.indices.create(index=name, mappings=old, settings={
            "number_of_shards": 1, "number_of_replicas": 0, "analysis": elastic._ANALYSIS})
        index._client.indices.put_alias(index=name, name=index.alias)
        with pytest.raises(SearchUnavailableError, match="sohoa reindex"):
            index.ensure()
        with pytest.raises(SearchUnavailableError, match="older mapping"):
            index.search(SearchQuery(text="quyết định", role="result"))
        with pytest.raises(SearchUnavailableError, match="sohoa reindex"):
            index.index_pages([PAGE])
        assert index.rebuild([PAGE]) == 1
        index.ensure()
        assert index.search(SearchQuery(text="quyết định", role="result")).total == 1
    finally:
        index._client.indices.delete(index=f"{index.alias}-*", ignore_unavailable=True)
        index.close()
