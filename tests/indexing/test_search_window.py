"""Words on a great many pages: only a window of the newest matches is ranked, totals and facets become
estimates the result owns up to, and allowed_units still holds. Both backends, with a window of 20 pages."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from indexing import PageDocument, SearchIndex, SearchQuery
from tests.conftest import service_url

WINDOW = 20
BIG, SMALL = "Xã Tân Phú", "Phường Hòa Bình"


def dossier_pages() -> list[PageDocument]:
    """15 old dossiers of SMALL, then 40 newer ones of BIG; two pages each, every page says "hồ sơ"."""
    pages = []
    for n in range(55):
        unit = SMALL if n < 15 else BIG
        code = f"H21.65-{220101 + n:06d}-{n:04d}"
        applicant = "Trần Quốc Toản" if n == 3 else f"Người số {n}"
        for number in (1, 2):
            pages.append(PageDocument(
                id=f"d{n}:{number}", document_id=f"d{n}", page_number=number, dossier_code=code, unit=unit,
                field="Đất đai", status="done", received_date=date(2022, 1, 1) + timedelta(days=n),
                text=f"Trang {number} của hồ sơ đất đai, người nộp {applicant}",
            ))
    return pages


@pytest.fixture(params=["embedded", pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)])
def index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchIndex]:
    if request.param == "embedded":
        from indexing.embedded import EmbeddedSearchIndex

        idx: SearchIndex = EmbeddedSearchIndex(tmp_path / "search", rank_window=WINDOW, group_sample=WINDOW)
    else:
        from indexing.elastic import ElasticSearchIndex

        idx = ElasticSearchIndex(service_url("SOHOA_TEST_ES_URL"), alias=f"window-{uuid.uuid4().hex[:12]}",
                                 rank_window=WINDOW)
    idx.ensure()
    idx.index_pages(dossier_pages())
    yield idx
    if request.param == "elasticsearch":
        idx._client.indices.delete(index=f"{idx.alias}-*", ignore_unavailable=True)  # type: ignore[attr-defined]
    idx.close()


def test_a_word_on_every_page_ranks_the_newest_window_and_estimates_the_total(index: SearchIndex) -> None:
    result = index.search(SearchQuery(text="hồ sơ", limit=50))
    assert result.total_is_estimate
    assert result.total == 55  # 10 dossiers in the window, scaled by 110 matching pages / 20 ranked
    newest = {f"H21.65-{220101 + n:06d}-{n:04d}" for n in range(45, 55)}
    assert {g.dossier_code for g in result.groups} == newest
    assert sum(result.facets["unit"].values()) <= result.total


def test_allowed_units_still_hold_when_the_window_is_full(index: SearchIndex) -> None:
    result = index.search(SearchQuery(text="hồ sơ", allowed_units=[SMALL], limit=50))
    assert result.total_is_estimate  # SMALL alone has 30 matching pages, more than the window
    assert result.total == 15
    assert result.groups and all(int(g.dossier_code[7:13]) - 220101 < 15 for g in result.groups)  # type: ignore[index]
    assert set(result.facets["unit"]) == {SMALL}
    filtered = index.search(SearchQuery(text="hồ sơ", unit=BIG, allowed_units=[SMALL]))
    assert filtered.total == 0 and filtered.groups == [] and filtered.facets["unit"] == {}


def test_a_rare_word_next_to_a_common_one_is_exact_and_finds_old_pages(index: SearchIndex) -> None:
    result = index.search(SearchQuery(text="hồ sơ Trần Quốc Toản"))
    assert not result.total_is_estimate
    assert result.total == 1 and result.groups[0].dossier_code == "H21.65-220104-0003"
    assert {result.groups[0].best.page_number, *(p.page_number for p in result.groups[0].other_pages)} == {1, 2}


def test_a_filter_alone_over_many_pages_is_an_estimate_too(index: SearchIndex) -> None:
    result = index.search(SearchQuery(text="", unit=BIG))
    assert result.total_is_estimate and result.total == 40
    assert set(result.facets["unit"]) == {BIG}
