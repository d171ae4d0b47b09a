"""The SearchIndex contract as officers' stories, run against the embedded index and a real Elasticsearch."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from indexing import (
    PageDocument,
    SearchIndex,
    SearchQuery,
    SearchUnavailableError,
    result_rows,
)
from sohoa.compose import open_search_index
from tests.conftest import service_url

FILLER = [
    "Ủy ban nhân dân xã Tân Phú thông báo lịch tiếp công dân tháng chín",
    "Biên bản kiểm tra hiện trạng sử dụng đất của hộ gia đình tại thôn Bắc",
    "Tờ khai đăng ký kết hôn, hai bên tự nguyện, không vi phạm điều cấm",
    "Giấy xác nhận tình trạng hôn nhân cấp cho công dân cư trú tại địa phương",
    "Phiếu chuyển thông tin địa chính để xác định nghĩa vụ tài chính về đất đai",
    "Công văn đề nghị bổ sung hồ sơ còn thiếu bản sao căn cước công dân",
]


def page(doc: str, number: int, text: str, **meta: object) -> PageDocument:
    meta.setdefault("unit", "Xã Tân Phú")
    return PageDocument(id=f"{doc}:{number}", document_id=doc, page_number=number, text=text, **meta)


def corpus() -> list[PageDocument]:
    pages = [page(f"f{i}", 1, text, field="Khác", status="done", received_date=date(2021, 5, 1))
             for i, text in enumerate(FILLER)]
    pages += [
        page("hung", 1, "Đơn đề nghị cấp giấy chứng nhận của ông Nguyễn Văn Hùng, thường trú thôn Đông",
             dossier_code="H21.65-220914-0011", field="Đất đai", status="done", received_date=date(2022, 9, 14),
             applicant="Nguyễn Văn Hùng"),
        page("hung", 2, "Sơ đồ thửa đất số 45 tờ bản đồ số 12 kèm theo đơn",
             dossier_code="H21.65-220914-0011", field="Đất đai", status="done", received_date=date(2022, 9, 14)),
        page("hung-receipt", 1, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả, Mã hồ sơ: H21.65-220914-0011",
             dossier_code="H21.65-220914-0011", field="Đất đai", status="done", received_date=date(2022, 9, 14)),
        page("hung2", 1, "Đơn đề nghị cấp giấy chứng nhận của ông Nguyễn Văn Hưng, thường trú thôn Đông",
             dossier_code="H21.65-220915-0002", field="Đất đai", status="pending", received_date=date(2022, 9, 15)),
        page("dat", 1, "Quyết định Số: 123/QĐ-UBND về việc công nhận hộ kinh doanh của bà Đỗ Thị Đạt",
             unit="Phường Hòa Bình", field="Hộ kinh doanh", status="done", received_date=date(2023, 3, 2)),
        page("hoso", 1, "Bà con phản ánh con hổ sở thú bị bệnh, đề nghị kiểm tra", field="Khác", status="done",
             received_date=date(2023, 1, 5)),
        page("hoso2", 1, "Trả lại hồ sơ do thiếu giấy tờ, đề nghị bổ sung trong 5 ngày", field="Khác",
             status="done", received_date=date(2023, 1, 6)),
        page("ocr", 1, "Hợp đồng chuyển nhượng quyền sử dụng đất giữa các bên, tại thôn Nam",
             unit="Phường Hòa Bình", field="Đất đai", status="done", received_date=date(2023, 4, 1)),
        page("loose", 1, "Trang rời không có mã hồ sơ: giấy ủy quyền của ông Trần Quốc Toản"),
    ]
    return pages


@pytest.fixture(params=["embedded", pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, SearchIndex]]:
    if request.param == "embedded":
        index = open_search_index("embedded", tmp_path)
    else:
        from indexing.elastic import ElasticSearchIndex

        index = ElasticSearchIndex(service_url("SOHOA_TEST_ES_URL"), alias=f"test-{uuid.uuid4().hex[:12]}")
    index.ensure()
    yield request.param, index
    if request.param == "elasticsearch":
        index._client.indices.delete(index=f"{index.alias}-*", ignore_unavailable=True)  # type: ignore[attr-defined]
    index.close()


@pytest.fixture
def index(backend: tuple[str, SearchIndex]) -> SearchIndex:
    _, idx = backend
    assert idx.index_pages(iter(corpus())) == len(corpus())
    return idx


def documents(index: SearchIndex, text: str, **kw: object) -> list[str]:
    result = index.search(SearchQuery(text=text, **kw))  # type: ignore[arg-type]
    return [group.best.document_id for group in result.groups]


def test_typing_without_marks_finds_the_accented_name(index: SearchIndex) -> None:
    assert set(documents(index, "nguyen van hung")[:2]) == {"hung", "hung2"}


def test_d_folds_to_d(index: SearchIndex) -> None:
    assert documents(index, "do thi dat") == ["dat"]


def test_exact_marks_rank_above_a_folded_match(index: SearchIndex) -> None:
    found = documents(index, "Nguyễn Văn Hùng")
    assert found.index("hung") < found.index("hung2")
    assert documents(index, "Nguyễn Văn Hưng")[0] == "hung2"


def test_ho_so_does_not_rank_ho_so_of_the_zoo_first(index: SearchIndex) -> None:
    found = documents(index, "hồ sơ")
    assert "hoso" in found  # folding still finds it...
    assert found[0] != "hoso"  # ...but below pages that carry the exact marks


def test_one_ocr_error_still_finds_the_page_but_ranks_below_exact(index: SearchIndex) -> None:
    assert documents(index, "chuyển nhượnq") == ["ocr"]  # q read for g
    assert documents(index, "chuyen nhuogn") == ["ocr"]  # two letters swapped
    assert documents(index, "nhuong")[0] == "ocr"
    assert documents(index, "quyết dinh")[0] == "dat"  # a missing mark
    assert documents(index, "zzqxw") == []


def test_fuzzy_matches_rank_below_exact_ones(index: SearchIndex) -> None:
    index.index_pages([page("typo", 1, "Hợp đồng chuyển nhượnq nhà ở")])
    assert documents(index, "chuyển nhượng")[:2] == ["ocr", "typo"]


@pytest.mark.parametrize("typed", ["123/QĐ-UBND", "123/qd-ubnd", "123 QĐ UBND", "so 123 qđ ubnd", "123/QĐ"])
def test_document_numbers_however_typed(index: SearchIndex, typed: str) -> None:
    assert documents(index, typed) == ["dat"]


@pytest.mark.parametrize("typed", ["H21.65-220914-0011", "h21.65-220914-0011", "H21.65 220914 0011"])
def test_dossier_code_finds_every_page_of_the_dossier(index: SearchIndex, typed: str) -> None:
    result = index.search(SearchQuery(text=typed))
    assert result.total == 1
    group = result.groups[0]
    assert group.dossier_code == "H21.65-220914-0011"
    pages = {(h.document_id, h.page_number) for h in [group.best, *group.other_pages]}
    assert pages == {("hung", 1), ("hung", 2), ("hung-receipt", 1)}


def test_phrases_need_the_words_in_order(index: SearchIndex) -> None:
    assert set(documents(index, '"giay chung nhan"')) == {"hung", "hung2"}
    assert documents(index, '"chung nhan giay"') == []
    assert set(documents(index, '"đề nghị cấp chứng nhận"~2')) == {"hung", "hung2"}  # "giấy" in between
    assert documents(index, '"đề nghị chứng nhận"~0') == []


def test_filters_and_facet_counts(index: SearchIndex) -> None:
    everything = index.search(SearchQuery(text="thôn"))
    assert everything.facets["year"] == {"2022": 2, "2021": 1, "2023": 1}
    assert everything.facets["status"] == {"done": 3, "pending": 1}
    only_2022 = index.search(SearchQuery(text="thôn", year=2022))
    assert only_2022.total == 2 and only_2022.facets["year"] == {"2022": 2}
    assert documents(index, "thôn", status="pending") == ["hung2"]
    assert documents(index, "thôn", unit="Phường Hòa Bình") == ["ocr"]
    assert documents(index, "", field="Hộ kinh doanh") == ["dat"]


def test_allowed_units_are_enforced_in_results_and_facets(index: SearchIndex) -> None:
    result = index.search(SearchQuery(text="đất", allowed_units=["Phường Hòa Bình"]))
    assert {g.best.document_id for g in result.groups} == {"ocr", "dat"}  # "Đạt" folds to "dat" too
    assert result.facets["unit"] == {"Phường Hòa Bình": 2}
    assert result.total == 2
    assert index.search(SearchQuery(text="đất", allowed_units=[])).total == 0
    unrestricted = index.search(SearchQuery(text="đất", allowed_units=None))
    assert set(unrestricted.facets["unit"]) == {"Phường Hòa Bình", "Xã Tân Phú"}


def test_pages_group_by_dossier_with_the_best_page_first(index: SearchIndex) -> None:
    result = index.search(SearchQuery(text="thửa đất"))
    group = next(g for g in result.groups if g.dossier_code == "H21.65-220914-0011")
    assert (group.best.document_id, group.best.page_number) == ("hung", 2)
    loose = index.search(SearchQuery(text="ủy quyền Trần Quốc Toản"))
    assert loose.groups[0].dossier_code is None and loose.groups[0].best.document_id == "loose"
    rows = result_rows(result)
    assert rows[0]["score"] > 0  # a real relevance score, not a placeholder
    assert rows[0]["score"] >= rows[-1]["score"] or len(rows) == 1
    assert set(rows[0]) == {"dossier_code", "document", "page", "score", "snippet"}


def test_snippet_marks_the_original_accented_words(index: SearchIndex) -> None:
    snippet = index.search(SearchQuery(text="nguyen van hung")).groups[0].best.snippet
    assert "<mark>" in snippet and "Nguyễn" in snippet and "Hùng" in snippet.replace("Hưng", "Hùng")
    assert "nguyen" not in snippet.lower()


def test_reindexing_replaces_and_delete_removes(index: SearchIndex) -> None:
    before = index.count()
    index.index_pages([page("dat", 1, "Quyết định Số: 124/QĐ-UBND về việc thu hồi giấy phép")])
    assert index.count() == before
    assert documents(index, "123/QĐ-UBND") == []
    assert documents(index, "thu hồi giấy phép") == ["dat"]
    assert index.delete_document("hung") == 2
    assert index.count() == before - 2


def test_rebuild_swaps_with_no_downtime(index: SearchIndex) -> None:
    failures: list[BaseException] = []
    seen: list[int] = []
    stop = threading.Event()

    def officer_searching() -> None:
        while not stop.is_set():
            try:
                seen.append(index.search(SearchQuery(text="thôn")).total)
            except BaseException as exc:  # noqa: BLE001 - any failure is downtime
                failures.append(exc)

    reader = threading.Thread(target=officer_searching)
    reader.start()

    def slow_pages() -> Iterator[PageDocument]:
        for p in corpus():
            time.sleep(0.01)
            yield p
        yield page("new", 1, "Trang mới ở thôn Tây sau khi dựng lại chỉ mục")

    try:
        assert index.rebuild(slow_pages()) == len(corpus()) + 1
    finally:
        stop.set()
        reader.join()
    assert not failures
    assert seen and all(total in (4, 5) for total in seen)
    assert index.search(SearchQuery(text="thôn")).total == 5
    assert index.count() == len(corpus()) + 1


def test_ping_says_the_backend_answers(index: SearchIndex) -> None:
    assert index.ping() is True


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_elasticsearch_fails_fast() -> None:
    index = open_search_index(f"http://127.0.0.1:{_closed_port()}", Path("/nonexistent"))
    started = time.monotonic()
    with pytest.raises(SearchUnavailableError):
        index.search(SearchQuery(text="hồ sơ"))
    with pytest.raises(SearchUnavailableError):
        index.index_pages(corpus())
    assert index.ping() is False
    assert time.monotonic() - started < 10


@pytest.mark.elasticsearch
def test_three_node_cluster_replicates_and_searches() -> None:
    from indexing.elastic import ElasticSearchIndex

    url = service_url("SOHOA_TEST_ES_CLUSTER_URL")
    index = ElasticSearchIndex(url, alias=f"cluster-{uuid.uuid4().hex[:12]}", replicas=1)
    try:
        index.ensure()
        index.index_pages(corpus())
        health = index._client.cluster.health(index=index.alias, wait_for_status="green", timeout="30s")
        assert health["status"] == "green"
        assert health["active_shards"] == 2  # one primary, one replica on another node
        assert documents(index, "nguyen van hung")[0] in {"hung", "hung2"}
    finally:
        index._client.indices.delete(index=f"{index.alias}-*", ignore_unavailable=True)
        index.close()


# -- issue 10: the document's role, type and extracted metadata as filters and facets --------------------------

ROLE_PAGES = [
    page("qd", 1, "Quyết định công nhận quyền sử dụng đất cho hộ ông Lê Văn Tám, thôn Đông",
         dossier_code="H21.65-230301-0001", field="Đất đai", received_date=date(2023, 3, 1), role="result",
         doc_type="quyet_dinh", issuer="ỦY BAN NHÂN DÂN XÃ TÂN PHÚ", owner_id="087090001234",
         issued_on=date(2023, 3, 10), signer="Trần Văn Ba"),
    page("qd-don", 1, "Đơn đề nghị công nhận quyền sử dụng đất của ông Lê Văn Tám, thôn Đông",
         dossier_code="H21.65-230301-0001", field="Đất đai", received_date=date(2023, 3, 1), role="component",
         doc_type="don", owner_id="087 090 001 234"),
    page("gcn", 1, "Giấy chứng nhận quyền sử dụng đất cấp cho bà Phan Thị Mơ, thôn Đông",
         dossier_code="H21.65-230402-0002", field="Đất đai", received_date=date(2023, 4, 2), role="result",
         doc_type="giay_chung_nhan", issuer="Ủy ban nhân dân huyện Duy Xuyên", owner_id="079190005678",
         issued_on=date(2023, 5, 20)),
    page("gcn-receipt", 1, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả quyền sử dụng đất, thôn Đông",
         dossier_code="H21.65-230402-0002", field="Đất đai", received_date=date(2023, 4, 2), role="receipt",
         doc_type="giay_tiep_nhan"),
    page("qd-other-unit", 1, "Quyết định công nhận quyền sử dụng đất cho hộ ông Lê Văn Tám, thôn Đông",
         unit="Phường Hòa Bình", dossier_code="H21.65-230303-0003", received_date=date(2023, 3, 3),
         role="result", doc_type="quyet_dinh", issuer="Ủy ban nhân dân phường Hòa Bình",
         owner_id="087090001234", issued_on=date(2023, 3, 12)),
]


@pytest.fixture
def role_index(index: SearchIndex) -> SearchIndex:
    index.index_pages(ROLE_PAGES)
    return index


def test_role_and_type_filters_restrict_and_combine_with_text(role_index: SearchIndex) -> None:
    assert set(documents(role_index, "thôn đông", role="result")) == {"qd", "gcn", "qd-other-unit"}
    assert documents(role_index, "thôn đông", role="receipt") == ["gcn-receipt"]
    assert set(documents(role_index, "", doc_type="quyet_dinh")) == {"qd", "qd-other-unit"}
    assert documents(role_index, "phan thi mo", role="result") == ["gcn"]
    assert documents(role_index, "phan thi mo", role="component") == []
    assert documents(role_index, "H21.65-230402-0002", role="receipt") == ["gcn-receipt"]  # with a code too


def test_owner_id_filter_is_exact_on_digits_however_typed(role_index: SearchIndex) -> None:
    for typed in ("087090001234", "087 090 001 234", "0870.9000.1234"):
        result = role_index.search(SearchQuery(text="", owner_id=typed))
        pages = {h.document_id for g in result.groups for h in [g.best, *g.other_pages]}
        assert pages == {"qd", "qd-don", "qd-other-unit"}, typed
    assert documents(role_index, "", owner_id="08709000123") == []  # one digit short: no prefix match
    assert documents(role_index, "phan thi mo", owner_id="087090001234") == []
    with pytest.raises(ValueError):
        SearchQuery(owner_id="không có số")


def test_issuer_filter_matches_folded_whole_words(role_index: SearchIndex) -> None:
    assert set(documents(role_index, "", issuer="uy ban nhan dan")) == {"qd", "gcn", "qd-other-unit"}
    assert documents(role_index, "", issuer="Xã Tân Phú") == ["qd"]
    assert documents(role_index, "", issuer="huyen duy xuyen") == ["gcn"]
    assert documents(role_index, "", issuer="xuyen duy") == ["gcn"]  # words, not a phrase
    assert documents(role_index, "", issuer="xuy") == []  # whole words only
    assert documents(role_index, "le van tam", issuer="tan phu") == ["qd"]


def test_issue_date_range_includes_both_ends_and_leaves_undated_pages_out(role_index: SearchIndex) -> None:
    assert set(documents(role_index, "", issued_from=date(2023, 3, 10), issued_to=date(2023, 3, 12))) == {
        "qd", "qd-other-unit"}
    assert documents(role_index, "thôn đông", issued_from=date(2023, 4, 1)) == ["gcn"]
    assert set(documents(role_index, "thôn đông", issued_to=date(2023, 3, 11))) == {"qd"}
    assert documents(role_index, "H21.65-230301-0001", issued_to=date(2023, 1, 1)) == []
    assert documents(role_index, "", issued_from=date(2024, 1, 1)) == []
    # Ranges across years and months (the embedded index covers them with year, month and day tokens).
    assert set(documents(role_index, "", issued_from=date(2021, 1, 1), issued_to=date(2023, 3, 10))) == {"qd"}
    assert set(documents(role_index, "", issued_from=date(2023, 2, 28), issued_to=date(2023, 5, 20))) == {
        "qd", "qd-other-unit", "gcn"}
    assert set(documents(role_index, "", issued_from=date(2023, 3, 11), issued_to=date(2024, 12, 31))) == {
        "qd-other-unit", "gcn"}
    assert documents(role_index, "", issued_from=date(2023, 3, 13), issued_to=date(2023, 3, 12)) == []


def test_new_filters_respect_allowed_units(role_index: SearchIndex) -> None:
    allowed = ["Xã Tân Phú"]
    assert documents(role_index, "", doc_type="quyet_dinh", allowed_units=allowed) == ["qd"]
    mine = role_index.search(SearchQuery(text="", owner_id="087090001234", allowed_units=allowed))
    assert [g.dossier_code for g in mine.groups] == ["H21.65-230301-0001"] and mine.facets["unit"] == {"Xã Tân Phú": 1}
    assert documents(role_index, "", issuer="uy ban nhan dan phuong hoa binh", allowed_units=allowed) == []
    assert documents(role_index, "le van tam", issued_from=date(2023, 3, 11), allowed_units=allowed) == []
    result = role_index.search(SearchQuery(text="quyền sử dụng đất", allowed_units=allowed))
    assert result.facets["role"] == {"result": 2, "component": 1, "receipt": 1}


def test_role_and_type_facets_count_groups(role_index: SearchIndex) -> None:
    result = role_index.search(SearchQuery(text="quyền sử dụng đất thôn đông"))
    # Dossier 0001 has a result and a component, 0002 a result and a receipt, 0003 a result.
    assert result.facets["role"] == {"result": 3, "component": 1, "receipt": 1}
    assert result.facets["doc_type"] == {"quyet_dinh": 2, "don": 1, "giay_chung_nhan": 1, "giay_tiep_nhan": 1}
    filtered = role_index.search(SearchQuery(text="quyền sử dụng đất thôn đông", doc_type="quyet_dinh"))
    assert filtered.total == 2 and filtered.facets["role"] == {"result": 2}


def test_replacing_a_page_replaces_its_role_and_fields(role_index: SearchIndex) -> None:
    corrected = page("qd-don", 1, ROLE_PAGES[1].text, dossier_code="H21.65-230301-0001", field="Đất đai",
                     received_date=date(2023, 3, 1), role="component", doc_type="to_khai",
                     issuer="Công an xã Tân Phú")
    role_index.index_pages([corrected])
    assert documents(role_index, "", doc_type="don") == []
    assert documents(role_index, "", doc_type="to_khai") == ["qd-don"]
    assert documents(role_index, "", issuer="cong an") == ["qd-don"]
    assert documents(role_index, "", owner_id="087090001234", allowed_units=["Xã Tân Phú"]) == ["qd"]  # only it now
    assert role_index.delete_document("qd-don") == 1
    assert documents(role_index, "", issuer="cong an") == []


def test_the_signer_s_name_is_searchable(role_index: SearchIndex) -> None:
    assert documents(role_index, "tran van ba") == ["qd"]
