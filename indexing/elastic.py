"""Elasticsearch 8 SearchIndex: accented + asciifolded fields, code keywords, versioned index behind an alias."""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout, TransportError
from elasticsearch import ApiError, Elasticsearch, NotFoundError, helpers

from indexing.base import (
    FACET_NAMES,
    DossierHit,
    PageDocument,
    PageHit,
    SearchQuery,
    SearchResult,
    SearchUnavailableError,
    issuer_words,
)
from indexing.query import FUZZY_PREFIX_LENGTH, PROXIMITY_SLOP, ParsedQuery, Term, page_keys, parse_query

CHUNK_PAGES = 1000
CHUNK_BYTES = 8 * 1024 * 1024
# Two bulk requests in flight: Python builds the next chunk while Elasticsearch indexes the previous one;
# with the queue bound, memory stays at a few chunks whatever the input's length.
BULK_THREADS = 2
BULK_QUEUE = 2
# A busy server may take many seconds over a bulk request or a refresh (merges, GC) without being down; a
# refused connection still fails at once.
SLOW_CALL_TIMEOUT_S = 120
# Pages matched without an edit get this constant on top, so fuzzy-only pages always sort below them.
_STRICT_TIER = 1000.0
FUZZY_SCORE_FACTOR = 0.1
SNIPPET_CHARS = 200
# Scoring, collapsing and aggregating every match of a word on all of a million pages takes seconds, so a
# search collects at most RANK_WINDOW matching pages per shard: in index order, which is newest received
# first (index sort), like the embedded index's window. Totals and facets are then scaled up from the window
# by a plain count of all matches, and the result says so.
RANK_WINDOW = 10_000
GROUP_SAMPLE = 3_000

# Bumped whenever _MAPPING changes; an index made with an older mapping is reported ("run `sohoa reindex`")
# instead of silently missing fields (2: role, doc_type and the extracted metadata).
MAPPING_VERSION = 2
_MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    "_meta": {"sohoa_mapping": MAPPING_VERSION},
    "properties": {
        "id": {"type": "keyword"},
        "group_key": {"type": "keyword", "eager_global_ordinals": True},
        "dossier_code": {"type": "keyword", "normalizer": "code"},
        "document_id": {"type": "keyword"},
        "page_number": {"type": "integer"},
        "unit": {"type": "keyword"},
        "field": {"type": "keyword"},
        "procedure_code": {"type": "keyword"},
        "status": {"type": "keyword"},
        "received_date": {"type": "date"},
        "year": {"type": "integer"},
        "applicant": {"type": "keyword", "index": False},
        "file_name": {"type": "keyword", "index": False},
        "document_numbers": {"type": "keyword", "normalizer": "code"},
        "keys": {"type": "keyword", "normalizer": "code"},
        "role": {"type": "keyword"},
        "doc_type": {"type": "keyword"},
        "owner_id": {"type": "keyword"},
        # Folded words, matched all together: the same rule as the embedded index's issuer tokens.
        "issuer": {"type": "text", "analyzer": "vi_folded"},
        "issued_on": {"type": "date"},
        "signer": {"type": "keyword", "index": False},
        "text": {
            "type": "text",
            "analyzer": "vi_exact",
            "fields": {"folded": {"type": "text", "analyzer": "vi_folded"}},
        },
        "meta": {
            "type": "text",
            "analyzer": "vi_exact",
            "fields": {"folded": {"type": "text", "analyzer": "vi_folded"}},
        },
    },
}
_ANALYSIS: dict[str, Any] = {
    "analyzer": {
        "vi_exact": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase"]},
        # asciifolding maps every Vietnamese mark and đ -> d, the same as indexing.folding.fold.
        "vi_folded": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "asciifolding"]},
    },
    "normalizer": {"code": {"type": "custom", "filter": ["lowercase", "asciifolding"]}},
}


