"""The states and the fold are defined once: the catalogue's constraint and every search form come from them."""

from __future__ import annotations

import unicodedata

from sohoa.domain.folding import exact, fold
from sohoa.domain.states import DOCUMENT_STATES, PROCESSED_STATES, DocumentState
from storage.catalog.schema import DocumentRow


def test_the_catalogue_allows_exactly_the_domain_states() -> None:
    checks = [str(c.sqltext) for c in DocumentRow.__table__.constraints if str(c.name).endswith("_state")]
    assert checks == ["state IN (" + ", ".join(f"'{state}'" for state in DOCUMENT_STATES) + ")"]
    assert set(PROCESSED_STATES) == {DocumentState.RECOGNIZED, DocumentState.INDEXED}
    assert set(PROCESSED_STATES) < set(DOCUMENT_STATES)


def test_fold_merges_marks_and_exact_keeps_them() -> None:
    assert fold("Đỗ Thị Đạt, NGUYỄN Văn Hưng") == "do thi dat, nguyen van hung"
    assert fold(unicodedata.normalize("NFD", "Hồ sơ")) == fold("Hồ sơ") == "ho so"
    assert fold("Hồ Sơ") == fold("hổ sở") and exact("Hồ Sơ") != exact("hổ sở")
    assert exact(unicodedata.normalize("NFD", "Hồ Sơ")) == "hồ sơ"