def _source(page: PageDocument) -> dict[str, Any]:
    text = unicodedata.normalize("NFC", page.text)
    return {
        "id": page.id,
        "group_key": page.group_key,
        "dossier_code": page.dossier_code,
        "document_id": page.document_id,
        "page_number": page.page_number,
        "unit": page.unit,
        "field": page.field,
        "procedure_code": page.procedure_code,
        "status": page.status,
        "received_date": page.received_date.isoformat() if page.received_date else None,
        "year": page.year,
        "applicant": page.applicant,
        "file_name": page.file_name,
        "document_numbers": list(page.document_numbers),
        "keys": page_keys(page.dossier_code, page.document_numbers, text),
        "role": page.role,
        "doc_type": page.doc_type,
        "owner_id": page.owner_id,
        "issuer": " ".join(issuer_words(page.issuer)) or None,
        "issued_on": page.issued_on.isoformat() if page.issued_on else None,
        "signer": page.signer,
        "text": text,
        "meta": " ".join(p for p in (page.applicant, page.file_name, page.procedure_code, page.signer) if p),
    }


def _term_clause(term: Term, fuzzy: bool) -> dict[str, Any]:
    should: list[dict[str, Any]] = [
        {"multi_match": {"query": term.folded, "fields": ["text.folded", "meta.folded^1.5"]}}
    ]
    if term.accented:
        should.append({"multi_match": {"query": term.exact, "fields": ["text^4", "meta^6"]}})
    if fuzzy and term.fuzzy:
        should.append({"multi_match": {
            "query": term.folded, "fields": ["text.folded", "meta.folded"], "fuzziness": 1,
            "prefix_length": FUZZY_PREFIX_LENGTH, "max_expansions": 20, "boost": FUZZY_SCORE_FACTOR,
        }})
    return {"bool": {"should": should, "minimum_should_match": 1}}


def _phrase_clause(terms: tuple[Term, ...], slop: int) -> dict[str, Any]:
    exact = " ".join(t.exact for t in terms)
    folded = " ".join(t.folded for t in terms)
    return {"bool": {"should": [
        {"match_phrase": {"text": {"query": exact, "slop": slop, "boost": 4}}},
        {"match_phrase": {"meta": {"query": exact, "slop": slop, "boost": 4}}},
        {"match_phrase": {"text.folded": {"query": folded, "slop": slop}}},
        {"match_phrase": {"meta.folded": {"query": folded, "slop": slop}}},
    ], "minimum_should_match": 1}}


def build_query(parsed: ParsedQuery, query: SearchQuery, fuzzy: bool = True) -> dict[str, Any]:
    """The bool query: words (exact boosted, folded, fuzzy below), phrases, codes, filters, allowed units.

    `fuzzy=False` leaves out the one-edit clauses and the strict-tier constant: scores are then plain.
    """
    filters: list[dict[str, Any]] = []
    if query.allowed_units is not None:
        filters.append({"terms": {"unit": list(query.allowed_units)}})
    for name in FACET_NAMES:
        value = getattr(query, name)
        if value is not None:
            filters.append({"term": {name: value}})
    if query.owner_id is not None:
        filters.append({"term": {"owner_id": query.owner_id}})
    if query.issuer is not None:
        filters.append({"match": {"issuer": {"query": " ".join(issuer_words(query.issuer)), "operator": "and"}}})
    if query.issued_from is not None or query.issued_to is not None:
        bounds = {"gte": query.issued_from, "lte": query.issued_to}
        filters.append({"range": {"issued_on": {k: v.isoformat() for k, v in bounds.items() if v is not None}}})
    for key in parsed.keys:
        filters.append({"bool": {"should": [{"term": {"keys": key}}, {"prefix": {"keys": key + "-"}}]}})
    phrases = [_phrase_clause(p.terms, p.slop) for p in parsed.phrases]
    if not parsed.terms and not phrases:
        return {"bool": {"filter": filters, "must": [{"match_all": {}}]}}
    strict = {"bool": {"must": [_term_clause(t, False) for t in parsed.terms] + phrases}}
    should: list[dict[str, Any]] = []
    if fuzzy:
        should.append({"constant_score": {"filter": strict, "boost": _STRICT_TIER}})
    if len(parsed.terms) > 1:
        should.append({"match_phrase": {"text.folded": {
            "query": " ".join(t.folded for t in parsed.terms), "slop": PROXIMITY_SLOP}}})
    return {"bool": {
        "must": [_term_clause(t, fuzzy) for t in parsed.terms] + phrases,
        "should": should,
        "filter": filters,
    }}


def _score(raw: float | None, fuzzy: bool) -> float:
    raw = raw or 0.0
    if not fuzzy:
        return raw
    return raw - _STRICT_TIER if raw >= _STRICT_TIER else raw * FUZZY_SCORE_FACTOR


class ElasticSearchIndex:
    """SearchIndex over Elasticsearch 8. Reads and writes go through `alias`, which names one versioned index."""

    def __init__(self, url: str, alias: str = "sohoa-pages", replicas: int = 0, timeout_s: float = 10.0,
                 client: Elasticsearch | None = None, rank_window: int = RANK_WINDOW) -> None:
        self.url = url
        self.alias = alias
        self.replicas = replicas
        self.rank_window = rank_window
        self._mapping_ok = False
        # Few retries and a short timeout: an unreachable server must surface in seconds so ingest can
        # mark pages pending instead of hanging.
        self._client = client or Elasticsearch(url, request_timeout=timeout_s, max_retries=1,
                                               retry_on_timeout=False)

    def _call(self, what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (TransportConnectionError, ConnectionTimeout) as exc:
            raise SearchUnavailableError(f"Elasticsearch at {self.url} unreachable ({what}): {exc}") from exc
        except ApiError as exc:
            if exc.meta.status in (429, 502, 503, 504):
                raise SearchUnavailableError(f"Elasticsearch at {self.url} unavailable ({what}): {exc}") from exc
            raise
        except TransportError as exc:
            raise SearchUnavailableError(f"Elasticsearch at {self.url} failed ({what}): {exc}") from exc

    def _new_index_name(self) -> str:
        return f"{self.alias}-{time.strftime('%Y%m%d%H%M%S')}-{time.time_ns() % 1_000_000:06d}"

    def _create_index(self, name: str, loading: bool = False) -> None:
        settings: dict[str, Any] = {
            "number_of_shards": 1, "number_of_replicas": self.replicas, "analysis": _ANALYSIS,
            # Newest dossiers first in index order, so a search cut short after RANK_WINDOW matches (see
            # search()) keeps the most recent ones, as the embedded index does.
            "sort.field": ["received_date"], "sort.order": ["desc"],
        }
        if loading:
            settings.update(number_of_replicas=0, refresh_interval="-1")
        self._call("create index", self._client.indices.create, index=name, mappings=_MAPPING, settings=settings)

    def ensure(self) -> None:
        self._ensure_alias()
        self._check_mapping()

    def _check_mapping(self) -> None:
        """An index made by an older sohoa lacks fields: say so instead of answering without them. Checked
        until it passes (a rebuild by another process fixes it), then once per instance."""
        if self._mapping_ok:
            return
        try:
            found = self._call("get mapping", self._client.indices.get_mapping, index=self.alias).body
        except NotFoundError:
            return
        versions = [int((m.get("mappings", {}).get("_meta") or {}).get("sohoa_mapping", 1)) for m in found.values()]
        if versions and min(versions) < MAPPING_VERSION:
            raise SearchUnavailableError(
                f"chỉ mục Elasticsearch {self.alias} có định dạng cũ (phiên bản {min(versions)} < {MAPPING_VERSION}):"
                f" chạy `sohoa reindex` / Elasticsearch index {self.alias} has an older mapping (version"
                f" {min(versions)} < {MAPPING_VERSION}): run `sohoa reindex`")
        self._mapping_ok = True

    def _ensure_alias(self) -> None:
        if self._call("alias check", self._client.indices.exists_alias, name=self.alias):
            return
        name = self._new_index_name()
        self._create_index(name)
        self._call("add alias", self._client.indices.update_aliases,
                   actions=[{"add": {"index": name, "alias": self.alias}}])

    def _actions(self, pages: Iterable[PageDocument], index: str) -> Iterator[dict[str, Any]]:
        for page in pages:
            yield {"_index": index, "_id": page.id, "_source": _source(page)}

    def _bulk(self, pages: Iterable[PageDocument], index: str) -> int:
        done = 0
        client = self._client.options(request_timeout=SLOW_CALL_TIMEOUT_S)
        stream = helpers.parallel_bulk(client, self._actions(pages, index), thread_count=BULK_THREADS,
                                       queue_size=BULK_QUEUE, chunk_size=CHUNK_PAGES,
                                       max_chunk_bytes=CHUNK_BYTES, raise_on_error=True)
        for ok, _ in self._call_iter("bulk index", stream):
            done += int(ok)
        self._call("refresh", client.indices.refresh, index=index)
        return done

    def _call_iter(self, what: str, iterator: Iterator[Any]) -> Iterator[Any]:
        while True:
            try:
                item = self._call(what, next, iterator)
            except StopIteration:
                return
            yield item

    def index_pages(self, pages: Iterable[PageDocument]) -> int:
        self._check_mapping()  # an old strict mapping would refuse the new fields page by page
        return self._bulk(pages, self.alias)

    def delete_document(self, document_id: str) -> int:
        # Search-then-bulk-delete instead of _delete_by_query: that API lives in the optional reindex module.
        removed = 0
        while True:
            response = self._call("find pages", self._client.search, index=self.alias, size=1000, source=False,
                                  query={"term": {"document_id": str(document_id)}})
            ids = [hit["_id"] for hit in response["hits"]["hits"]]
            if not ids:
                return removed
            actions = ({"_op_type": "delete", "_index": self.alias, "_id": i} for i in ids)
            for ok, _ in self._call_iter("delete", helpers.streaming_bulk(self._client, actions,
                                                                           raise_on_error=False)):
                removed += int(ok)
            self._call("refresh", self._client.indices.refresh, index=self.alias)

    def rebuild(self, pages: Iterable[PageDocument]) -> int:
        self._ensure_alias()  # not the mapping check: rebuilding is how an old mapping is replaced
        old = list(self._call("get alias", self._client.indices.get_alias, name=self.alias).body)
        name = self._new_index_name()
        # No refreshes and no replicas while loading a fresh index nobody searches yet: several times faster.
        self._create_index(name, loading=True)
        try:
            done = self._bulk(pages, name)
            self._call("finish load", self._client.indices.put_settings, index=name, settings={
                "refresh_interval": None, "number_of_replicas": self.replicas})
            self._call("refresh", self._client.options(request_timeout=SLOW_CALL_TIMEOUT_S).indices.refresh,
                       index=name)
        except BaseException:
            self._client.indices.delete(index=name, ignore_unavailable=True)
            raise
        # One atomic alias update: every search sees either the old index or the new one, never neither.
        actions = [{"remove": {"index": index, "alias": self.alias}} for index in old]
        actions.append({"add": {"index": name, "alias": self.alias}})
        self._call("swap alias", self._client.indices.update_aliases, actions=actions)
        for index in old:
            self._call("delete old index", self._client.indices.delete, index=index, ignore_unavailable=True)
        self._mapping_ok = True
        return done

    def count(self) -> int:
        try:
            return int(self._call("count", self._client.count, index=self.alias)["count"])
        except NotFoundError:  # the index is gone (e.g. lost on a restart): it holds no page
            return 0

    def ping(self) -> bool:
        try:
            self._client.options(request_timeout=3).cluster.health()
            return True
        except Exception:
            return False

    def close(self) -> None:
        self._client.close()

    def search(self, query: SearchQuery) -> SearchResult:
        self._check_mapping()
        parsed = parse_query(query.text)
        highlight = {
            "pre_tags": ["<mark>"], "post_tags": ["</mark>"], "encoder": "html",
            # The folded subfield highlights the parent's original, accented text.
            "fields": {"text.folded": {"number_of_fragments": 1, "fragment_size": SNIPPET_CHARS,
                                        "no_match_size": SNIPPET_CHARS}},
        }
        group_count = {"cardinality": {"field": "group_key", "precision_threshold": GROUP_SAMPLE}}
        facet_aggs: dict[str, Any] = {"groups": group_count}
        for name in FACET_NAMES:
            facet_aggs[name] = {"terms": {"field": name, "size": 200}, "aggs": {"groups": group_count}}
        # Groups and facets come from the best GROUP_SAMPLE pages, as in the embedded index.
        aggs: dict[str, Any] = {"sample": {"sampler": {"shard_size": GROUP_SAMPLE}, "aggs": facet_aggs}}
        try:
            strict = build_query(parsed, query, fuzzy=False)
            matched = self._count(strict)
            if matched > GROUP_SAMPLE:
                # The best pages mostly come one per dossier; the window's whole dossiers give the ratio
                # that turns the page count into a group count.
                aggs["window_groups"] = group_count
            # One-edit matches rank below every strict one, so they matter only while strict matches leave
            # room in the sample; skipping them then saves their expansion in every inner-hits sub-search.
            fuzzy = matched < GROUP_SAMPLE and any(t.fuzzy for t in parsed.terms)
            es_query = build_query(parsed, query) if fuzzy else strict
            response = self._call(
                "search", self._client.search, index=self.alias, query=es_query,
                from_=query.offset, size=max(1, query.limit), aggs=aggs, track_total_hits=True,
                terminate_after=self.rank_window,
                source=["dossier_code"], collapse={"field": "group_key"},
                sort=[{"_score": "desc"}, {"group_key": "asc"}],
            )
            if fuzzy:
                matched = self._count(es_query) if response.get("terminated_early") else response["hits"]["total"]["value"]
            top = response["hits"]["hits"][: query.limit]
            pages = self._pages_of_groups(es_query, [hit["fields"]["group_key"][0] for hit in top],
                                          query.pages_per_dossier, highlight)
        except NotFoundError:
            self.ensure()
            return SearchResult(total=0, groups=[], facets={name: {} for name in FACET_NAMES})
        groups = []
        for hit in top:
            inner = [self._page_hit(page, fuzzy) for page in pages.get(hit["fields"]["group_key"][0], [])]
            if inner:
                groups.append(DossierHit(hit["_source"].get("dossier_code"), inner[0], inner[1:]))
        sample = response["aggregations"]["sample"]
        sampled = max(1, int(sample["doc_count"]))
        # Above GROUP_SAMPLE distinct groups the cardinality count is approximate too.
        estimated = matched > sampled or int(sample["groups"]["value"]) >= GROUP_SAMPLE
        sample_groups = int(sample["groups"]["value"])
        total = sample_groups
        if matched > sampled:
            window = response["aggregations"].get("window_groups")
            per_page = (int(window["value"]) / max(1, int(response["hits"]["total"]["value"])) if window
                        else sample_groups / sampled)
            total = round(matched * per_page)
        scale = total / sample_groups if sample_groups else 1.0
        facets = {
            name: {str(bucket["key"]): min(total, round(int(bucket["groups"]["value"]) * scale))
                   for bucket in sample[name]["buckets"]}
            for name in FACET_NAMES
        }
        return SearchResult(total=total, groups=groups, facets=facets, total_is_estimate=estimated)

    def _pages_of_groups(self, es_query: dict[str, Any], keys: list[str], per_group: int,
                         highlight: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
        """The best pages of each listed group, highlighted, in ONE request: collapse's inner_hits would run
        one sub-search per group (20 per result page, more than half of a search's time at 1M pages)."""
        if not keys:
            return {}
        response = self._call(
            "group pages", self._client.search, index=self.alias, size=0,
            query={"bool": {"must": [es_query], "filter": [{"terms": {"group_key": keys}}]}},
            aggs={"groups": {"terms": {"field": "group_key", "size": len(keys)}, "aggs": {"pages": {"top_hits": {
                "size": per_group, "sort": [{"_score": "desc"}, {"id": "asc"}], "highlight": highlight,
                "_source": ["dossier_code", "document_id", "page_number"],
            }}}}},
        )
        return {bucket["key"]: bucket["pages"]["hits"]["hits"]
                for bucket in response["aggregations"]["groups"]["buckets"]}

    def _count(self, es_query: dict[str, Any]) -> int:
        """Pages matching, without scoring: cheap even for a word on every page."""
        return int(self._call("count", self._client.count, index=self.alias,
                              query={"constant_score": {"filter": es_query}})["count"])

    @staticmethod
    def _page_hit(hit: dict[str, Any], fuzzy: bool) -> PageHit:
        fragments = hit.get("highlight", {}).get("text.folded") or [""]
        return PageHit(
            page_id=hit["_id"],
            document_id=hit["_source"]["document_id"],
            page_number=int(hit["_source"]["page_number"]),
            # Sorted by score then id, top_hits reports the score in "sort" only.
            score=_score(hit.get("_score") or (hit.get("sort") or [None])[0], fuzzy),
            snippet=fragments[0].replace("\n", " ").strip(),
        )
